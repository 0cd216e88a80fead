from django import forms
from django.utils.translation import gettext_lazy as _

from hearth.sharing.models import MAX_EMBED_ORIGINS
from hearth.sharing.origins import parse_origins


class EmbedSettingsForm(forms.Form):
    origins = forms.CharField(
        label=_("Sites that may show the embed"),
        required=False,
        max_length=MAX_EMBED_ORIGINS * 300,
        widget=forms.Textarea(
            attrs={"rows": 4, "placeholder": "https://blog.example.org", "spellcheck": "false"}
        ),
        help_text=_(
            "One site address per line, like https://blog.example.org (scheme, host and, if "
            "needed, port; no paths). Only these sites can show your community's embed."
        ),
    )

    def clean_origins(self):
        return "\n".join(parse_origins(self.cleaned_data["origins"]))
