"""The dashboard's window selector: a preset (last 7, 28 or 90 days) or a custom range.

Days are UTC calendar days, the same days the metrics and the daily rollups count. Bad
input never fails the page: the view shows the form's message and uses the default."""

from __future__ import annotations

from datetime import UTC, date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hearth.analytics.dashboard import Window

PRESETS = (7, 28, 90)
DEFAULT_DAYS = 28
MAX_DAYS = 366


def utc_today() -> date:
    return timezone.now().astimezone(UTC).date()


def preset_window(days: int, today: date) -> Window:
    """The last ``days`` days, today included."""
    return Window(start=today - timedelta(days=days - 1), end=today)


class WindowForm(forms.Form):
    days = forms.TypedChoiceField(
        label=_("Window"),
        choices=[(n, _("Last %(n)s days") % {"n": n}) for n in PRESETS],
        coerce=int,
        required=False,
    )
    start = forms.DateField(label=_("From"), required=False, input_formats=["%Y-%m-%d"])
    end = forms.DateField(label=_("To"), required=False, input_formats=["%Y-%m-%d"])

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if self.errors or (start is None and end is None):
            return data
        if start is None or end is None:
            raise forms.ValidationError(_("Choose both a start and an end date."))
        if end < start:
            raise forms.ValidationError(_("The end date is before the start date."))
        if end > self.today:
            raise forms.ValidationError(
                _("The range ends in the future; the last day with figures is today (%(d)s).")
                % {"d": self.today.isoformat()}
            )
        if (end - start).days + 1 > MAX_DAYS:
            raise forms.ValidationError(
                _("Choose a range of at most %(n)s days.") % {"n": MAX_DAYS}
            )
        return data

    def window(self) -> Window:
        """The chosen window; call only when the form is valid."""
        data = self.cleaned_data
        if data.get("start") is not None:
            return Window(start=data["start"], end=data["end"])
        return preset_window(data.get("days") or DEFAULT_DAYS, self.today)

    @property
    def messages(self) -> list[str]:
        """Every problem as one sentence for the page (field errors named by label)."""
        result = []
        for name, errors in self.errors.items():
            prefix = "" if name == "__all__" else f"{self.fields[name].label}: "
            result.extend(prefix + str(error) for error in errors)
        return result


def parse_window(params, today: date) -> tuple[Window, WindowForm, bool]:
    """(window, bound form, custom?) from query parameters; bad input gives the default
    window and a form carrying the messages."""
    form = WindowForm(params, today=today)
    if form.is_valid():
        custom = form.cleaned_data.get("start") is not None
        return form.window(), form, custom
    return preset_window(DEFAULT_DAYS, today), form, False
