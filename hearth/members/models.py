"""Members getting to know each other: a profile per membership, the community's interests,
owner-defined profile questions and their answers, and follows."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hearth.core.models import CommunityOwned

MAX_LINKS = 5
MAX_INTERESTS_PER_MEMBER = 20
INTEREST_MAX_LENGTH = 40
MAX_ANSWER_LENGTH = 500
MAX_QUESTIONS = 20
MAX_CHOICES = 20
MAX_FOLLOWS = 500


class MemberProfile(CommunityOwned):
    """One per membership (created with it: see signals.py). What a member shows of
    themselves in this community, on top of their global account (name, avatar, bio)."""

    membership = models.OneToOneField(
        "communities.Membership", on_delete=models.CASCADE, related_name="profile"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    bio = models.TextField(_("bio in this community"), max_length=2000, blank=True)
    bio_html = models.TextField(blank=True)
    location = models.CharField(_("location"), max_length=80, blank=True)
    # [{"label": "…", "url": "https://…"}], at most MAX_LINKS, http(s) only (services check).
    links = models.JSONField(default=list, blank=True)
    hide_from_non_members = models.BooleanField(
        _("hide my profile from non-members"), default=False
    )
    hide_from_directory = models.BooleanField(
        _("hide me from the member directory and suggestions"), default=False
    )
    anonymous_in_analytics = models.BooleanField(
        _("show me as an anonymous dot in the staff's community analytics"), default=False
    )
    # Kept by the event consumer (consumers.py), throttled, so sorting by activity reads an
    # index instead of aggregating the event log.
    last_active_at = models.DateTimeField(default=timezone.now)
    # Distinct members whose question this member answered (accepted), kept by the consumer.
    helped_count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "user"], name="memberprofile_unique")
        ]
        indexes = [
            models.Index(
                fields=["community", "-last_active_at"],
                condition=models.Q(hide_from_directory=False),
                name="memberprofile_active",
            ),
            models.Index(
                fields=["community", "-helped_count", "-last_active_at"],
                condition=models.Q(hide_from_directory=False, helped_count__gt=0),
                name="memberprofile_helpful",
            ),
            # The few who hid (policy.unlisted_user_ids, excluded from the home page's
            # newest members and autocomplete): without it that subquery reads every
            # profile of the community.
            models.Index(
                fields=["community", "user"],
                condition=models.Q(hide_from_directory=True),
                name="memberprofile_unlisted",
            ),
        ]

    def __str__(self) -> str:
        return f"profile of {self.user_id}@{self.community_id}"


class Interest(CommunityOwned):
    """A topic of interest. Staff suggest a list (``is_suggested``); members may add their
    own, which become rows too so everyone who picks the same word shares one."""

    name = models.CharField(_("interest"), max_length=INTEREST_MAX_LENGTH)
    # Case- and space-folded name: the identity of an interest within its community.
    key = models.CharField(max_length=INTEREST_MAX_LENGTH)
    is_suggested = models.BooleanField(_("on the community's list"), default=False)
    member_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "key"], name="interest_key_unique")
        ]
        indexes = [
            models.Index(fields=["community", "is_suggested", "key"], name="interest_listing"),
            models.Index(fields=["community", "-member_count"], name="interest_popular"),
        ]
        ordering = ["key"]

    def __str__(self) -> str:
        return self.name


class MemberInterest(CommunityOwned):
    profile = models.ForeignKey(
        MemberProfile, on_delete=models.CASCADE, related_name="interest_links"
    )
    interest = models.ForeignKey(
        Interest, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # Leads with the interest: "members into X" is an index range scan.
            models.UniqueConstraint(fields=["interest", "profile"], name="memberinterest_unique")
        ]


class QuestionKind(models.TextChoices):
    TEXT = "text", _("Free text")
    CHOICE = "choice", _("One choice")
    MULTI = "multi", _("Several choices")


class ProfileQuestion(CommunityOwned):
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("question"), max_length=200)
    kind = models.CharField(
        _("answer type"), max_length=8, choices=QuestionKind.choices, default=QuestionKind.TEXT
    )
    choices = models.JSONField(default=list, blank=True)
    is_required = models.BooleanField(_("required"), default=False)
    is_public = models.BooleanField(
        _("public"), default=True, help_text=_("Otherwise only staff see the answers.")
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["community", "position"], name="profilequestion_order")]

    def __str__(self) -> str:
        return self.text

    @property
    def has_choices(self) -> bool:
        return self.kind in (QuestionKind.CHOICE, QuestionKind.MULTI)


class ProfileAnswer(CommunityOwned):
    """One row per value: a text answer is one row, a multi-choice answer one row per chosen
    option, so "members who chose X" is an index lookup on (question, value)."""

    profile = models.ForeignKey(MemberProfile, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(
        ProfileQuestion, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    value = models.CharField(max_length=MAX_ANSWER_LENGTH)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["question", "value", "profile"], name="profileanswer_unique"
            )
        ]


class Follow(CommunityOwned):
    follower = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    followed = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community", "follower", "followed"], name="follow_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(follower=models.F("followed")), name="follow_not_self"
            ),
        ]
        indexes = [models.Index(fields=["community", "followed"], name="follow_followers")]
