"""The search index: one document per visible post.

The full-text structures are not in this model; migration 0002 adds them per database:

- SQLite: an FTS5 external-content table ``search_postdocument_fts`` over (title, body),
  kept in step by AFTER INSERT / UPDATE OF title, body / DELETE triggers on this table.
- PostgreSQL: a STORED generated ``search_vector`` tsvector column (title weight A, body
  weight B) with a GIN index.

A later migration that alters this table on SQLite rebuilds it (Django copies the rows into
a new table), which drops the triggers: such a migration must recreate them and run the
FTS5 'rebuild' command, as 0002 does."""

from django.conf import settings
from django.db import models

from hearth.core.models import CommunityOwned


class PostDocument(CommunityOwned):
    post = models.OneToOneField(
        "discussions.Post", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    topic = models.ForeignKey("discussions.Topic", on_delete=models.CASCADE, related_name="+")
    # A plain id, not a foreign key: it mirrors topic.category_id so the visibility filter
    # runs on this table alone, and moving a topic only rewrites this column.
    category_id = models.BigIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    # The topic's title on every post, so a reply matches words of the title it answers.
    title = models.CharField(max_length=255)
    body = models.TextField()
    is_first = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["community", "category_id"], name="postdoc_scope"),
            models.Index(fields=["community", "-created_at"], name="postdoc_recent"),
        ]

    def __str__(self) -> str:
        return f"document for post {self.post_id}"
