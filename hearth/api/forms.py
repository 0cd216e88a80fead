from django import forms
from django.utils.translation import gettext_lazy as _

from hearth.api.services import NAME_MAX


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=NAME_MAX,
        help_text=_("What will use the key, e.g. “Weekly report spreadsheet”."),
    )
