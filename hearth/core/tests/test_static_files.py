"""Static files as production serves them: collected under hashed names with gzip and
brotli copies (hearth.core.staticfiles), answered by whitenoise with a long immutable cache
and the encoding the browser accepts; `hearth serve` collects them when they changed.

The tests run on a small folder of their own (collecting every app's files would compress
megabytes), with the storage and middleware settings of a non-test install."""

import logging
import os

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import CommandError, call_command
from django.template import Context, Template
from django.test import Client

from hearth.core import staticfiles
from hearth.core.management.commands import serve

YEAR = 365 * 24 * 3600
SCRIPT = "// the charts\n" + "console.log('a chart, drawn when it nears the screen');\n" * 200
STYLE = (
    "/* the page */\n"
    + ".card { padding: 1rem; }\n" * 200
    + "/*# sourceMappingURL=app.css.map */\n"
)


@pytest.fixture
def production_static(tmp_path, settings):
    """Hashed, compressed static files from a folder of two files; the collected root."""
    source = tmp_path / "source" / "hearth"
    source.mkdir(parents=True)
    (source / "app.js").write_text(SCRIPT)
    # Points at a source map that is never collected (as the npm packages' files do).
    (source / "app.css").write_text(STYLE)
    settings.STATICFILES_DIRS = [tmp_path / "source"]
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "hearth.core.staticfiles.HashedStaticFilesStorage"},
    }
    settings.WHITENOISE_AUTOREFRESH = False
    return settings.STATIC_ROOT


def get(url, encoding=None):
    # A new client loads the middleware again, so whitenoise sees these settings.
    headers = {"HTTP_ACCEPT_ENCODING": encoding} if encoding else {}
    return Client().get(url, **headers)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_collected_files_have_hashed_names_a_long_cache_and_compression(production_static):
    assert staticfiles.collect_if_changed(log=lambda message: None)
    url = staticfiles_storage.url("hearth/app.js")
    assert url.startswith("/static/hearth/app.") and url.endswith(".js") and url.count(".") == 2
    assert (production_static / url.removeprefix("/static/")).with_suffix(".js.br").exists()

    brotli = get(url, "gzip, deflate, br")
    assert brotli.status_code == 200
    assert brotli["Content-Encoding"] == "br"
    assert "immutable" in brotli["Cache-Control"]
    max_age = int(brotli["Cache-Control"].split("max-age=")[1].split(",")[0])
    assert max_age >= YEAR
    assert "Accept-Encoding" in brotli["Vary"]
    assert len(body(brotli)) < len(SCRIPT) / 4

    gzip = get(url, "gzip")
    assert gzip["Content-Encoding"] == "gzip"
    plain = get(url)
    assert not plain.has_header("Content-Encoding")
    assert body(plain).decode() == SCRIPT

    # The plain name still answers (an error page names it so), briefly cached.
    unhashed = get("/static/hearth/app.js", "br")
    assert unhashed.status_code == 200
    assert "immutable" not in unhashed["Cache-Control"]

    # Templates name the hashed copy.
    tag = Template("{% load static %}{% static 'hearth/app.css' %}").render(Context())
    assert tag != "/static/hearth/app.css" and tag.startswith("/static/hearth/app.")
    # The reference to the missing source map is left as written.
    assert "sourceMappingURL=app.css.map" in body(get(tag)).decode()


def test_collecting_again_only_when_the_sources_changed(production_static, tmp_path):
    assert staticfiles.collect_if_changed(log=lambda message: None)
    first = staticfiles_storage.url("hearth/app.js")
    assert not staticfiles.collect_if_changed(log=lambda message: None)

    (tmp_path / "source" / "hearth" / "app.js").write_text(SCRIPT + "// changed\n")
    assert staticfiles.collect_if_changed(log=lambda message: None)
    assert staticfiles_storage.url("hearth/app.js") != first


def test_a_file_never_collected_is_named_plainly_not_an_error(production_static, caplog):
    assert staticfiles.collect_if_changed(log=lambda message: None)
    with caplog.at_level(logging.DEBUG, logger="hearth.core.staticfiles"):
        url = staticfiles_storage.url("hearth/built-later.js")
    assert url == "/static/hearth/built-later.js"
    assert "not collected" in caplog.text


def test_plain_storage_collects_nothing(settings):
    """Tests and HEARTH_DEBUG read the source folders: nothing to collect."""
    assert not staticfiles.uses_hashed_names()
    assert not staticfiles.collect_if_changed(log=pytest.fail)


@pytest.mark.parametrize(("flag", "collects"), [(None, True), ("--no-collectstatic", False)])
def test_serve_collects_first_unless_told_not_to(monkeypatch, flag, collects):
    calls = []
    monkeypatch.setattr(serve, "collect_static_apart", lambda **kwargs: calls.append("collect"))
    monkeypatch.setattr("uvicorn.run", lambda app, **kwargs: calls.append("serve"))
    call_command("serve", "--no-with-worker", *([flag] if flag else []), stdout=None)
    assert calls == (["collect", "serve"] if collects else ["serve"])


def test_serve_collects_in_a_child_process_whose_memory_goes_with_it(monkeypatch, tmp_path):
    """granian's workers are forked from serve's process: compressing in it would leave
    each of them ~40 MB larger."""
    ran_in = tmp_path / "pid"
    monkeypatch.setattr(
        serve, "collect_if_changed", lambda log: ran_in.write_text(str(os.getpid()))
    )
    serve.collect_static_apart(log=print)
    assert int(ran_in.read_text()) != os.getpid()


def test_a_failed_collection_stops_serve(monkeypatch):
    def fails(log):
        raise OSError("disk full")

    monkeypatch.setattr(serve, "collect_if_changed", fails)
    with pytest.raises(CommandError, match="Collecting the static files failed"):
        serve.collect_static_apart(log=print)
