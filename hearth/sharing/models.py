"""What a community shows outside Hearth: the sites allowed to frame its embed."""

from django.db import models
from django.utils import timezone

from hearth.core.models import CommunityOwned

MAX_EMBED_ORIGINS = 20


class EmbedSettings(CommunityOwned):
    """One per community, made on first save. Without origins the embed may be framed by no
    site at all (frame-ancestors 'none'), so it is off until the owner lists their sites."""

    # Normalised origins ("https://blog.example.org", "http://localhost:8080"), validated by
    # sharing.origins; they go verbatim into the embed pages' frame-ancestors directive.
    allowed_origins = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community"], name="embedsettings_community_unique")
        ]

    def __str__(self) -> str:
        return f"embed settings of {self.community_id}"
