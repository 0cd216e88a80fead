"""Discourse accounts as Hearth accounts: linked by a confirmed email address, or new
without a usable password; staged accounts made only when something they wrote is imported."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone

from hearth.archive.common import progress
from hearth.archive.discourse import uploads
from hearth.archive.discourse.convert import get, username_for
from hearth.archive.discourse.dump import parse_bool, parse_int, parse_time
from hearth.archive.discourse.state import State


def import_users(state: State) -> None:
    from allauth.account.models import EmailAddress

    from hearth.accounts.models import User

    rows = state.db.execute(
        "SELECT u.*, e.email AS email, p.bio_raw AS bio FROM users u "
        "LEFT JOIN user_emails e ON e.user_id = u.id AND e.[primary] IN ('t', 'true') "
        "LEFT JOIN user_profiles p ON p.user_id = u.id ORDER BY CAST(u.id AS INTEGER)"
    )
    bar = progress(desc="accounts", unit="user", enabled=state.show)
    for row in rows:
        d_id = parse_int(row["id"])
        bar.update(1)
        if d_id is None or d_id <= 0:
            state.summary.skip("system accounts")
            continue
        if parse_bool(get(row, "staged")) or not parse_bool(row["active"]):
            # Wrote only by email, or never confirmed their address: an account only
            # if they wrote something imported, and not a member.
            state.staged[d_id] = row
            continue
        _account(state, row, d_id, User, EmailAddress)
    bar.close()


def _account(state: State, row, d_id: int, User, EmailAddress) -> int:
    email = (row["email"] or "").strip().lower()
    if len(email) > 254 or "@" not in email:  # Discourse allows longer; Hearth cannot
        email = ""
    confirmed = parse_bool(row["active"])
    existing = None
    if email and confirmed:
        verified = EmailAddress.objects.filter(email__iexact=email, verified=True).first()
        existing = verified.user_id if verified else None
    if existing is not None:
        state.users[d_id] = existing
        state.usernames[row["username"].lower()] = User.objects.get(pk=existing).username
        state.summary.users_linked += 1
        return existing
    taken = bool(email) and (
        User.objects.filter(email__iexact=email).exists()
        or EmailAddress.objects.filter(email__iexact=email).exists()
    )
    if taken or not email:
        # The address belongs to an account here that Discourse's confirmation does not
        # prove is the same person (or there is none): the new account gets no address.
        email = ""
        state.summary.users_without_email += 1
    user = User(
        username=username_for(row["username"], d_id),
        email=email,
        display_name=(row["name"] or "")[:60],
        bio=(row["bio"] or "")[:2000],
        date_joined=parse_time(row["created_at"]) or timezone.now(),
    )
    user.set_unusable_password()
    _avatar(state, user, parse_int(get(row, "uploaded_avatar_id")))
    user.save()
    if email:
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=confirmed)
    state.users[d_id] = user.pk
    state.usernames[row["username"].lower()] = user.username
    state.summary.users_created += 1
    return user.pk


def _avatar(state: State, user, upload_id: int | None) -> None:
    """The picture the member chose on Discourse, stored as Hearth stores an avatar."""
    from django.core.files.base import ContentFile

    from hearth.accounts.services import AVATAR_MAX_SIDE
    from hearth.core.images import process_image
    from hearth.core.uploads import store_in_field

    if upload_id is None:
        return
    row = state.db.execute("SELECT url FROM uploads WHERE id = ?", (str(upload_id),)).fetchone()
    data = uploads.stored_upload(state, row["url"] if row else None)
    if data is None:
        return
    try:
        avatar = process_image(
            ContentFile(data, name="avatar"), max_side=AVATAR_MAX_SIDE, prefix="avatars"
        )
    except ValidationError:
        return
    store_in_field(user.avatar, avatar, field="avatar")


def user(state: State, d_id: int | None) -> int | None:
    """The Hearth account for a Discourse user id; a staged user's is made on first use."""
    if d_id is None:
        return None
    if d_id in state.users:
        return state.users[d_id]
    row = state.staged.pop(d_id, None)
    if row is None:
        return None
    from allauth.account.models import EmailAddress

    from hearth.accounts.models import User

    return _account(state, row, d_id, User, EmailAddress)
