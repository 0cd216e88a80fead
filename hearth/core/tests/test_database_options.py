"""How Hearth connects to PostgreSQL: without Memoize (hearth/settings.py, _database)."""

import pytest
from django.db import connection

from hearth import settings as hearth_settings

URL = "postgres://hearth@db.example/hearth"


def test_postgresql_connections_turn_memoize_off(monkeypatch):
    monkeypatch.delenv("HEARTH_DB_MEMOIZE", raising=False)
    options = hearth_settings._database(URL)["OPTIONS"]
    assert options["options"] == "-c enable_memoize=off"


def test_memoize_can_be_kept(monkeypatch):
    monkeypatch.setenv("HEARTH_DB_MEMOIZE", "1")
    assert "options" not in hearth_settings._database(URL).get("OPTIONS", {})


def test_sqlite_gets_no_postgresql_option(monkeypatch):
    monkeypatch.delenv("HEARTH_DB_MEMOIZE", raising=False)
    assert "options" not in hearth_settings._database("sqlite:////tmp/x.sqlite3").get("OPTIONS", {})


@pytest.mark.django_db
def test_the_running_connection_has_memoize_off():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SHOW enable_memoize")
        assert cursor.fetchone()[0] == "off"
