"""The images Discourse stored, brought along as Hearth stores a post's images."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

from hearth.archive.discourse.convert import UPLOAD_LINK, upload_sha1
from hearth.archive.discourse.state import State

IMAGE_MAX_SIDE, THUMB_MAX_SIDE = 1600, 640  # as discussions.services


def bring_along(state: State, body: str) -> tuple[str, list[int]]:
    """The body with each image Discourse stored brought along as Hearth stores a
    post's image (re-encoded, with a thumbnail, private to who may read the post); a
    file that is not an image, or not in the backup, is named instead of linked.
    Returns the body and the attachments made (their post is set by the caller)."""
    stored: list[int] = []

    def replace(match: re.Match) -> str:
        bang, label, target = match.groups()
        label = label.split("|")[0].strip()
        data = _upload_bytes(state, target)
        if bang and data is not None:
            try:
                full, thumb = _store_image(state, data)
            except ValidationError:
                pass
            else:
                stored.extend(a.pk for a in (full, thumb))
                state.summary.images += 1
                return (
                    f"[![{label or 'image'}]({thumb.get_absolute_url()})]"
                    f"({full.get_absolute_url()})"
                )
        what = "image" if bang else "file"
        state.summary.skip(f"{what}s not imported")
        return f"_({what} not imported: {label or 'upload'})_"

    if "/uploads/" in body or "upload://" in body:
        body = UPLOAD_LINK.sub(replace, body)
    return body, stored


def _upload_bytes(state: State, target: str) -> bytes | None:
    sha1 = upload_sha1(target)
    if sha1 is None:
        return None
    row = state.db.execute("SELECT url FROM uploads WHERE sha1 = ?", (sha1,)).fetchone()
    return stored_upload(state, row["url"] if row else None)


def stored_upload(state: State, url: str | None) -> bytes | None:
    """The bytes of an upload Discourse stored locally (so it is in the backup)."""
    if not url or "/uploads/" not in url:
        return None
    return state.backup.read_upload("uploads/" + url.split("/uploads/", 1)[1])


def _store_image(state: State, data: bytes):
    from django.core.files.base import ContentFile

    from hearth.core.images import process_image
    from hearth.core.uploads import private_storage, store_upload
    from hearth.discussions.models import Attachment

    prefix = f"posts/{state.community.pk}"
    out = []
    for side, where in ((IMAGE_MAX_SIDE, prefix), (THUMB_MAX_SIDE, f"{prefix}/thumbs")):
        content = process_image(ContentFile(data, name="upload"), max_side=side, prefix=where)
        out.append(
            Attachment.objects.create(
                community=state.community,
                file=store_upload(private_storage(), content.name, content, field="image"),
            )
        )
    return out
