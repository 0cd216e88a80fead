"""Platform limits on starting communities from the wizard (not the CLI)."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from hearth.communities.models import Community
from hearth.testing.factories import community_factory, user_factory

WIZARD = reverse("core:community-new")


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.HEARTH_COMMUNITIES_PER_HOUR = 2
    settings.HEARTH_COMMUNITIES_PER_DAY = 3


def _start(client, slug, address="198.51.100.7"):
    data = {
        "name": slug.title(),
        "slug": slug,
        "accent_color": "#336699",
        "rules": "Be kind",
        "join_policy": "open",
        "visibility": "public",
    }
    return client.post(WIZARD, data, REMOTE_ADDR=address)


def _age(slug, **delta):
    Community.objects.filter(slug=slug).update(created_at=timezone.now() - timedelta(**delta))


def test_hourly_limit_stops_a_burst(client, outsider):
    client.force_login(outsider)
    assert [_start(client, f"burst-{n}").status_code for n in range(2)] == [302, 302]
    response = _start(client, "burst-2")
    assert response.status_code == 429
    assert "You can start 2 communities an hour" in response.content.decode()
    assert Community.objects.filter(created_by=outsider).count() == 2


def test_daily_limit_counts_the_last_24_hours(client, outsider):
    client.force_login(outsider)
    for n in range(3):
        community_factory(owner=outsider, slug=f"earlier-{n}")
        _age(f"earlier-{n}", hours=3)
    response = _start(client, "one-more")
    assert response.status_code == 429
    assert "You can start 3 communities a day" in response.content.decode()
    _age("earlier-0", hours=25)
    assert _start(client, "one-more").status_code == 302


def test_address_limit_covers_several_accounts(client, db, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "community_create": "1/d/ip"}
    client.force_login(user_factory(username="first"))
    assert _start(client, "from-first").status_code == 302
    client.force_login(user_factory(username="second"))
    response = _start(client, "from-second")
    assert response.status_code == 429
    assert "from your network" in response.content.decode()
    assert _start(client, "from-second", address="203.0.113.20").status_code == 302


def test_invalid_submissions_do_not_use_the_allowance(client, outsider):
    client.force_login(outsider)
    for _ in range(3):
        assert _start(client, "Not A Slug").status_code == 200
    assert _start(client, "valid-one").status_code == 302


def test_platform_staff_are_exempt(client, db):
    client.force_login(user_factory(username="operator", is_staff=True))
    assert [_start(client, f"staff-{n}").status_code for n in range(4)] == [302] * 4


def test_cli_is_not_limited(db):
    user_factory(username="founder")
    for n in range(4):
        call_command(
            "community", "create", "--name", f"C{n}", "--slug", f"cli-{n}",
            "--owner", "founder", "--rules", "Be kind",
        )  # fmt: skip
    assert Community.objects.count() == 4
