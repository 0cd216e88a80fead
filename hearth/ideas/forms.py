from django import forms
from django.utils.translation import gettext_lazy as _

from hearth.core.forms import IdField
from hearth.ideas.models import IdeaStatus


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=[c for c in IdeaStatus.choices if c[0] != IdeaStatus.MERGED]
    )
    response = forms.CharField(
        label=_("Official response (optional, shown on the idea)"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class MergeIdeaForm(forms.Form):
    into = IdField(label=_("Merge into idea number"))


class BoardSettingsForm(forms.Form):
    vote_limit = forms.IntegerField(
        label=_("Active votes per member"),
        required=False,
        min_value=1,
        max_value=1000,
        help_text=_(
            "Leave empty for no limit. Votes on shipped, declined or merged ideas are freed."
        ),
    )
    allow_self_vote = forms.BooleanField(
        label=_("Members may vote for their own ideas"), required=False
    )
