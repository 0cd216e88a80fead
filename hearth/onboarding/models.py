from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hearth.core.models import CommunityOwned


class WelcomeMessage(CommunityOwned):
    """The owner's welcome to newcomers: shown on their first visits and/or sent as a direct
    message from a chosen staff member when they join. One per community."""

    body = models.TextField(_("welcome message"))
    html = models.TextField()
    show_on_first_visit = models.BooleanField(_("show on the community home"), default=True)
    send_as_message = models.BooleanField(_("send as a direct message"), default=False)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community"], name="welcome_message_unique")]


class WelcomeDismissal(CommunityOwned):
    """A member closed the welcome card on the community home."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "user"], name="welcome_dismissal_unique")
        ]


class WelcomeDelivery(CommunityOwned):
    """The welcome direct message went to this membership: at most once, however often the
    join event is replayed or the member rejoins."""

    membership = models.OneToOneField(
        "communities.Membership", on_delete=models.CASCADE, related_name="+"
    )
    conversation_id = models.BigIntegerField(null=True, blank=True)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)


class ChecklistKind(models.TextChoices):
    PROFILE = "profile", _("Complete your profile")
    INTRODUCE = "introduce", _("Introduce yourself")
    READ_GUIDE = "read_guide", _("Read the guide")
    REPLY = "reply", _("Reply to someone")


class ChecklistItem(CommunityOwned):
    """One step of the newcomer checklist. Whether a member has done it is read from real
    data (events, topics, reading state), never ticked by hand."""

    kind = models.CharField(_("step"), max_length=16, choices=ChecklistKind.choices)
    title = models.CharField(_("label"), max_length=120)
    # The Introductions category (introduce) or the guide to read (read_guide).
    category = models.ForeignKey(
        "discussions.Category", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    topic = models.ForeignKey(
        "discussions.Topic", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["community", "position"], name="checklist_order")]
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class ChecklistCompletion(CommunityOwned):
    """A member finished the checklist (recorded once, with an ``onboarding.complete``
    event)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community", "user"], name="checklist_completion_unique"
            )
        ]


class Welcomer(CommunityOwned):
    """A member who opted in to greet newcomers from the welcome queue."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "user"], name="welcomer_unique")
        ]
