"""Static files with hashed names, a year's cache and gzip/brotli copies.

``collectstatic`` writes every file under ``STATIC_ROOT`` twice (``hearth.css`` and
``hearth.3f2a….css``) plus ``.gz`` and ``.br`` copies (whitenoise's
``CompressedManifestStaticFilesStorage``, brotli from the ``Brotli`` package), and
``{% static %}`` names the hashed copy, which whitenoise serves with
``Cache-Control: max-age=…, public, immutable`` and the encoding the browser accepts.

``hearth serve`` calls :func:`collect_if_changed` before it starts, so ``make run`` and a
production start always serve what the source folders hold, and a restart with nothing
changed costs one walk of the source folders. A file that was never collected (a front-end
bundle built after the last start, say) is named by its plain URL rather than failing the
page; whitenoise's finders serve that, uncompressed and with a short cache.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.management import call_command
from django.utils.module_loading import import_string
from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)


class HashedStaticFilesStorage(CompressedManifestStaticFilesStorage):
    """whitenoise's compressed manifest storage, forgiving about files left out: a page
    naming a file missing from the manifest gets its plain URL (a debug log line) instead of
    an error, and a reference to an uncollected file inside a collected one (the source
    maps of the npm packages, see hearth.core.static_app) is left as written."""

    def stored_name(self, name):
        try:
            return super().stored_name(name)
        except ValueError:
            # Debug only: whitenoise also asks for names that never existed, when it tests
            # whether a file name carries a hash ("htmx.min.js" -> "htmx.js").
            logger.debug("Static file %s is not collected: naming it by its plain name", name)
            return name

    def hashed_name(self, name, content=None, filename=None):
        try:
            return super().hashed_name(name, content, filename)
        except ValueError:
            if content is not None or self.exists(filename or name):
                raise
            return name


def uses_hashed_names() -> bool:
    return issubclass(
        import_string(settings.STORAGES["staticfiles"]["BACKEND"]), ManifestFilesMixin
    )


def sources_fingerprint() -> str:
    """A digest of every file the finders would collect (name, size, modification time)
    and of the storage that collects them."""
    digest = hashlib.sha256(settings.STORAGES["staticfiles"]["BACKEND"].encode())
    ignore_patterns = apps.get_app_config("staticfiles").ignore_patterns
    seen = set()
    for finder in finders.get_finders():
        for path, storage in finder.list(ignore_patterns):
            prefix = getattr(storage, "prefix", None) or ""
            name = f"{prefix}/{path}" if prefix else path
            if name in seen:  # the first finder's file wins, as in collectstatic
                continue
            seen.add(name)
            info = os.stat(storage.path(path))
            digest.update(f"{name}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def collect_if_changed(*, log=print) -> bool:
    """Run ``collectstatic`` when the storage hashes names and the source files changed
    since the last run (or it never ran); True when it ran."""
    if not uses_hashed_names():
        return False
    root = Path(settings.STATIC_ROOT)
    stamp = root.with_name(root.name + ".collected")  # beside it: never served
    fingerprint = sources_fingerprint()
    try:
        if stamp.read_text().strip() == fingerprint:
            return False
    except OSError:
        pass
    log("Collecting static files (hashed names, gzip and brotli)…")
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(fingerprint + "\n")
    return True
