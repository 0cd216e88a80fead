from django.db import transaction
from django.utils import timezone

from hearth.communities.services import staff_log_record
from hearth.core.actor import Actor
from hearth.sharing import policy
from hearth.sharing.models import EmbedSettings
from hearth.sharing.origins import parse_origins


@transaction.atomic
def embed_settings_update(*, actor: Actor, origins_text: str) -> EmbedSettings:
    """Set the sites that may frame the community's embed (one origin per line; raises
    ValidationError naming each line that is not a plain origin)."""
    policy.ensure_manage_embed(actor)
    origins = parse_origins(origins_text)
    settings, _ = EmbedSettings.objects.select_for_update().get_or_create(community=actor.community)
    settings.allowed_origins = origins
    settings.updated_at = timezone.now()
    settings.save()
    staff_log_record(actor, actor.community, "embed.settings", details={"origins": origins})
    return settings
