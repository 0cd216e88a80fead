import math
from datetime import UTC, datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hearth.core.models import CommunityOwned


class IdeaStatus(models.TextChoices):
    NEW = "new", _("New")
    UNDER_REVIEW = "under_review", _("Under review")
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    SHIPPED = "shipped", _("Shipped")
    DECLINED = "declined", _("Declined")
    MERGED = "merged", _("Merged")


# Ideas in these states take no more votes.
CLOSED_STATUSES = frozenset({IdeaStatus.DECLINED, IdeaStatus.MERGED, IdeaStatus.SHIPPED})
# Votes on these count against a member's active-vote limit.
ACTIVE_STATUSES = frozenset(
    {IdeaStatus.NEW, IdeaStatus.UNDER_REVIEW, IdeaStatus.PLANNED, IdeaStatus.IN_PROGRESS}
)
ROADMAP_COLUMNS = (IdeaStatus.PLANNED, IdeaStatus.IN_PROGRESS, IdeaStatus.SHIPPED)
TRENDING_HALF_LIFE_DAYS = 7
_TRENDING_EPOCH = datetime(2024, 1, 1, tzinfo=UTC)


def trending_weight(when: datetime) -> float:
    """A vote's weight, in log space: one half-life later, a vote counts twice as much."""
    half_lives = (when - _TRENDING_EPOCH).total_seconds() / (TRENDING_HALF_LIFE_DAYS * 86400)
    return half_lives * math.log(2)


def trending_add(score: float, weight: float) -> float:
    """log(exp(score) + exp(weight)); a score of 0 means no votes."""
    if score == 0.0:
        return weight
    high, low = max(score, weight), min(score, weight)
    return high + math.log1p(math.exp(low - high))


def trending_remove(score: float, weight: float) -> float:
    """log(exp(score) - exp(weight)), or 0 when nothing meaningful is left."""
    if score == 0.0 or weight >= score - 1e-9:
        return 0.0
    return score + math.log1p(-math.exp(weight - score))


class Idea(CommunityOwned):
    topic = models.OneToOneField(
        "discussions.Topic", primary_key=True, on_delete=models.CASCADE, related_name="idea"
    )
    status = models.CharField(max_length=16, choices=IdeaStatus.choices, default=IdeaStatus.NEW)
    vote_count = models.PositiveIntegerField(default=0)
    last_voted_at = models.DateTimeField(null=True, blank=True)
    # log of Σ 2^(age of each vote / half-life), kept on every vote: sorting by it ranks
    # ideas by recent votes without counting votes at read time (see trending_weight).
    trending_score = models.FloatField(default=0.0)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    official_response = models.TextField(blank=True)
    official_response_html = models.TextField(blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["community", "status", "-vote_count"], name="idea_by_votes"),
            models.Index(fields=["community", "-trending_score", "-topic"], name="idea_trending"),
            models.Index(fields=["community", "-vote_count", "-topic"], name="idea_top"),
        ]


class IdeaVote(CommunityOwned):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["idea", "user"], name="ideavote_unique")]
        indexes = [models.Index(fields=["community", "created_at"], name="ideavote_recent")]


class IdeaStatusChange(CommunityOwned):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=16, choices=IdeaStatus.choices)
    to_status = models.CharField(max_length=16, choices=IdeaStatus.choices)
    response = models.TextField(blank=True)
    response_html = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]


class IdeaBoardSettings(models.Model):
    """Per-community rules for the ideas board."""

    community = models.OneToOneField(
        "communities.Community", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    vote_limit = models.PositiveIntegerField(
        _("active votes per member"), null=True, blank=True, help_text=_("Empty means no limit.")
    )
    allow_self_vote = models.BooleanField(_("members may vote for their own ideas"), default=True)

    def __str__(self) -> str:
        return f"ideas board of {self.community_id}"
