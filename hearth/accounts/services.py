from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from hearth.accounts.models import TIME_ZONE_CHOICES, User
from hearth.core.images import process_image
from hearth.core.uploads import discard_uploads_on_error, store_in_field

AVATAR_MAX_SIDE = 256
_TIME_ZONES = {tz for tz, _label in TIME_ZONE_CHOICES}


@discard_uploads_on_error()
@transaction.atomic
def profile_update(
    *,
    user: User,
    display_name: str,
    bio: str,
    time_zone: str,
    avatar=None,
    remove_avatar: bool = False,
) -> User:
    """Update the account's public profile. An avatar is re-encoded before it is stored."""
    errors: dict[str, list] = {}
    display_name = (display_name or "").strip()
    bio = (bio or "").strip()
    if len(display_name) > 60:
        errors["display_name"] = [_("Keep the display name under 60 characters.")]
    if len(bio) > 2000:
        errors["bio"] = [_("Keep the bio under 2,000 characters.")]
    if time_zone not in _TIME_ZONES:
        errors["time_zone"] = [_("Choose a time zone from the list.")]
    avatar_file = None
    if avatar:
        try:
            avatar_file = process_image(avatar, max_side=AVATAR_MAX_SIDE, prefix="avatars")
        except ValidationError as exc:
            errors["avatar"] = exc.messages
    if errors:
        raise ValidationError(errors)
    user.display_name = display_name
    user.bio = bio
    user.time_zone = time_zone
    if remove_avatar:
        user.avatar = ""
    if avatar_file is not None:
        store_in_field(user.avatar, avatar_file, field="avatar")
    user.save(update_fields=["display_name", "bio", "time_zone", "avatar"])
    return user
