from django import forms
from django.utils.translation import gettext_lazy as _

from hearth.api.models import KIND_SCOPES, KeyKind, Scope
from hearth.api.services import NAME_MAX


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=NAME_MAX,
        help_text=_("What will use the key, e.g. “Weekly report spreadsheet”."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("What the key may do"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one scope.")},
    )

    def __init__(self, *args, kind: str = KeyKind.COMMUNITY, **kwargs):
        super().__init__(*args, **kwargs)
        allowed = KIND_SCOPES[kind]
        self.fields["scopes"].choices = [(v, label) for v, label in Scope.choices if v in allowed]
        self.fields["scopes"].initial = [Scope.READ]
