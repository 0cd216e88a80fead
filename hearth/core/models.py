from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CommunityOwned(models.Model):
    """Base for every community-owned table: each row names its community, even where a
    parent row already implies it, so tenants stay apart and data can be sharded by it."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="+", db_index=False
    )

    class Meta:
        abstract = True


class InteractionEvent(CommunityOwned):
    """One row per interaction, written by services: the source for notifications, trust,
    badges, analytics and webhooks. Rows are never updated; analytics recompute from them."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verb = models.CharField(_("verb"), max_length=64)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.BigIntegerField(null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(db_index=False)

    class Meta:
        indexes = [
            models.Index(fields=["community", "created_at"], name="event_community_time"),
            models.Index(fields=["community", "verb", "created_at"], name="event_community_verb"),
            models.Index(fields=["actor", "created_at"], name="event_actor_time"),
        ]
        verbose_name = _("interaction event")

    def __str__(self) -> str:
        return f"{self.verb} by {self.actor_id} in {self.community_id}"


class WorkerHeartbeat(models.Model):
    """One row per running ``hearth worker`` process, touched every few seconds from a
    thread of its own; ``/readyz`` reads the newest. A row in the database, not a file or
    the cache, so that app processes on other hosts see it too."""

    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.host}:{self.pid} seen {self.seen_at:%Y-%m-%d %H:%M:%S}"
