"""Helpers for tests of stored uploads: a disk that fills up mid-write, and what is left."""

import errno
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

from hearth.core.uploads import PrivateStorage

UPLOAD_FAILED = "The server could not store the file right now; nothing was saved. Try again later."


@contextmanager
def disk_full(code: int = errno.ENOSPC, *, after: int = 0):
    """Writes of re-encoded uploads fail with ``code`` after a few bytes, as a full disk
    does; the first ``after`` writes succeed. Yields the names written to, in order."""
    real_chunks = ContentFile.chunks
    written: list[str] = []

    def chunks(self, chunk_size=None):
        written.append(self.name)
        if len(written) <= after:
            yield from real_chunks(self, chunk_size)
            return
        yield b"partial"
        raise OSError(code, "simulated write failure")

    with mock.patch.object(ContentFile, "chunks", chunks):
        yield written


def stored_files() -> list[Path]:
    """Every file under MEDIA_ROOT and HEARTH_PRIVATE_MEDIA_ROOT."""
    roots = (Path(settings.MEDIA_ROOT), Path(settings.HEARTH_PRIVATE_MEDIA_ROOT))
    return [p for root in roots if root.exists() for p in root.rglob("*") if p.is_file()]


class FullStorage(FileSystemStorage):
    """A storage whose every save fails as a full disk does (``OSError(ENOSPC)``), for any
    backend, not only files written chunk by chunk: select it with ``full_storages()``."""

    def _save(self, name, content):
        raise OSError(errno.ENOSPC, "No space left on device")


class FullPrivateStorage(FullStorage, PrivateStorage):
    pass


def full_storages() -> dict:
    """A ``STORAGES`` setting whose upload storages are full (for ``settings.STORAGES =``)."""
    return {
        **settings.STORAGES,
        "default": {"BACKEND": "hearth.testing.uploads.FullStorage"},
        "private": {"BACKEND": "hearth.testing.uploads.FullPrivateStorage"},
    }
