"""The estimate's assumptions, as the owner types them. The checks are the service's
(``clean_assumptions``), so the page and the API refuse the same input with the same words."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hearth.benefits.services import FIELDS, clean_assumptions


class BenefitSettingsForm(forms.Form):
    ticket_share_percent = forms.CharField(
        label=_("Share of answer views that would have been a ticket (%)"),
        max_length=20,
        help_text=_("Of the people who read a solved answer, how many would otherwise "
                    "have contacted support. 5% is a cautious start."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )  # fmt: skip
    ticket_cost = forms.CharField(
        label=_("Cost of one support ticket"),
        max_length=20,
        help_text=_("What one ticket costs your support team, all in (time and tools)."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    currency = forms.CharField(
        label=_("Currency"),
        max_length=20,
        help_text=_("A three-letter ISO 4217 code: EUR, USD, GBP…"),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "size": 4}
        ),
    )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            return clean_assumptions(*(data.get(name) for name in FIELDS))
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                for message in messages:
                    self.add_error(name, message)
        return data
