"""Trust levels: each community's thresholds, the activity they are measured on, and the
cursor that keeps that activity current from the interaction event log.

A member's level itself lives on ``Membership.trust_level`` (0 new, 1 basic, 2 member,
3 regular, 4 leader); :class:`MemberTrust` holds what staff decided about it (a lock) and
when it last changed."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from hearth.core.models import CommunityOwned

LEVEL_NAMES = {
    0: _("new"),
    1: _("basic"),
    2: _("member"),
    3: _("regular"),
    4: _("leader"),
}


def _count(label: str, default: int, maximum: int = 100_000):
    return models.PositiveIntegerField(
        label, default=default, validators=[MaxValueValidator(maximum)]
    )


def _percent(label: str, default: int):
    return models.PositiveSmallIntegerField(
        label, default=default, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )


class TrustSettings(models.Model):
    """One row per community that changed a default (Discourse's defaults otherwise)."""

    community = models.OneToOneField(
        "communities.Community", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    # Level 1 (basic), counted over the member's whole time here.
    tl1_days_visited = _count(_("days visited"), 0)
    tl1_topics_entered = _count(_("topics entered"), 5)
    tl1_posts_read = _count(_("posts read"), 30)
    tl1_replies = _count(_("replies"), 0)
    tl1_reactions_given = _count(_("reactions given"), 0)
    tl1_reactions_received = _count(_("reactions received"), 0)
    # Level 2 (member), counted over the member's whole time here.
    tl2_days_visited = _count(_("days visited"), 15)
    tl2_topics_entered = _count(_("topics entered"), 20)
    tl2_posts_read = _count(_("posts read"), 100)
    tl2_replies = _count(_("replies"), 3)
    tl2_reactions_given = _count(_("reactions given"), 1)
    tl2_reactions_received = _count(_("reactions received"), 1)
    # Level 3 (regular), counted over the last ``tl3_window_days``; lost when no longer met.
    tl3_window_days = models.PositiveSmallIntegerField(
        _("window in days"), default=100, validators=[MinValueValidator(7), MaxValueValidator(365)]
    )
    tl3_days_visited_percent = _percent(_("days visited (% of the window)"), 50)
    tl3_topics_entered_percent = _percent(_("topics entered (% of topics created)"), 25)
    tl3_topics_entered_cap = _count(_("topics entered: never more than"), 500)
    tl3_posts_read_percent = _percent(_("posts read (% of posts created)"), 25)
    tl3_posts_read_cap = _count(_("posts read: never more than"), 20_000, 1_000_000)
    tl3_replies = _count(_("replies"), 10)
    tl3_reactions_given = _count(_("reactions given"), 30)
    tl3_reactions_received = _count(_("reactions received"), 20)
    tl3_max_flags_upheld = _count(_("flags upheld against them, at most"), 5)
    # What a new member (level 0) may put in one post.
    new_max_links = models.PositiveSmallIntegerField(
        _("links per post"), default=2, validators=[MaxValueValidator(100)]
    )
    new_max_images = models.PositiveSmallIntegerField(
        _("images per post"), default=1, validators=[MaxValueValidator(100)]
    )
    new_max_mentions = models.PositiveSmallIntegerField(
        _("mentions per post"), default=2, validators=[MaxValueValidator(100)]
    )
    members_may_invite = models.BooleanField(
        _("members from level 2 may send invites"),
        default=True,
        help_text=_("An invite admits people directly, even to a private community."),
    )
    updated_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"trust settings of {self.community_id}"

    @classmethod
    def for_community(cls, community) -> "TrustSettings":
        """The community's settings, or the defaults (unsaved) if it never changed them."""
        return cls.objects.filter(community=community).first() or cls(community=community)


class MemberTrust(CommunityOwned):
    """Staff's lock on a member's level, and when the level last changed (the grace
    period before a new regular can lose level 3 counts from it)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    is_locked = models.BooleanField(_("locked"), default=False)
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "user"], name="membertrust_unique")
        ]


class ActivityDay(CommunityOwned):
    """What one member did on one UTC day, as trust counts it (from the event log)."""

    user_id = models.BigIntegerField()
    day = models.DateField()
    actions = models.PositiveIntegerField(default=0)  # events they were the actor of
    posts_read = models.PositiveIntegerField(default=0)
    replies = models.PositiveIntegerField(default=0)
    reactions_given = models.PositiveIntegerField(default=0)
    reactions_received = models.PositiveIntegerField(default=0)
    flags_upheld = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community", "user_id", "day"], name="trust_activityday_unique"
            )
        ]


class TopicEntered(CommunityOwned):
    """The first day a member read a topic: "topics entered" counts distinct topics."""

    user_id = models.BigIntegerField()
    topic_id = models.BigIntegerField()
    day = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community", "user_id", "topic_id"], name="trust_topicentered_unique"
            )
        ]
        indexes = [models.Index(fields=["community", "user_id", "day"], name="trust_entered_day")]


class TrustState(models.Model):
    """The cursor: the last event applied to the activity tables, and the last sweep."""

    community = models.OneToOneField(
        "communities.Community", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    last_event_id = models.BigIntegerField(default=0)
    swept_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"trust of {self.community_id} up to event {self.last_event_id}"
