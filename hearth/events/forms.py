from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hearth.accounts.models import TIME_ZONE_CHOICES
from hearth.events.models import Recurrence, RsvpStatus

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
TRUST_CHOICES = [("", _("Staff only"))] + [
    (str(n), _("Members from trust level %(n)s") % {"n": n}) for n in range(5)
]


class EventForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Discussion category"),
        help_text=_("The event's discussion topic goes here; who can read it can see the event."),
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown works here."),
    )  # fmt: skip
    starts_local = forms.DateTimeField(
        label=_("Starts"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS
    )
    ends_local = forms.DateTimeField(
        label=_("Ends"), widget=DATETIME_WIDGET, input_formats=DATETIME_FORMATS
    )
    time_zone = forms.CharField(
        label=_("Time zone"), max_length=64,
        widget=forms.Select(choices=TIME_ZONE_CHOICES),
        help_text=_("Where the start and end times above are read."),
    )  # fmt: skip
    location = forms.CharField(label=_("Place"), max_length=300, required=False)
    online_url = forms.CharField(label=_("Online link"), max_length=500, required=False)
    capacity = forms.IntegerField(
        label=_("Capacity"), required=False, min_value=-(10**9), max_value=10**9,
        help_text=_("Leave empty for no limit. When full, members join a waitlist."),
    )  # fmt: skip
    cover = forms.ImageField(label=_("Cover image"), required=False)
    repeats = forms.ChoiceField(label=_("Repeats"), choices=Recurrence.choices, required=False)
    repeats_until = forms.DateField(
        label=_("Repeats until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    exceptions = forms.CharField(
        label=_("Skip these dates"), required=False,
        help_text=_("Dates in the series that do not take place, e.g. 2027-01-05, 2027-01-12."),
    )  # fmt: skip

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(str(c.pk), c.name) for c in categories]
        self.categories = {str(c.pk): c for c in categories}

    def clean_exceptions(self) -> list[date]:
        raw = self.cleaned_data.get("exceptions", "")
        out = []
        for part in raw.replace(";", ",").replace("\n", ",").split(","):
            part = part.strip()
            if not part:
                continue
            try:
                out.append(date.fromisoformat(part))
            except ValueError as exc:
                raise ValidationError(
                    _("“%(d)s” is not a date like 2027-01-05.") % {"d": part[:20]}
                ) from exc
        return out

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("category", None)
        data.pop("cover", None)
        data["repeats"] = data.get("repeats") or ""
        data["online_url"] = data.get("online_url") or ""
        data["location"] = data.get("location") or ""
        data["description"] = data.get("description") or ""
        return data


class EditEventForm(EventForm):
    remove_cover = forms.BooleanField(label=_("Remove the cover image"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["category"]

    def service_fields(self) -> dict:
        data = super().service_fields()
        data.pop("remove_cover", None)
        return data


class RsvpForm(forms.Form):
    on = forms.DateField()
    status = forms.ChoiceField(
        choices=[(s, s) for s in (RsvpStatus.GOING, RsvpStatus.MAYBE, RsvpStatus.NOT_GOING)]
    )


class EventSettingsForm(forms.Form):
    create_trust_level = forms.TypedChoiceField(
        label=_("Who can create events"), choices=TRUST_CHOICES, coerce=int,
        empty_value=None, required=False,
        help_text=_("Staff can always create events."),
    )  # fmt: skip
