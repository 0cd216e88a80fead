from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hearth.customers.csv_upload import NOT_MAPPED
from hearth.customers.services import check_mapping
from hearth.customers.validation import FIELDS, REQUIRED

FIELD_LABELS = {
    "email": _("Email"),
    "customer_since": _("Customer since"),
    "plan": _("Plan"),
    "revenue": _("Revenue to date"),
    "churned_at": _("Churned at"),
}
FIELD_HELP = {
    "email": _("Matched to members by their verified addresses; only a keyed hash is kept."),
    "customer_since": _("The day they became a customer (YYYY-MM-DD)."),
    "plan": _("Optional: a short plan name."),
    "revenue": _("Everything they have paid so far, 0 or more (1234.50)."),
    "churned_at": _("Optional: the day they stopped being a customer (YYYY-MM-DD)."),
}


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Customer list (CSV)"),
        help_text=_(
            "A header row, then one customer per row: email, customer since, revenue to date, "
            "and optionally plan and churned at. You choose which column is which next."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv,text/plain"}),
    )


class MappingForm(forms.Form):
    as_of = forms.DateField(
        label=_("Revenue figures as of"),
        help_text=_(
            "The day the export was made. An export older than the current list only adds "
            "revenue history (for the before/after figure)."
        ),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, headers: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.headers = headers
        choices = [(NOT_MAPPED, _("— not in this file —"))] + [
            (str(i), name or _("Column %(n)s") % {"n": i + 1}) for i, name in enumerate(headers)
        ]
        for field in FIELDS:
            self.fields[field] = forms.ChoiceField(
                label=FIELD_LABELS[field],
                help_text=FIELD_HELP[field],
                choices=choices,
                required=field in REQUIRED,
                error_messages={"required": _("Choose the column that holds this.")},
            )
        # Shown first: the columns, then the date.
        self.order_fields([*FIELDS, "as_of"])

    def clean(self):
        cleaned = super().clean()
        try:
            check_mapping(self.headers, {f: cleaned.get(f) or "" for f in FIELDS})
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                if field not in self.errors:  # a missing choice is already said
                    self.add_error(field, errors)
        return cleaned
