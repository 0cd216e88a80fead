"""API keys: scripts act in one community over the API.

Two kinds. A **community key** is made by an owner or admin on the staff page and acts for
the community (as its creator, while they are still staff there) within its scopes: read,
write, moderate, analytics, admin. A **member key** is made by any member for themself and
acts as that member, within read and write. Only a hash of the secret is stored; the full
key is shown once, when it is made."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hearth.core.models import CommunityOwned


class Scope(models.TextChoices):
    READ = "read", _("Read: topics, posts, members, search")
    WRITE = "write", _("Write: post, reply, edit, react, vote, accept answers")
    MODERATE = "moderate", _("Moderate: idea statuses; members' roles, trust and sanctions")
    ANALYTICS = "analytics", _("Analytics: the community-health figures")
    ADMIN = "admin", _("Admin: community settings: invites, campaigns, webhooks")


class KeyKind(models.TextChoices):
    COMMUNITY = "community", _("Community key")
    MEMBER = "member", _("Member key")


# The scopes each kind of key may hold.
KIND_SCOPES = {
    KeyKind.COMMUNITY: tuple(Scope.values),
    KeyKind.MEMBER: (Scope.READ, Scope.WRITE),
}


class ApiKey(CommunityOwned):
    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(max_length=16, choices=KeyKind.choices, default=KeyKind.COMMUNITY)
    # A list of Scope values.
    scopes = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    # The public part of the key ("hth_<prefix>_<secret>"): finds the row, shown in lists.
    prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)  # SHA-256 hex of the whole key
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["community", "-created_at"], name="apikey_listing")]
        verbose_name = _("API key")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or ()) and scope in KIND_SCOPES.get(self.kind, ())


class IdempotentRequest(models.Model):
    """A write sent with an ``Idempotency-Key`` header and the answer it got, kept 24 hours:
    the same key from the same caller replays the answer instead of writing again."""

    # "key:<api key id>" or "user:<user id>": whose key it is.
    owner = models.CharField(max_length=40)
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    # Empty while the first request is still running.
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    body = models.BinaryField(blank=True, default=b"")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="idempotent_request_unique")
        ]

    def __str__(self) -> str:
        return f"{self.owner} {self.key}"
