import secrets
from collections.abc import Mapping

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hearth.core.colors import accent_palette, validate_hex_color
from hearth.core.models import CommunityOwned

RESERVED_SLUGS = frozenset(
    {
        "new", "admin", "api", "static", "media", "accounts", "account", "c", "u", "healthz",
        "readyz", "metrics", "login", "logout", "signup", "settings", "about", "help", "search",
        "www", "hearth", "assets", "sitemap", "rss", "feed", "explore", "communities",
    }
)  # fmt: skip
MAX_JOIN_QUESTIONS = 5


class JoinPolicy(models.TextChoices):
    OPEN = "open", _("Open: anyone who accepts the rules joins")
    APPROVAL = "approval", _("Approval: staff review requests")
    INVITE = "invite", _("Invite only")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Public: anyone can find and read it")
    PRIVATE = "private", _("Private: only members can see it")


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    ADMIN = "admin", _("Admin")
    MODERATOR = "moderator", _("Moderator")
    MEMBER = "member", _("Member")


ROLE_RANK = {Role.OWNER: 40, Role.ADMIN: 30, Role.MODERATOR: 20, Role.MEMBER: 10}
STAFF_ROLES = frozenset({Role.OWNER, Role.ADMIN, Role.MODERATOR})


class MembershipStatus(models.TextChoices):
    PENDING = "pending", _("Pending approval")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    BANNED = "banned", _("Banned")
    LEFT = "left", _("Left")
    DECLINED = "declined", _("Request declined")


class Community(models.Model):
    slug = models.SlugField(_("URL slug"), max_length=48, unique=True)
    name = models.CharField(_("name"), max_length=80)
    tagline = models.CharField(_("tagline"), max_length=160, blank=True)
    accent_color = models.CharField(
        _("accent colour"), max_length=7, default="#2f6f4e", validators=[validate_hex_color]
    )
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    join_policy = models.CharField(
        _("join policy"), max_length=16, choices=JoinPolicy.choices, default=JoinPolicy.OPEN
    )
    visibility = models.CharField(
        _("visibility"), max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    rules_version = models.PositiveIntegerField(default=1)
    member_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        indexes = [models.Index(fields=["visibility", "-member_count"], name="community_listing")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC

    @property
    def palette(self) -> Mapping[str, str]:
        return accent_palette(self.accent_color)

    @property
    def initials(self) -> str:
        return "".join(w[0] for w in self.name.split()[:2]).upper() or "?"


class RulesVersion(CommunityOwned):
    """Every version of a community's rules is kept (a public rules history later)."""

    version = models.PositiveIntegerField()
    text = models.TextField(_("rules"))
    html = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "version"], name="rules_version_unique")
        ]
        ordering = ["-version"]


class JoinQuestion(CommunityOwned):
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("question"), max_length=200)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["community", "position"], name="joinquestion_order")]


class Membership(CommunityOwned):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(
        max_length=16, choices=MembershipStatus.choices, default=MembershipStatus.ACTIVE
    )
    trust_level = models.PositiveSmallIntegerField(
        default=0, validators=[MinValueValidator(0), MaxValueValidator(4)]
    )
    rules_version_accepted = models.PositiveIntegerField(default=0)
    join_answers = models.JSONField(default=list, blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True)
    campaign = models.CharField(_("campaign"), max_length=100, blank=True)
    invite = models.ForeignKey("Invite", null=True, blank=True, on_delete=models.SET_NULL)
    ban_reason = models.TextField(_("reason"), blank=True)
    # Where the member stood before a ban, so lifting it puts them back.
    status_before_ban = models.CharField(max_length=16, blank=True)
    role_before_ban = models.CharField(max_length=16, blank=True)
    # The end of a timed ban (empty: until lifted). A ban ends by itself when it passes:
    # ``is_banned`` turns false at once and ``services.membership_end_ban`` puts the member
    # back where they stood the next time they are looked at.
    banned_until = models.DateTimeField(null=True, blank=True)
    # The end of the member's current silence / suspension (kept by the moderation app from
    # its Sanction rows). A past or empty value means none: a sanction ends by itself when
    # its time passes, with no task needed, and the policy reads these without a query.
    silenced_until = models.DateTimeField(null=True, blank=True)
    suspended_until = models.DateTimeField(null=True, blank=True)
    # Moderators may be trusted with the business figures (customer data, the benefits of
    # the community); owners and admins always are. See ``analytics.policy``.
    analytics_access = models.BooleanField(_("may see business figures"), default=False)
    requested_at = models.DateTimeField(default=timezone.now)
    joined_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "user"], name="membership_unique"),
            models.CheckConstraint(
                condition=models.Q(trust_level__lte=4), name="membership_trust_level_range"
            ),
        ]
        indexes = [
            models.Index(fields=["community", "status", "-joined_at"], name="membership_listing"),
            models.Index(fields=["community", "status", "role"], name="membership_roles"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.community_id} ({self.role}, {self.status})"

    @property
    def is_active(self) -> bool:
        return self.status == MembershipStatus.ACTIVE

    @property
    def is_staff(self) -> bool:
        return self.is_active and self.role in STAFF_ROLES and not self.is_suspended

    @property
    def is_banned(self) -> bool:
        """Banned now: a ban with no end, or one whose end is still to come."""
        return self.status == MembershipStatus.BANNED and (
            self.banned_until is None or self.banned_until > timezone.now()
        )

    @property
    def ban_has_ended(self) -> bool:
        """A timed ban whose end has passed, not yet undone (see ``membership_end_ban``)."""
        return self.status == MembershipStatus.BANNED and not self.is_banned

    @property
    def is_silenced(self) -> bool:
        return self.silenced_until is not None and self.silenced_until > timezone.now()

    @property
    def is_suspended(self) -> bool:
        return self.suspended_until is not None and self.suspended_until > timezone.now()

    @property
    def rank(self) -> int:
        return ROLE_RANK[Role(self.role)]


def new_invite_code() -> str:
    return secrets.token_urlsafe(9)


class Invite(CommunityOwned):
    code = models.CharField(max_length=32, unique=True, default=new_invite_code)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(_("source / campaign"), max_length=100, blank=True)
    max_uses = models.PositiveIntegerField(_("maximum uses"), null=True, blank=True)
    use_count = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["community", "-created_at"], name="invite_listing")]

    def __str__(self) -> str:
        return self.code

    @property
    def is_usable(self) -> bool:
        if self.revoked_at is not None:
            return False
        if self.expires_at is not None and self.expires_at <= timezone.now():
            return False
        return self.max_uses is None or self.use_count < self.max_uses


