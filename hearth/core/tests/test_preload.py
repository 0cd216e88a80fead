"""What granian's supervising process loads before it forks the workers
(hearth.core.preload): the application, every template, no open connection, and all of it
out of the garbage collector's reach."""

import gc

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
def test_preload_compiles_the_templates_closes_connections_and_freezes(
    frozen_afterwards_undone, monkeypatch
):
    connection.ensure_connection()
    closed = []
    wrapper = connections[DEFAULT_DB_ALIAS]
    monkeypatch.setattr(type(wrapper), "close", lambda self: closed.append(self.alias))
    compiled = preload_module.preload("hearth.asgi:application")
    # Every template of the app's own folders, and the form widgets' Jinja2 templates.
    own = [
        path
        for directory in engines["django"].template_dirs
        if "site-packages" not in str(directory)
        for path in directory.rglob("*.html")
    ]
    assert compiled > len(own) > 100
    assert connection.alias in closed  # no worker inherits this process's socket
    assert gc.get_freeze_count() > 0
    assert gc.isenabled()


def test_a_template_that_fails_to_compile_is_left_for_first_use(tmp_path, settings):
    (tmp_path / "fine.html").write_text("{{ name }}")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path], "APP_DIRS": False, "OPTIONS": {}}
    ]
    with_fine_only = preload_module.compile_templates()
    (tmp_path / "broken.html").write_text("{% if %}")
    assert preload_module.compile_templates() == with_fine_only  # skipped, nothing raised


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
