"""Storing and serving uploaded files.

Every upload is written through ``store_upload``: when the disk is full (or the quota is
reached, or the device fails) the partial file is removed and the person gets a clear
message instead of a 500. Services that write rows pointing at uploads run inside
``discard_uploads_on_error`` so a failed transaction leaves no file behind.

Uploads that belong to content not everyone may read (post images) live in the
``private`` storage, outside ``MEDIA_ROOT``, and reach browsers only through a view that
asks the owning app's policy and answers with ``private_file_response``."""

from __future__ import annotations

import logging
import mimetypes
import posixpath
from contextlib import contextmanager
from contextvars import ContextVar
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage, Storage, default_storage, storages
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# Browsers may keep a private upload; shared caches (proxies, CDNs) must not, because who
# may read it can change after it was fetched (a category made staff-only, a post deleted).
PRIVATE_CACHE_CONTROL = "private, max-age=3600"


class UploadFailed(ValidationError):
    """The server could not write an upload (disk full, quota, I/O error). Nothing was kept;
    the person may try again later. Forms show it like any ValidationError; the API
    answers 507."""

    def __init__(self, field: str | None = None):
        message = _(
            "The server could not store the file right now; nothing was saved. Try again later."
        )
        super().__init__({field: [message]} if field else message)


_stored: ContextVar[list[tuple[Storage, str]] | None] = ContextVar("stored_uploads", default=None)


def _delete_quietly(storage: Storage, name: str) -> None:
    try:
        storage.delete(name)
    except OSError:
        logger.exception("Could not remove the upload %s", name)


def store_upload(
    storage: Storage, name: str, content, *, field: str | None = None, max_length=None
) -> str:
    """Save ``content`` as ``name`` and return the stored name, or raise UploadFailed.

    Names are fresh (a random part), so the name asked for is the name written, and what a
    failed write left under it is ours to remove."""
    try:
        name = storage.get_available_name(name, max_length=max_length)
        stored = storage.save(name, content, max_length=max_length)
    except OSError as exc:
        logger.error("Could not store the upload %s: %s", name, exc)
        _delete_quietly(storage, name)
        raise UploadFailed(field) from exc
    if (pending := _stored.get()) is not None:
        pending.append((storage, stored))
    return stored


def store_in_field(file: FieldFile, content, *, field: str | None = None) -> None:
    """``FieldFile.save(..., save=False)`` through ``store_upload``."""
    name = file.field.generate_filename(file.instance, posixpath.basename(content.name))
    stored = store_upload(
        file.storage, name, content, field=field, max_length=file.field.max_length
    )
    setattr(file.instance, file.field.attname, stored)


@contextmanager
def discard_uploads_on_error():
    """Delete the files stored inside the block if it raises.

    Wrap it around a service's ``transaction.atomic``: when the exception leaves the block,
    the rows that would have pointed at the files were rolled back, so the files are
    orphans. (A caller's own outer transaction rolling back later is not seen here.)"""
    stored: list[tuple[Storage, str]] = []
    token = _stored.set(stored)
    try:
        yield
    except BaseException:
        for storage, name in stored:
            _delete_quietly(storage, name)
        raise
    finally:
        _stored.reset(token)
    if (outer := _stored.get()) is not None:
        outer.extend(stored)


class PrivateStorage(FileSystemStorage):
    """Files under ``HEARTH_PRIVATE_MEDIA_ROOT``, which has no public URL."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.HEARTH_PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "HEARTH_PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        raise ValueError("Private uploads have no public URL; link the view that checks access.")


def private_storage() -> Storage:
    return storages["private"]


def move_to_private_storage(name: str) -> bool:
    """Put a public upload into the private storage under the same name (copy, then
    delete), for migrations that make a kind of upload private; False when the file is in
    neither storage."""
    private = private_storage()
    if not default_storage.exists(name):
        return private.exists(name)
    if not private.exists(name):
        with default_storage.open(name, "rb") as source:
            private.save(name, source)
    default_storage.delete(name)
    return True


def private_file_response(file: FieldFile) -> HttpResponse:
    """Answer with a private upload the caller has already allowed the viewer to read.

    Embedded, the app streams the file; with ``HEARTH_MEDIA_ACCEL_REDIRECT`` set, nginx
    sends it from its ``internal`` location, freeing the app process."""
    content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    if prefix := settings.HEARTH_MEDIA_ACCEL_REDIRECT:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = prefix.rstrip("/") + "/" + quote(file.name)
    else:
        try:
            handle = file.storage.open(file.name, "rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = PRIVATE_CACHE_CONTROL
    return response