STAFF_ACTION_LABELS = {
    "community.create": _("Created the community"),
    "community.update": _("Changed the settings"),
    "rules.update": _("Published new rules"),
    "request.approve": _("Approved a join request"),
    "request.decline": _("Declined a join request"),
    "member.role": _("Changed a role"),
    "member.analytics_access": _("Gave or took the analytics permission"),
    "customers.import": _("Uploaded the customer list"),
    "customers.delete": _("Deleted the customer data"),
    "member.ban": _("Removed a member"),
    "member.unban": _("Lifted a ban"),
    "member.silence": _("Silenced a member"),
    "member.suspend": _("Suspended a member"),
    "sanction.lift": _("Lifted a sanction"),
    "appeal.uphold": _("Upheld a sanction on appeal"),
    "appeal.lift": _("Lifted a sanction on appeal"),
    "review.approve": _("Approved a post in review"),
    "review.reject": _("Rejected a post in review"),
    "review.dismiss": _("Dismissed flags"),
    "moderation.settings": _("Changed the moderation settings"),
    "invite.create": _("Created an invite"),
    "invite.revoke": _("Revoked an invite"),
    "category.create": _("Created a category"),
    "category.update": _("Changed a category"),
    "post.delete": _("Deleted a member's post"),
    "post.restore": _("Restored a post"),
    "topic.state": _("Pinned, closed or archived a topic"),
    "topic.move": _("Moved a topic"),
    "topic.merge": _("Merged topics"),
    "topic.split": _("Split a topic"),
    "topic.retitle": _("Retitled a topic"),
    "trust.level": _("Set a trust level"),
    "trust.settings": _("Changed the trust thresholds"),
    "profile_question.create": _("Added a profile question"),
    "profile_question.update": _("Changed a profile question"),
    "profile_question.delete": _("Removed a profile question"),
    "interests.update": _("Changed the interest list"),
    "conversation.review": _("Read a reported conversation"),
    "conversation.report_resolve": _("Resolved a conversation report"),
    "welcome.update": _("Changed the welcome message"),
    "checklist.add": _("Added a newcomer checklist item"),
    "checklist.remove": _("Removed a newcomer checklist item"),
    "badge.create": _("Created a badge"),
    "badge.grant": _("Granted a badge"),
    "reputation.weights": _("Changed the reputation weights"),
    "spotlight.set": _("Put a member in the spotlight"),
    "spotlight.end": _("Ended a spotlight"),
    "feature.add": _("Featured a post"),
    "feature.remove": _("Unfeatured a post"),
    "api_key.create": _("Created an API key"),
    "api_key.revoke": _("Revoked an API key"),
    "benefits.settings": _("Changed the support-deflection estimate's assumptions"),
    "governance.settings": _("Changed the governance settings"),
    "proposal.open": _("A member put a rules proposal to a vote"),
    "proposal.close": _("A rules proposal's vote closed"),
    "proposal.veto": _("Vetoed a rules proposal"),
    "proposal.adopt": _("Adopted rules by a members' vote"),
    "election.open": _("Opened a moderator election"),
    "election.extend": _("Extended an election's nominations"),
    "election.cancel": _("Cancelled an election"),
    "election.voting": _("An election's voting opened"),
    "election.stalled": _("An election lacks candidates to open voting"),
    "election.close": _("An election's results were published"),
    "election.seat": _("An election made a member moderator"),
    "election.term_end": _("An elected moderator's term ended"),
    "recall.vote": _("A recall vote opened"),
    "recall.close": _("A recall vote closed"),
    "recall.removed": _("A recall vote removed a moderator"),
}


class StaffAction(CommunityOwned):
    """The per-community staff action log: who did what to whom, and why."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=64)
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["community", "-created_at"], name="staffaction_listing")]
        ordering = ["-created_at", "-id"]

    @property
    def label(self) -> str:
        return STAFF_ACTION_LABELS.get(self.action, self.action)
