import posixpath

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hearth.core.colors import validate_hex_color
from hearth.core.models import CommunityOwned
from hearth.core.uploads import private_storage


class ReadAccess(models.TextChoices):
    EVERYONE = "everyone", _("Everyone who can see the community")
    MEMBERS = "members", _("Members only")
    STAFF = "staff", _("Staff only (owners, admins, moderators)")
    ADMINS = "admins", _("Owners and admins only")


class CategoryKind(models.TextChoices):
    DISCUSSION = "discussion", _("Discussion")
    QUESTIONS = "questions", _("Questions and answers")
    IDEAS = "ideas", _("Ideas")


class PostAccess(models.TextChoices):
    MEMBERS = "members", _("Any member")
    STAFF = "staff", _("Staff only")


class ReviewState(models.TextChoices):
    """Whether a post (or, through its first post, a topic) is out of sight pending a staff
    decision. Only its author and the community's staff see it meanwhile."""

    PUBLISHED = "", _("Published")
    HELD = "held", _("Waiting for review")
    FLAGGED = "flagged", _("Hidden after flags")


REACTIONS = {
    "thumbsup": "👍",
    "heart": "❤️",
    "tada": "🎉",
    "laugh": "😂",
    "bulb": "💡",
}


class Category(CommunityOwned):
    name = models.CharField(_("name"), max_length=60)
    slug = models.SlugField(_("URL slug"), max_length=60)
    description = models.CharField(_("description"), max_length=300, blank=True)
    color = models.CharField(
        _("colour"), max_length=7, default="#64748b", validators=[validate_hex_color]
    )
    kind = models.CharField(
        _("type"), max_length=16, choices=CategoryKind.choices, default=CategoryKind.DISCUSSION
    )
    position = models.PositiveIntegerField(default=0)
    read_access = models.CharField(
        _("who may read"), max_length=16, choices=ReadAccess.choices, default=ReadAccess.EVERYONE
    )
    post_access = models.CharField(
        _("who may start topics"),
        max_length=16,
        choices=PostAccess.choices,
        default=PostAccess.MEMBERS,
    )
    topic_count = models.PositiveIntegerField(default=0)
    post_count = models.PositiveIntegerField(default=0)
    last_posted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # A group's own category: readable as the group's visibility allows (discussions.policy).
    group = models.ForeignKey(
        "groups.Group",
        null=True,
        blank=True,
        # RESTRICT, not PROTECT: a group with categories is not deleted on its own, but a
        # community's deletion takes its groups and categories together.
        on_delete=models.RESTRICT,
        related_name="categories",
        verbose_name=_("group"),
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "slug"], name="category_slug_unique")
        ]
        indexes = [models.Index(fields=["community", "position"], name="category_order")]
        ordering = ["position", "id"]
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class Topic(CommunityOwned):
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="topics")
    title = models.CharField(_("title"), max_length=255)
    slug = models.SlugField(max_length=80, allow_unicode=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_posted_at = models.DateTimeField(default=timezone.now)
    last_poster = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Numbers of the visible posts and the highest number ever given (never reused).
    post_count = models.PositiveIntegerField(default=0)
    highest_post_number = models.PositiveIntegerField(default=0)
    is_pinned = models.BooleanField(_("pinned"), default=False)
    is_closed = models.BooleanField(_("closed"), default=False)
    is_archived = models.BooleanField(_("archived"), default=False)
    deleted_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Mirrors the first post's review state: a held or flag-hidden first post hides its topic.
    review_state = models.CharField(
        max_length=16, choices=ReviewState.choices, default=ReviewState.PUBLISHED, blank=True
    )

    class Meta:
        indexes = [
            models.Index(
                fields=["community", "-is_pinned", "-last_posted_at", "-id"], name="topic_latest"
            ),
            models.Index(
                fields=["category", "-is_pinned", "-last_posted_at", "-id"],
                name="topic_category_latest",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Post(CommunityOwned):
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="posts")
    number = models.PositiveIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reply_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField()
    html = models.TextField()
    reactions = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    edit_count = models.PositiveIntegerField(default=0)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The form's one-time token: a double-clicked submit finds the post it already made.
    client_token = models.CharField(max_length=64, null=True, blank=True)
    # The author's first post in this community (set on write; feeds the welcome queue).
    is_first_post = models.BooleanField(_("first post"), default=False)
    review_state = models.CharField(
        max_length=16, choices=ReviewState.choices, default=ReviewState.PUBLISHED, blank=True
    )
    # Why it is held or hidden, as its author is told ("spam; breaks a rule: Be kind").
    review_note = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["topic", "number"], name="post_number_unique"),
            models.UniqueConstraint(
                fields=["author", "client_token"],
                condition=models.Q(client_token__isnull=False),
                name="post_client_token_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["community", "-created_at"], name="post_recent"),
            models.Index(
                fields=["community", "-created_at"],
                condition=models.Q(is_first_post=True),
                name="post_first_posts",
            ),
        ]
        ordering = ["number"]

    def __str__(self) -> str:
        return f"#{self.number} in {self.topic_id}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_in_review(self) -> bool:
        return self.review_state != ReviewState.PUBLISHED

    @property
    def reaction_list(self) -> list[tuple[str, str, int]]:
        return [
            (key, REACTIONS[key], n) for key, n in self.reactions.items() if n and key in REACTIONS
        ]


class Attachment(CommunityOwned):
    """A file uploaded with a post (an image or its thumbnail). It is stored privately and
    served by a view that lets through exactly the people who may read the post."""

    # Empty only between the upload and the post's creation, in the same transaction.
    post = models.ForeignKey(Post, null=True, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(storage=private_storage, max_length=255)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.file.name

    @property
    def filename(self) -> str:
        return posixpath.basename(self.file.name)

    def get_absolute_url(self) -> str:
        return reverse("discussions:attachment", args=[self.community.slug, self.pk, self.filename])


class PostRevision(CommunityOwned):
    """The body before each edit: who changed it, when, and what it was."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    title_before = models.CharField(max_length=255, blank=True)
    body_before = models.TextField()
    body_after = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "number"], name="revision_number_unique")
        ]
        ordering = ["number"]


class Reaction(CommunityOwned):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=[(k, v) for k, v in REACTIONS.items()])
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "user", "kind"], name="reaction_unique")
        ]


class Mention(CommunityOwned):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="mention_unique")]


class TopicRead(CommunityOwned):
    """How far a member has read a topic: the highest post number they have seen."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_number = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "topic"], name="topicread_unique")]


class WatchLevel(models.TextChoices):
    WATCHING = "watching", _("Watching: every reply")
    TRACKING = "tracking", _("Tracking: unread counts")
    NORMAL = "normal", _("Normal: mentions and replies")
    MUTED = "muted", _("Muted: hide it")


class Watch(CommunityOwned):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    level = models.CharField(max_length=16, choices=WatchLevel.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "topic"],
                condition=models.Q(topic__isnull=False),
                name="watch_topic_unique",
            ),
            models.UniqueConstraint(
                fields=["user", "category"],
                condition=models.Q(category__isnull=False),
                name="watch_category_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(topic__isnull=False) ^ models.Q(category__isnull=False),
                name="watch_one_target",
            ),
        ]
