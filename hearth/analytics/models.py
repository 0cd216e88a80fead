"""Daily rollups of the interaction event log: small tables the health dashboard reads.

They are derived data. ``hearth analytics rebuild`` deletes a community's rows and replays
its whole event log; the background task replays only events newer than the community's
``RollupState.last_event_id``. Every table is keyed so a replay of the same events yields
the same rows (see hearth/analytics/rollups.py for how each is kept).

Two kinds of table:

- **Day tables** (``day`` = UTC date): who was active, who interacted with whom, how often
  each verb happened, who posted in which topic. Window figures that count distinct people
  or pairs are unions/sums over a window's days.
- **Facts**: one row per thing whose outcome comes later — a member's first posts, a topic
  or question waiting for its first response, an idea waiting for an official response —
  holding the exact times the metrics compare (within 24 h, within 30 days…).
"""

from django.db import models

from hearth.core.models import CommunityOwned


class RollupRow(CommunityOwned):
    """A rollup table's row. Its community is a foreign key for the ORM (deleting a
    community still deletes its rows, by Django's cascade) but not a database constraint:
    a rebuild writes a million derived rows, and PostgreSQL would check each new row's
    community at every batch's commit."""

    community = models.ForeignKey(
        "communities.Community",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        abstract = True


class RollupState(models.Model):
    community = models.OneToOneField(
        "communities.Community", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    last_event_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"rollups of {self.community_id} up to event {self.last_event_id}"


class MemberDay(RollupRow):
    """A member's activity on one day: any event they were the actor of."""

    day = models.DateField()
    user_id = models.BigIntegerField()
    events = models.PositiveIntegerField(default=0)
    posts = models.PositiveIntegerField(default=0)  # topics started and replies
    contributions = models.PositiveIntegerField(default=0)  # answers to others, ideas proposed

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community", "day", "user_id"], name="member_day_unique"
            )
        ]


class PairDay(RollupRow):
    """Interactions from one person to another on one day (actor ≠ target, both known)."""

    day = models.DateField()
    actor_id = models.BigIntegerField()
    target_id = models.BigIntegerField()
    replies = models.PositiveIntegerField(default=0)
    mentions = models.PositiveIntegerField(default=0)
    reactions = models.PositiveIntegerField(default=0)
    accepts = models.PositiveIntegerField(default=0)
    messages = models.PositiveIntegerField(default=0)
    last_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community", "day", "actor_id", "target_id"], name="pair_day_unique"
            )
        ]


class VerbDay(RollupRow):
    """How many events of each verb a day had, whoever acted."""

    day = models.DateField()
    verb = models.CharField(max_length=64)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "day", "verb"], name="verb_day_unique")
        ]


class TopicMemberDay(RollupRow):
    """A member posted in a topic on a day: the interaction graph's same-topic presence."""

    day = models.DateField()
    topic_id = models.BigIntegerField()
    user_id = models.BigIntegerField()
    last_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community", "day", "topic_id", "user_id"], name="topic_member_day_unique"
            )
        ]


class MemberFact(RollupRow):
    """A member's first two posts and the first reply anyone else gave them after the first:
    the newcomer welcome figures and "posted before the window"."""

    user_id = models.BigIntegerField()
    first_post_at = models.DateTimeField()
    second_post_at = models.DateTimeField(null=True)
    first_reply_at = models.DateTimeField(null=True)  # earliest reply by another, ≥ first post

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "user_id"], name="member_fact_unique")
        ]
        indexes = [models.Index(fields=["community", "first_post_at"], name="member_fact_first")]


class ThreadKind(models.TextChoices):
    TOPIC = "topic"
    QUESTION = "question"


class ThreadFact(RollupRow):
    """A topic (discussion or idea) or a question, from the event that started it, and the
    earliest reply by someone other than its author."""

    event_id = models.BigIntegerField()  # the topic.create / question.ask event
    kind = models.CharField(max_length=16, choices=ThreadKind.choices)
    topic_id = models.BigIntegerField()
    author_id = models.BigIntegerField(null=True)
    started_at = models.DateTimeField()
    first_response_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "event_id"], name="thread_fact_unique")
        ]
        indexes = [
            models.Index(fields=["community", "kind", "started_at"], name="thread_fact_start"),
            models.Index(fields=["community", "topic_id"], name="thread_fact_topic"),
        ]


class AcceptDecision(RollupRow):
    """An answer accepted (or the acceptance taken back) in a question topic."""

    event_id = models.BigIntegerField()
    topic_id = models.BigIntegerField()
    at = models.DateTimeField()
    accepted = models.BooleanField()
    answerer_id = models.BigIntegerField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "event_id"], name="accept_decision_unique")
        ]
        indexes = [models.Index(fields=["community", "topic_id"], name="accept_decision_topic")]


class IdeaFact(RollupRow):
    """An idea from its proposal, with the first official response after it."""

    event_id = models.BigIntegerField()
    topic_id = models.BigIntegerField()
    author_id = models.BigIntegerField(null=True)
    proposed_at = models.DateTimeField()
    first_response_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "event_id"], name="idea_fact_unique")
        ]
        indexes = [
            models.Index(fields=["community", "proposed_at"], name="idea_fact_proposed"),
            models.Index(fields=["community", "topic_id"], name="idea_fact_topic"),
        ]


class IdeaShipped(RollupRow):
    """An idea moved to "shipped"."""

    event_id = models.BigIntegerField()
    topic_id = models.BigIntegerField()
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "event_id"], name="idea_shipped_unique")
        ]
        indexes = [models.Index(fields=["community", "at"], name="idea_shipped_at")]


class DashboardSnapshot(CommunityOwned):
    """A computed dashboard for one window, so the page is one read and never computes: the
    worker computes a window when a page finds none (or an old one) and refreshes the
    windows ending today after rollups move on. ``data`` is the pickled view-model,
    written and read only by Hearth."""

    start = models.DateField()
    end = models.DateField()
    made_at = models.DateTimeField()
    data = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community", "start", "end"], name="dashboard_snapshot_unique"
            )
        ]
