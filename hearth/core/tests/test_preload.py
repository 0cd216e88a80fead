"""What granian's supervising process loads before it forks the workers
(hearth.core.preload): the application, no open connection, and all of it
out of the garbage collector's reach."""

import gc
import json
import os
import subprocess
import sys

import pytest
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.template import engines

from hearth.core import preload as preload_module


@pytest.fixture
def frozen_afterwards_undone():
    yield
    gc.unfreeze()
    gc.enable()


@pytest.mark.django_db
def test_preload_closes_connections_and_freezes(frozen_afterwards_undone, monkeypatch):
    connection.ensure_connection()
    closed = []
    wrapper = connections[DEFAULT_DB_ALIAS]
    monkeypatch.setattr(type(wrapper), "close", lambda self: closed.append(self.alias))
    cached_loader = engines["django"].engine.template_loaders[0]
    cached_loader.reset()  # other tests in this process rendered templates
    preload_module.preload("hearth.asgi:application")
    assert connection.alias in closed  # no worker inherits this process's socket
    assert gc.get_freeze_count() > 0
    assert gc.isenabled()
    # Templates are compiled by each worker as it renders them (see the module's notes).
    assert not cached_loader.get_template_cache


def test_granian_serves_after_the_preload(monkeypatch):
    """The workers are forked once the application is loaded in this process."""
    granian_server = pytest.importorskip("granian.server")
    from hearth.core.management.commands import serve

    calls = []
    monkeypatch.setattr(serve, "preload", lambda app: calls.append(("preload", app)))

    class RecordingServer:
        def __init__(self, app, **options):
            calls.append(("server", app))

        def serve(self):
            calls.append(("serve", None))

    monkeypatch.setattr(granian_server, "Server", RecordingServer)
    serve.run_granian("127.0.0.1", 8000, 2)
    assert calls == [("preload", serve.APP), ("server", serve.APP), ("serve", None)]


FIRST_REQUEST_MODULES = """
import json, os, sys
import django
django.setup()
from hearth.core.preload import preload
preload("hearth.asgi:application")
print(json.dumps(sorted(sys.modules)))
"""


def test_what_a_first_request_or_sign_in_imports_is_loaded_before_the_fork(tmp_path):
    """Each worker would otherwise import these into memory of its own (~100 modules,
    ~7 MB of each worker's own memory on the bench's pages)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hearth.settings",
        "HEARTH_ENV": "production",
        "HEARTH_SECRET_KEY": "preload-test-" + "x" * 50,
        "HEARTH_DATA_DIR": str(tmp_path),
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",  # never connected to
        "HEARTH_DB_POOL": "1",
        "REDIS_URL": "redis://127.0.0.1:1/0",  # the client is built, not connected
    }
    done = subprocess.run(  # noqa: S603 -- our own interpreter
        [sys.executable, "-c", FIRST_REQUEST_MODULES],
        env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    loaded = set(json.loads(done.stdout.splitlines()[-1]))
    expected = {
        "django.template.context_processors",  # the templates' context processors
        "hearth.core.context_processors",
        "django.contrib.messages.storage.fallback",
        "django.contrib.sessions.serializers",
        "django.conf.locale.en.formats",
        "allauth.account.auth_backends",
        "hearth.accounts.adapter",
        "argon2",  # the password hasher's library, on the first sign-in
        "redis",
        "psycopg_pool",
    }
    assert expected <= loaded, expected - loaded


def test_the_c_allocator_keeps_two_arenas_unless_the_operator_said(monkeypatch):
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    assert preload_module.limit_malloc_arenas() is True  # glibc, as on every supported host
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert preload_module.limit_malloc_arenas() is False
