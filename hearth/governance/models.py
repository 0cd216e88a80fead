"""Governance: each community's rules of voting, the rules proposals put to a vote, who
could vote in each (fixed when it opened) and the secret ballots.

A ballot names no member: it carries a keyed hash of the proposal and the voter
(:func:`hearth.governance.ballots.voter_key`), unique per proposal, so one person cannot
vote twice and may change their vote, while no page, API, export or staff view can say
who voted how. Every elector's (empty) ballot is written when the vote opens, in a
shuffled order, and a vote only fills it in: ballots carry no time, and neither their ids
nor their order can be matched to the interaction log's "voted" events."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hearth.core.models import CommunityOwned

MAX_VOTING_DAYS = 60
MAX_VETO_DAYS = 30
MAX_MEMBER_DAYS = 3650


class Threshold(models.TextChoices):
    MAJORITY = "majority", _("Simple majority: more yes than no")
    TWO_THIRDS = "two_thirds", _("Two thirds: at least two thirds of yes and no votes are yes")


class Choice(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    ABSTAIN = "abstain", _("Abstain")


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("Voting open")
    AWAITING_VETO = "awaiting_veto", _("Passed, in the owner's veto window")
    ADOPTED = "adopted", _("Adopted")
    REJECTED = "rejected", _("Rejected")
    NO_QUORUM = "no_quorum", _("Not decided: too few votes")
    VETOED = "vetoed", _("Vetoed by the owner")


CLOSED_STATUSES = frozenset(
    {ProposalStatus.ADOPTED, ProposalStatus.REJECTED, ProposalStatus.NO_QUORUM,
     ProposalStatus.VETOED, ProposalStatus.AWAITING_VETO}
)  # fmt: skip


class GovernanceSettings(models.Model):
    """One row per community that changed a default. Proposals are off until staff allow
    them."""

    community = models.OneToOneField(
        "communities.Community", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    proposals_enabled = models.BooleanField(_("members may propose rule changes"), default=False)
    propose_trust_level = models.PositiveSmallIntegerField(
        _("trust level needed to propose"),
        default=2,
        validators=[MinValueValidator(0), MaxValueValidator(4)],
    )
    voting_days = models.PositiveSmallIntegerField(
        _("voting period in days"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_VOTING_DAYS)],
    )
    quorum_percent = models.PositiveSmallIntegerField(
        _("quorum (% of eligible members who must vote)"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    threshold = models.CharField(
        _("threshold"), max_length=16, choices=Threshold.choices, default=Threshold.MAJORITY
    )
    vote_trust_level = models.PositiveSmallIntegerField(
        _("trust level needed to vote"),
        default=1,
        validators=[MinValueValidator(0), MaxValueValidator(4)],
    )
    vote_member_days = models.PositiveSmallIntegerField(
        _("days of membership needed to vote"),
        default=7,
        validators=[MaxValueValidator(MAX_MEMBER_DAYS)],
    )
    owner_veto = models.BooleanField(_("the owner keeps a veto"), default=False)
    veto_days = models.PositiveSmallIntegerField(
        _("veto window in days"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_VETO_DAYS)],
    )
    discussion_category = models.ForeignKey(
        "discussions.Category",
        verbose_name=_("category for proposal discussions"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"governance settings of {self.community_id}"

    @classmethod
    def for_community(cls, community) -> "GovernanceSettings":
        """The community's settings, or the defaults (unsaved) if it never changed them."""
        return cls.objects.filter(community=community).first() or cls(community=community)


class Proposal(CommunityOwned):
    """A proposed new text of the rules, put to a vote. The rules of the vote are copied
    from the settings when it opens, so changing the settings never changes a running
    vote; the tally is written once, when it closes."""

    title = models.CharField(_("title"), max_length=120)
    reason = models.TextField(_("reason"))
    reason_html = models.TextField()
    text = models.TextField(_("proposed rules"))
    base_version = models.PositiveIntegerField()
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    topic = models.ForeignKey(
        "discussions.Topic", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.OPEN
    )
    # The rules of this vote, fixed at opening.
    quorum_percent = models.PositiveSmallIntegerField()
    threshold = models.CharField(max_length=16, choices=Threshold.choices)
    vote_trust_level = models.PositiveSmallIntegerField()
    vote_member_days = models.PositiveSmallIntegerField()
    owner_veto = models.BooleanField(default=False)
    veto_days = models.PositiveSmallIntegerField(default=0)
    electorate_size = models.PositiveIntegerField(default=0)
    opened_at = models.DateTimeField(default=timezone.now)
    closes_at = models.DateTimeField()
    # Written at the close, never before (the running tally is not shown).
    closed_at = models.DateTimeField(null=True, blank=True)
    yes_count = models.PositiveIntegerField(null=True, blank=True)
    no_count = models.PositiveIntegerField(null=True, blank=True)
    abstain_count = models.PositiveIntegerField(null=True, blank=True)
    veto_until = models.DateTimeField(null=True, blank=True)
    vetoed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    veto_reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    rules_version = models.OneToOneField(
        "communities.RulesVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proposal",
    )

    class Meta:
        indexes = [
            models.Index(fields=["community", "-opened_at"], name="proposal_listing"),
            models.Index(fields=["status", "closes_at"], name="proposal_due"),
            models.Index(fields=["community", "closed_at"], name="proposal_closed"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == ProposalStatus.OPEN

    @property
    def ballots_total(self) -> int | None:
        if self.yes_count is None:
            return None
        return self.yes_count + self.no_count + self.abstain_count


class Elector(CommunityOwned):
    """A member who may vote on a proposal: the electorate, fixed when it opened."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="electors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["proposal", "user"], name="elector_unique")]


class BallotQuerySet(models.QuerySet):
    def cast(self) -> "BallotQuerySet":
        """The ballots filled in (an elector who has not voted has an empty one)."""
        return self.exclude(choice="")


class Ballot(CommunityOwned):
    """One secret ballot: the choice (empty until the elector votes), and a keyed hash
    standing for the voter."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="ballots")
    voter_key = models.CharField(max_length=64)
    choice = models.CharField(max_length=8, choices=Choice.choices, blank=True)

    objects = BallotQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "voter_key"], name="ballot_one_per_voter")
        ]
