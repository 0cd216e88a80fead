from django import forms
from django.utils.translation import gettext_lazy as _

from hearth.webhooks import catalogue


class EndpointForm(forms.Form):
    url = forms.CharField(
        label=_("Payload URL"),
        max_length=500,
        help_text=_("Where Hearth POSTs each event, e.g. https://example.com/hooks/hearth"),
        widget=forms.URLInput(attrs={"placeholder": "https://", "autocomplete": "off"}),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    event_types = forms.MultipleChoiceField(
        label=_("Events"),
        choices=catalogue.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one event type."),
            "invalid_choice": _("Choose event types from the list."),
        },
    )


class EndpointEditForm(EndpointForm):
    is_active = forms.BooleanField(label=_("Active: send deliveries to this URL"), required=False)
