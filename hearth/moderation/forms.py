import re
from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hearth.moderation.models import DEFAULT_FLAG_WEIGHTS, FlagReason, SanctionKind

RULE_LINE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.+?)\s*$")
DURATIONS = [
    ("1", _("1 day")),
    ("3", _("3 days")),
    ("7", _("1 week")),
    ("14", _("2 weeks")),
    ("30", _("1 month")),
    ("90", _("3 months")),
    ("365", _("1 year")),
]


def rule_choices(rules_text: str) -> list[tuple[str, str]]:
    """The community's rules as a list to choose from: each list item of the current rules
    version (Markdown ``- rule`` or ``1. rule``), without its Markdown emphasis."""
    rules = []
    for line in (rules_text or "").splitlines():
        if match := RULE_LINE.match(line):
            text = re.sub(r"[*_`]", "", match.group(1)).strip()[:300]
            if text and text not in rules:
                rules.append(text)
    return [(rule, rule) for rule in rules]


class FlagForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong with this post?"),
        choices=FlagReason.choices,
        widget=forms.RadioSelect,
    )
    rule = forms.ChoiceField(label=_("Which rule does it break?"), required=False)
    detail = forms.CharField(
        label=_("Tell the moderators more"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed for “Something else”; optional otherwise."),
    )

    def __init__(self, *args, rules: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [("", _("Choose a rule"))] + rules
        if not rules:
            del self.fields["rule"]
            self.fields["reason"].choices = [
                c for c in FlagReason.choices if c[0] != FlagReason.RULE
            ]


class ReasonForm(forms.Form):
    """A staff decision's reason (review actions, lifting a sanction)."""

    note = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the staff log; the people concerned see it."),
    )


class SanctionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Sanction"), choices=SanctionKind.choices, widget=forms.RadioSelect
    )
    duration = forms.ChoiceField(label=_("For"), choices=DURATIONS, initial="7", required=False)
    ends_at = forms.DateTimeField(
        label=_("Or until"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_(
            "A date and time in your time zone. A ban lasts until this end, or until lifted "
            "when it is left empty."
        ),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The member sees this. Say which rule was broken."),
    )

    def __init__(self, *args, kinds: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if kinds is not None:
            self.fields["kind"].choices = [c for c in SanctionKind.choices if c[0] in kinds]

    def clean(self):
        data = super().clean()
        if data.get("kind") == SanctionKind.BAN:
            # A ban ends only at a date chosen here; the usual lengths are for silences.
            data["until"] = data.get("ends_at")
        elif data.get("ends_at"):
            data["until"] = data["ends_at"]
        elif data.get("duration"):
            data["until"] = timezone.now() + timedelta(days=int(data["duration"]))
        else:
            data["until"] = None
        return data


class AppealForm(forms.Form):
    text = forms.CharField(
        label=_("Your appeal"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Why should the sanction be lifted? You can appeal each sanction once."),
    )


class AppealDecisionForm(ReasonForm):
    decision = forms.ChoiceField(
        choices=[("upheld", _("Uphold")), ("lifted", _("Lift"))], widget=forms.HiddenInput
    )


class ModerationSettingsForm(forms.Form):
    flag_threshold = forms.FloatField(
        label=_("Flag score that hides a post"),
        min_value=0.5,
        max_value=100,
        help_text=_(
            "Each flag adds its flagger's weight; at this score the post is hidden until a "
            "moderator reviews it. The default, 3, means three ordinary members."
        ),
    )
    approve_first_posts = forms.BooleanField(
        label=_("Approve new members' first posts"),
        required=False,
        help_text=_("A trust level 0 member's first post waits in the review queue."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for level, default in enumerate(DEFAULT_FLAG_WEIGHTS):
            self.fields[f"weight_{level}"] = forms.FloatField(
                label=_("Weight of a trust level %(n)s member's flag") % {"n": level},
                min_value=0,
                max_value=100,
                initial=default,
            )

    def weights(self) -> list[float]:
        return [self.cleaned_data[f"weight_{level}"] for level in range(5)]
