"""Moderator elections and recalls.

An :class:`Election` goes through nominations (members nominate themselves or another,
who must accept), voting (its electorate fixed in :class:`Elector` rows when voting
opens; one :class:`Ballot` per elector, changeable until the close) and the close, when
the count is published on the election and the winners receive a :class:`Mandate` for the
term. A :class:`Recall` of an elected moderator is a petition that, once signed by the
share of eligible members the election set, becomes a yes/no vote.

Ballots name their voter only so that nobody votes twice and a voter can change their
ballot: no page, API answer or export shows who voted how."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hearth.core.models import CommunityOwned


class Method(models.TextChoices):
    APPROVAL = "approval", _("Approval: tick every candidate you support")
    STV = "stv", _("Ranked: single transferable vote")


class ElectionStatus(models.TextChoices):
    NOMINATING = "nominating", _("Nominations open")
    VOTING = "voting", _("Voting")
    CLOSED = "closed", _("Results published")
    CANCELLED = "cancelled", _("Cancelled")


class Election(CommunityOwned):
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    description_html = models.TextField(blank=True)
    seats = models.PositiveSmallIntegerField(_("seats"))
    term_days = models.PositiveIntegerField(_("term (days)"))
    method = models.CharField(_("counting"), max_length=12, choices=Method.choices)
    # Who may vote (and nominate, and sign a recall): fixed in Elector rows at the opening.
    voter_min_trust_level = models.PositiveSmallIntegerField(default=1)
    voter_min_member_days = models.PositiveIntegerField(default=0)
    # Who may stand, checked when nominated and when accepting.
    candidate_min_trust_level = models.PositiveSmallIntegerField(default=2)
    candidate_min_member_days = models.PositiveIntegerField(default=0)
    # The share of the electorate (percent) whose signatures open a recall vote.
    recall_percent = models.PositiveSmallIntegerField(default=20)
    nominations_end_at = models.DateTimeField()
    voting_days = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=12, choices=ElectionStatus.choices, default=ElectionStatus.NOMINATING
    )
    voting_opens_at = models.DateTimeField(null=True, blank=True)
    voting_closes_at = models.DateTimeField(null=True, blank=True)
    # Candidate ids in the lot order that breaks ties (drawn when voting opens).
    lot = models.JSONField(default=list, blank=True)
    electorate_size = models.PositiveIntegerField(default=0)
    ballot_count = models.PositiveIntegerField(default=0)  # ballots cast, set at the close
    # The published count (counting.count's result), set at the close.
    result = models.JSONField(default=dict, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    term_ends_at = models.DateTimeField(null=True, blank=True)
    # Nominations ended without enough accepted candidates: staff extend or cancel.
    stalled_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["community", "-created_at"], name="election_listing"),
            models.Index(fields=["status", "nominations_end_at"], name="election_due"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(seats__gte=1), name="election_seats_min"),
            models.CheckConstraint(condition=models.Q(term_days__gte=1), name="election_term_min"),
        ]

    def __str__(self) -> str:
        return self.title


class CandidateStatus(models.TextChoices):
    INVITED = "invited", _("Nominated, not yet accepted")
    ACCEPTED = "accepted", _("Standing")
    DECLINED = "declined", _("Declined")


class Candidate(CommunityOwned):
    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="candidates")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=CandidateStatus.choices, default=CandidateStatus.INVITED
    )
    statement = models.TextField(_("statement"), blank=True)
    statement_html = models.TextField(blank=True)
    nominated_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["election", "user"], name="candidate_once")]
        ordering = ["nominated_at", "id"]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.election_id}"


class Elector(CommunityOwned):
    """The electorate of an election, fixed when voting opens."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["election", "user"], name="elector_once")]


class Ballot(CommunityOwned):
    """One per elector (the unique constraint, and a lock on the election while casting).
    ``choices``: candidate ids, approved (any order) or ranked (first choice first)."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="+")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    choices = models.JSONField(default=list)
    cast_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["election", "voter"], name="ballot_once")]


class MandateEnd(models.TextChoices):
    TERM = "term", _("The term ended")
    RECALLED = "recalled", _("Recalled by a vote")


class Mandate(CommunityOwned):
    """A seat won in an election, for its term. ``granted_role`` says whether the election
    made the member a moderator (they were a member before); only then does the end of the
    mandate make them a member again — never an admin or owner, never a moderator staff
    appointed (a staff role change clears ``granted_role``)."""

    election = models.ForeignKey(Election, on_delete=models.CASCADE, related_name="mandates")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    granted_role = models.BooleanField(default=False)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=10, choices=MandateEnd.choices, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["election", "user"], name="mandate_once")]
        indexes = [models.Index(fields=["community", "user", "ends_at"], name="mandate_holder")]

    def __str__(self) -> str:
        return f"{self.user_id} from {self.election_id}"

    @property
    def is_current(self) -> bool:
        return self.ended_at is None and self.ends_at > timezone.now()


class RecallStatus(models.TextChoices):
    PETITION = "petition", _("Collecting signatures")
    VOTING = "voting", _("Voting")
    PASSED = "passed", _("Recalled")
    FAILED = "failed", _("Not recalled")
    LAPSED = "lapsed", _("Lapsed: the term ended first")


class Recall(CommunityOwned):
    mandate = models.ForeignKey(Mandate, on_delete=models.CASCADE, related_name="recalls")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(
        max_length=10, choices=RecallStatus.choices, default=RecallStatus.PETITION
    )
    # Signatures that open the vote: the election's share of those eligible at the start.
    signatures_needed = models.PositiveIntegerField()
    signature_count = models.PositiveIntegerField(default=0)
    voting_opens_at = models.DateTimeField(null=True, blank=True)
    voting_closes_at = models.DateTimeField(null=True, blank=True)
    electorate_size = models.PositiveIntegerField(default=0)
    yes = models.PositiveIntegerField(default=0)
    no = models.PositiveIntegerField(default=0)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["status", "voting_closes_at"], name="recall_due")]
        constraints = [
            # One recall at a time per mandate.
            models.UniqueConstraint(
                fields=["mandate"],
                condition=models.Q(status__in=["petition", "voting"]),
                name="recall_one_open",
            )
        ]


class RecallSignature(CommunityOwned):
    recall = models.ForeignKey(Recall, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recall", "user"], name="recall_signature_once")
        ]


class RecallElector(CommunityOwned):
    recall = models.ForeignKey(Recall, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recall", "user"], name="recall_elector_once")
        ]


class RecallBallot(CommunityOwned):
    """Secret like :class:`Ballot`: the voter is stored to stop a second ballot only."""

    recall = models.ForeignKey(Recall, on_delete=models.CASCADE, related_name="+")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    remove = models.BooleanField()
    cast_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recall", "voter"], name="recall_ballot_once")
        ]
