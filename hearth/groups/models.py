"""Groups: smaller circles inside a community, each with its own categories and members.

Who may read a group's categories is decided in ``hearth.discussions.policy`` (one place for
every surface); ``hearth.groups.policy`` decides who may see, join and run a group."""

import posixpath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hearth.core.models import CommunityOwned
from hearth.core.uploads import private_storage


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public: anyone who can see the community reads it")
    PRIVATE = "private", _("Private: listed, but only its members read it")
    SECRET = "secret", _("Secret: only its members know it exists")


class JoinPolicy(models.TextChoices):
    OPEN = "open", _("Open: any member may join")
    REQUEST = "request", _("On request: a group moderator approves")
    INVITE = "invite", _("By invitation only")


VISIBILITY_SHORT = {
    Visibility.PUBLIC: _("Public"),
    Visibility.PRIVATE: _("Private"),
    Visibility.SECRET: _("Secret"),
}
JOIN_POLICY_SHORT = {
    JoinPolicy.OPEN: _("Open to all members"),
    JoinPolicy.REQUEST: _("Join on request"),
    JoinPolicy.INVITE: _("By invitation only"),
}


class GroupRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    MODERATOR = "moderator", _("Moderator")
    MEMBER = "member", _("Member")


class MembershipStatus(models.TextChoices):
    MEMBER = "member", _("Member")
    REQUESTED = "requested", _("Asked to join")
    INVITED = "invited", _("Invited")


class Group(CommunityOwned):
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(_("URL slug"), max_length=60)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    description_html = models.TextField(blank=True)
    # Private: a secret group's cover is served only to those who may see the group.
    cover = models.ImageField(
        _("cover image"), upload_to="groups/", blank=True, storage=private_storage
    )
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    join_policy = models.CharField(
        _("who may join"), max_length=16, choices=JoinPolicy.choices, default=JoinPolicy.OPEN
    )
    member_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "slug"], name="group_slug_unique")
        ]
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def cover_name(self) -> str:
        """The cover's file name, part of its address so a new cover is a new URL."""
        return posixpath.basename(self.cover.name)

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC

    @property
    def visibility_short(self) -> str:
        return str(VISIBILITY_SHORT[self.visibility])

    @property
    def join_policy_short(self) -> str:
        return str(JOIN_POLICY_SHORT[self.join_policy])


class GroupMembership(CommunityOwned):
    group = models.ForeignKey(Group, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=16, choices=GroupRole.choices, default=GroupRole.MEMBER)
    status = models.CharField(
        max_length=16, choices=MembershipStatus.choices, default=MembershipStatus.MEMBER
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    joined_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="groupmembership_unique")
        ]
        indexes = [
            models.Index(fields=["community", "user", "status"], name="groupmembership_user"),
            models.Index(fields=["group", "status", "role"], name="groupmembership_list"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in group {self.group_id} ({self.status})"

    @property
    def is_active_member(self) -> bool:
        return self.status == MembershipStatus.MEMBER

    @property
    def runs_group(self) -> bool:
        return self.is_active_member and self.role in (GroupRole.OWNER, GroupRole.MODERATOR)


class GroupSettings(models.Model):
    """Per-community rules for groups: who, besides staff, may create one."""

    community = models.OneToOneField(
        "communities.Community", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    create_trust_level = models.PositiveSmallIntegerField(
        _("members from this trust level may create groups"),
        null=True,
        blank=True,
        help_text=_("Empty means only staff create groups."),
    )

    def __str__(self) -> str:
        return f"group settings of {self.community_id}"
