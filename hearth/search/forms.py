from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from hearth.search.backends import MAX_QUERY_CHARS

# Dates outside these years are typing mistakes; saying so beats silently finding nothing.
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


class SearchInput(forms.TextInput):
    input_type = "search"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class SearchForm(forms.Form):
    """Bound to request.GET. Every field is optional: a form with nothing filled in is the
    page's initial state, not an error."""

    q = forms.CharField(
        label=_("Search for"),
        required=False,
        widget=SearchInput(attrs={"autocomplete": "off"}),
    )
    author = forms.CharField(label=_("Posted by"), required=False, max_length=150)
    after = forms.DateField(label=_("On or after"), required=False, widget=DateInput())
    before = forms.DateField(label=_("On or before"), required=False, widget=DateInput())

    def clean_q(self) -> str:
        # Long pastes are cut, not refused: the backend reads at most this much anyway.
        return " ".join(self.cleaned_data["q"].split())[:MAX_QUERY_CHARS]

    def clean_author(self) -> str:
        return self.cleaned_data["author"].strip().lstrip("@")

    def _clean_day(self, name: str) -> date | None:
        day = self.cleaned_data[name]
        if day is not None and not EARLIEST <= day <= LATEST:
            raise forms.ValidationError(
                _("Choose a date between %(start)s and %(end)s.")
                % {"start": EARLIEST.year, "end": LATEST.year}
            )
        return day

    def clean_after(self) -> date | None:
        return self._clean_day("after")

    def clean_before(self) -> date | None:
        return self._clean_day("before")

    def clean(self):
        data = super().clean()
        after, before = data.get("after"), data.get("before")
        if after and before and after > before:
            self.add_error("before", _("This date is before the “on or after” date."))
        return data

    @property
    def has_criteria(self) -> bool:
        """Whether there is anything to search for (otherwise: the initial state)."""
        return self.is_valid() and any(self.cleaned_data.get(f) for f in self.fields)


class CommunitySearchForm(SearchForm):
    category = forms.ChoiceField(label=_("Category"), required=False)

    field_order = ["q", "category", "author", "after", "before"]

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All categories"))] + [
            (c.slug, c.name) for c in categories
        ]
