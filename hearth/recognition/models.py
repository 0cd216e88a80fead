from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hearth.core.models import CommunityOwned


class Badge(CommunityOwned):
    """A badge of one community. Automatic badges carry the ``code`` of their rule in
    hearth/recognition/rules.py (their row is created the first time it is needed); manual
    badges are defined by the community's admins and have no code."""

    code = models.CharField(max_length=40, blank=True)
    name = models.CharField(_("name"), max_length=60)
    description = models.CharField(_("description"), max_length=300, blank=True)
    icon = models.CharField(_("icon"), max_length=16)
    # Kept on every grant so the badge list never counts holders.
    holder_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community", "code"],
                condition=~models.Q(code=""),
                name="badge_code_unique",
            ),
            models.UniqueConstraint(fields=["community", "name"], name="badge_name_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_automatic(self) -> bool:
        return bool(self.code)

    @property
    def rule(self):
        from hearth.recognition.rules import RULES

        return RULES.get(self.code)

    @property
    def label(self) -> str:
        """The name to show: an automatic badge's comes from its rule (translated)."""
        rule = self.rule
        return str(rule.name) if rule else self.name

    @property
    def summary(self) -> str:
        rule = self.rule
        return str(rule.description) if rule else self.description


class BadgeGrant(CommunityOwned):
    """A member holding a badge. A badge is held at most once (the unique constraint makes a
    second grant, by a task racing another or by a person, a no-op or a refusal)."""

    badge = models.ForeignKey(Badge, on_delete=models.CASCADE, related_name="grants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["badge", "user"], name="badgegrant_once"),
        ]
        indexes = [
            models.Index(fields=["badge", "-granted_at", "-id"], name="badgegrant_holders"),
            models.Index(fields=["community", "user", "granted_at"], name="badgegrant_member"),
        ]


DEFAULT_WEIGHTS = {"reaction_points": 1, "accepted_answer_points": 15, "idea_vote_points": 2}
MAX_WEIGHT = 1000


class ReputationSettings(models.Model):
    """Points per kind of appreciation received, per community (defaults when absent)."""

    community = models.OneToOneField(
        "communities.Community", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    reaction_points = models.PositiveSmallIntegerField(
        _("points per reaction received"), default=DEFAULT_WEIGHTS["reaction_points"]
    )
    accepted_answer_points = models.PositiveSmallIntegerField(
        _("points per accepted answer"), default=DEFAULT_WEIGHTS["accepted_answer_points"]
    )
    idea_vote_points = models.PositiveSmallIntegerField(
        _("points per vote on an idea"), default=DEFAULT_WEIGHTS["idea_vote_points"]
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"reputation weights of {self.community_id}"


class ReputationScore(CommunityOwned):
    """A member's all-time tallies, kept current by the recognition task so the all-time
    leaderboard reads an index. Points are recomputed from the tallies when weights change."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reactions_received = models.PositiveIntegerField(default=0)
    accepted_answers = models.PositiveIntegerField(default=0)
    idea_votes = models.PositiveIntegerField(default=0)
    points = models.IntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "user"], name="reputation_member_unique")
        ]
        indexes = [
            models.Index(fields=["community", "-points", "user"], name="reputation_rank"),
        ]


class Spotlight(CommunityOwned):
    """A member the staff put in the spotlight, with a short text. Every spotlight is kept:
    the newest one not ended is shown on the community home."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(_("text"), max_length=500)
    html = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["community", "-created_at"], name="spotlight_recent")]


class Feature(CommunityOwned):
    """A topic (an idea, a question, a discussion) or one post of it that the staff
    highlight on the community home, with an optional note."""

    topic = models.ForeignKey("discussions.Topic", on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(
        "discussions.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["community", "-created_at"], name="feature_recent")]
