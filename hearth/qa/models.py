from django.conf import settings
from django.db import models
from django.utils import timezone

from hearth.core.models import CommunityOwned


class Question(CommunityOwned):
    """A topic in a questions category, with its support facts: the first response by
    someone else and the accepted answer."""

    topic = models.OneToOneField(
        "discussions.Topic", primary_key=True, on_delete=models.CASCADE, related_name="question"
    )
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    asked_at = models.DateTimeField(default=timezone.now)
    first_response = models.ForeignKey(
        "discussions.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_response_at = models.DateTimeField(null=True, blank=True)
    accepted_answer = models.ForeignKey(
        "discussions.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [
            # The unanswered queue's order, covering only the questions waiting for an answer.
            models.Index(
                fields=["community", "asked_at", "topic"],
                condition=models.Q(first_response_at__isnull=True),
                name="question_unanswered",
            ),
            models.Index(fields=["community", "accepted_at"], name="question_solved"),
        ]

    @property
    def is_solved(self) -> bool:
        return self.accepted_answer_id is not None


class AnswerVote(CommunityOwned):
    post = models.ForeignKey(
        "discussions.Post", on_delete=models.CASCADE, related_name="answer_votes"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="answervote_unique")]
