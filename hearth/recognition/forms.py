import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hearth.core.converters import parse_id
from hearth.recognition.models import MAX_WEIGHT

# /c/<community>/t/<topic-slug>/<topic-id>/ with an optional #post-<number>.
TOPIC_PATH = re.compile(r"^/c/(?P<slug>[-\w]+)/t/[^/]+/(?P<topic>\d+)/?$")
POST_FRAGMENT = re.compile(r"^post-(?P<number>\d+)$")


@dataclass(frozen=True)
class ContentReference:
    community_slug: str | None
    topic_id: int
    post_number: int | None


def parse_reference(value: str) -> ContentReference:
    """A topic number, or a topic or post address as copied from the browser."""
    value = value.strip()
    if (topic_id := parse_id(value)) is not None:
        return ContentReference(None, topic_id, None)
    parts = urlsplit(value)
    match = TOPIC_PATH.match(parts.path)
    fragment = POST_FRAGMENT.match(parts.fragment) if parts.fragment else None
    topic_id = parse_id(match["topic"]) if match else None
    post_number = parse_id(fragment["number"]) if fragment else None
    if topic_id is None or (parts.fragment and post_number is None):
        raise ValidationError(
            _("Paste the address of a topic or post in this community, or a topic number.")
        )
    return ContentReference(match["slug"], topic_id, post_number)


class BadgeForm(forms.Form):
    icon = forms.CharField(
        label=_("Emoji"), max_length=16, widget=forms.TextInput(attrs={"size": 4})
    )
    name = forms.CharField(label=_("Name"), max_length=60)
    description = forms.CharField(
        label=_("What it recognises"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class GrantForm(forms.Form):
    badge = forms.ChoiceField(label=_("Badge"))
    username = forms.CharField(label=_("Member's username"), max_length=150)
    reason = forms.CharField(
        label=_("Reason (shown on the badge page)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, badges=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["badge"].choices = [(str(b.pk), f"{b.icon} {b.name}") for b in badges]

    def clean_username(self):
        return self.cleaned_data["username"].strip().lstrip("@")


class WeightsForm(forms.Form):
    reaction_points = forms.IntegerField(
        label=_("Points per reaction received"), min_value=0, max_value=MAX_WEIGHT
    )
    accepted_answer_points = forms.IntegerField(
        label=_("Points per accepted answer"), min_value=0, max_value=MAX_WEIGHT
    )
    idea_vote_points = forms.IntegerField(
        label=_("Points per vote on one of their ideas"), min_value=0, max_value=MAX_WEIGHT
    )


class SpotlightForm(forms.Form):
    username = forms.CharField(label=_("Member's username"), max_length=150)
    text = forms.CharField(
        label=_("Why we're celebrating them (Markdown, up to 500 characters)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_username(self):
        return self.cleaned_data["username"].strip().lstrip("@")


class FeatureForm(forms.Form):
    reference = forms.CharField(
        label=_("Topic or post"),
        max_length=500,
        help_text=_(
            "Paste the address of a topic, or of a post (copy the link on its time), "
            "or type a topic number."
        ),
    )
    note = forms.CharField(label=_("Note (optional)"), max_length=300, required=False)

    def clean_reference(self) -> ContentReference:
        return parse_reference(self.cleaned_data["reference"])
