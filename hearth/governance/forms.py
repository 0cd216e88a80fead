from django import forms
from django.utils.translation import gettext_lazy as _

from hearth.discussions.models import Category, CategoryKind
from hearth.governance.models import Choice, Threshold
from hearth.trust.models import LEVEL_NAMES

LEVEL_CHOICES = [(n, f"{n} · {name}") for n, name in LEVEL_NAMES.items()]


class GovernanceSettingsForm(forms.Form):
    """The ranges are checked by ``services.settings_update`` (one place, with the messages
    the API shares); the form only parses."""

    proposals_enabled = forms.BooleanField(
        label=_("Members may propose rule changes and vote on them"), required=False
    )
    propose_trust_level = forms.TypedChoiceField(
        label=_("Trust level needed to propose"), coerce=int, choices=LEVEL_CHOICES,
        help_text=_("Staff may always propose."),
    )  # fmt: skip
    voting_days = forms.IntegerField(
        label=_("Voting period (days)"), help_text=_("From 1 to 60 days.")
    )
    quorum_percent = forms.IntegerField(
        label=_("Quorum (% of eligible members)"),
        help_text=_(
            "A vote counts only if at least this share of the eligible members cast a ballot "
            "(abstentions included). From 1 to 100."
        ),
    )
    threshold = forms.ChoiceField(label=_("Threshold"), choices=Threshold.choices)
    vote_trust_level = forms.TypedChoiceField(
        label=_("Trust level needed to vote"), coerce=int, choices=LEVEL_CHOICES
    )
    vote_member_days = forms.IntegerField(
        label=_("Days of membership needed to vote"),
        help_text=_(
            "Both counted when a vote opens: members who join or gain trust later do not vote "
            "on it."
        ),
    )
    owner_veto = forms.BooleanField(
        label=_("The owner keeps a veto over passed proposals"),
        required=False,
        help_text=_("Shown on every proposal. A passed proposal then waits for the veto window."),
    )
    veto_days = forms.IntegerField(label=_("Veto window (days)"), help_text=_("From 1 to 30."))
    discussion_category = forms.ModelChoiceField(
        label=_("Category for proposal discussions"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("The first discussion category"),
    )

    def __init__(self, *args, community, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["discussion_category"].queryset = Category.objects.filter(
            community=community, kind=CategoryKind.DISCUSSION, group__isnull=True
        ).order_by("position", "id")
        for name in ("voting_days", "quorum_percent", "vote_member_days", "veto_days"):
            self.fields[name].widget.attrs.setdefault("inputmode", "numeric")


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    reason = forms.CharField(
        label=_("Why change the rules?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Markdown. This opens the discussion topic as well."),
    )
    text = forms.CharField(
        label=_("The rules as they would read"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Edit the current rules below; the changes are shown before you submit."),
    )
    # The text whose changes the proposer saw (a hash): "Put to a vote" is only taken for it.
    previewed = forms.CharField(required=False, widget=forms.HiddenInput)


class BallotForm(forms.Form):
    choice = forms.ChoiceField(
        label=_("Your vote"), choices=Choice.choices, widget=forms.RadioSelect
    )


class VetoForm(forms.Form):
    reason = forms.CharField(
        label=_("Why veto it (shown publicly on the proposal)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
