"""Audience figures as daily aggregates per community: never one row per page view
(``TopicViewDay`` counts a question's views per day, not each view).

A visitor is a 64-bit keyed hash (see ``hearth.audience.recording``); no IP address, user
agent, session key or user id is stored. The per-visitor rows (``VisitorDay``,
``SourceVisitDay``) exist only to count distinct visitors over a range and are pruned
after a retention period; the per-day totals on ``AudienceDay`` stay.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from hearth.core.models import CommunityOwned


class AudienceDay(CommunityOwned):
    """Page views and distinct visitors of one community on one UTC day."""

    day = models.DateField(_("day"))
    page_views = models.PositiveIntegerField(_("page views"), default=0)
    visitors = models.PositiveIntegerField(_("unique visitors"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "day"], name="audienceday_unique")
        ]
        verbose_name = _("audience day")

    def __str__(self) -> str:
        return f"{self.community_id} {self.day}: {self.page_views} views"


class VisitorDay(CommunityOwned):
    """One row per distinct visitor per community and day (the hash, nothing else)."""

    day = models.DateField(_("day"))
    visitor_hash = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community", "day", "visitor_hash"], name="visitorday_unique"
            )
        ]


class ReferrerDay(CommunityOwned):
    """Page views that arrived from another site, by that site's host name."""

    day = models.DateField(_("day"))
    host = models.CharField(_("referrer"), max_length=255)
    views = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "day", "host"], name="referrerday_unique")
        ]


class SourceVisitDay(CommunityOwned):
    """A distinct visitor who landed with ``?source=`` or ``utm_source`` on a day; the
    first step of the funnel per source."""

    day = models.DateField(_("day"))
    source = models.CharField(_("source"), max_length=100)
    campaign = models.CharField(_("campaign"), max_length=100, blank=True)
    visitor_hash = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community", "day", "source", "campaign", "visitor_hash"],
                name="sourcevisitday_unique",
            )
        ]


class TopicViewDay(CommunityOwned):
    """Views of one question on one UTC day by anyone but its asker (signed-in or not, bots
    excluded like every page view): what the benefits tab counts as people finding an
    answer. Only question topics are counted; no viewer is stored."""

    day = models.DateField(_("day"))
    # Indexed on its own too: deleting topics (a whole community) finds their rows by it.
    topic = models.ForeignKey("discussions.Topic", on_delete=models.CASCADE, related_name="+")
    views = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        constraints = [
            # (community, day, …) first: the benefits figures sum a window of days.
            models.UniqueConstraint(
                fields=["community", "day", "topic"], name="topicviewday_unique"
            )
        ]
        verbose_name = _("question views on a day")

    def __str__(self) -> str:
        return f"{self.community_id} {self.day} topic {self.topic_id}: {self.views} views"
