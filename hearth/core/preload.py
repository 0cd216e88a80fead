"""Load what every request needs in the process that forks the server's workers, so they
share it instead of each building its own copy.

granian forks its workers from ``hearth serve``. Left alone, each worker imports the
application and every view on its first requests into memory of its own, and
even the modules both already had stop being shared after a little load: the garbage
collector's passes write to every object they visit, which copies each page it touches.
Measured with two workers on the bench's database (``bench/README.md``), each worker's own
memory (USS) went from ~15 MB after start to ~85 MB after a few seconds of load.

``preload`` imports the application and every view (through the URL configuration),
loads the default language's messages, then moves all of it out of the collector's reach
(``gc.freeze``) right before the fork: the workers share those pages with the supervising
process for as long as they run. Database and cache connections opened on the way are
closed, so no worker inherits a socket another uses.

Templates are not compiled here: each worker compiles those it renders, on first use.
Rendering a template touches nearly every one of its nodes, so a template compiled here
and rendered in a worker was copied into that worker anyway, and the hundreds never
rendered by a given worker cost it a share of memory for nothing. Measured with two
workers after the bench's load on every page, the largest worker's PSS went ~78 → ~75 MB
without the compilation, its own memory (USS) unchanged."""

from __future__ import annotations

import ctypes
import gc
import os
from importlib import import_module


def preload(application: str) -> None:
    """Import ``application`` ("module:attribute") and what its requests reach."""
    from django.conf import settings
    from django.core.cache import caches
    from django.db import connections
    from django.urls import get_resolver
    from django.utils import translation

    limit_malloc_arenas()
    gc.disable()  # no collection until the freeze: freed holes would be filled, and copied
    import_module(application.partition(":")[0])
    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 (imports every app's URL configuration and views)
    resolver.reverse_dict  # noqa: B018 (the table every {% url %} reads, built once)
    with translation.override(settings.LANGUAGE_CODE):
        translation.gettext("Hearth")  # loads the language's message catalogues
        import_first_request_modules()
    for connection in connections.all(initialized_only=True):
        connection.close()
    for cache in caches.all(initialized_only=True):
        cache.close()
    gc.freeze()
    gc.enable()


M_ARENA_MAX = -8  # glibc's malloc.h
MALLOC_ARENAS = 2


def limit_malloc_arenas() -> bool:
    """Let the C allocator keep at most ``MALLOC_ARENAS`` arenas in each worker, unless
    ``MALLOC_ARENA_MAX`` says otherwise; return whether the limit was set.

    glibc gives each thread that allocates an arena of its own, up to eight per core. A
    worker runs its requests, its database pool and its server on a handful of threads, and
    each arena kept ~0.5–1 MB of memory the others could not reuse: measured with two
    workers on the bench's database, 2–3 MB more per worker than with two arenas. Threads
    rarely allocate at once here (they hold Python's lock), so sharing costs no time."""
    if "MALLOC_ARENA_MAX" in os.environ:  # the operator's choice: glibc reads it itself
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # not glibc's allocator (macOS)
        return False
    return mallopt(M_ARENA_MAX, MALLOC_ARENAS) == 1


def import_first_request_modules() -> None:
    """Import what Django and the backends otherwise import on the first request (~100
    modules): the template context processors, the message and session storage, the
    language's formats, the sign-in's backends and password hasher, the mail backend, the
    cache's Redis client and the database's connection pool. Creating the cache's client
    opens no connection."""
    from django.conf import settings
    from django.contrib.auth.hashers import get_hasher
    from django.core.cache import caches
    from django.db import connections
    from django.template import engines
    from django.template.backends.django import DjangoTemplates
    from django.utils import formats
    from django.utils.module_loading import import_string

    from hearth.core import homoglyphs

    for engine in engines.all():
        if isinstance(engine, DjangoTemplates):
            engine.engine.template_context_processors  # noqa: B018 (imports them)
    for name in (
        settings.MESSAGE_STORAGE,
        settings.SESSION_SERIALIZER,
        *settings.AUTHENTICATION_BACKENDS,
        settings.ACCOUNT_ADAPTER,
        settings.EMAIL_BACKEND,
    ):
        import_string(name)
    hasher = get_hasher()
    if hasher.library:
        hasher._load_library()  # argon2's bindings, imported on the first sign-in
    formats.get_format("DATE_FORMAT")
    for alias in settings.CACHES:
        getattr(caches[alias], "_cache", None)  # Django's Redis cache builds its client here
    for wrapper in connections.all():
        if wrapper.settings_dict.get("OPTIONS", {}).get("pool"):
            import_module("psycopg_pool")
    homoglyphs.table()  # the sign-up's and the watched words' look-alikes
