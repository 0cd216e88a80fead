"""The community home's side panels are kept as HTML per audience (hearth.core.panel_cache):
cheaper on the next request, never stale after the writes that change who or what they
may show, and never one audience's panel in another's page."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hearth.communities import services as community_services
from hearth.discussions import services as discussion_services
from hearth.discussions.models import ReadAccess
from hearth.recognition import services as recognition_services
from hearth.testing.factories import actor_for


@pytest.fixture(autouse=True)
def _panel_cache_on(settings):
    settings.HEARTH_PANEL_CACHE = True


def _tokenless(body):
    return re.sub(r"\b[A-Za-z0-9]{64}\b", "", body)  # CSRF tokens differ per request


def home(client, community):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("communities:home", args=[community.slug]))
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_second_home_costs_fewer_queries_and_reads_the_same(
    client, community, member, newcomer, edit
):
    edit(member, interests=["Owls"])
    edit(newcomer, interests=["owls"])
    client.force_login(member)
    first, cold = home(client, community)
    second, warm = home(client, community)
    assert "Also into Owls" in first and "Newest members" in first
    assert warm <= cold - 8
    assert _tokenless(first) == _tokenless(second)


def test_hiding_from_the_directory_takes_effect_at_once(
    client, community, owner, member, newcomer, edit
):
    newcomer.display_name = "Nico Owlfan"
    newcomer.save()
    edit(member, interests=["Owls"])
    edit(newcomer, interests=["owls"])
    client.force_login(member)
    body, _ = home(client, community)
    assert body.count("Nico Owlfan") == 2  # members like you, newest members
    edit(newcomer, interests=["owls"], hide_from_directory=True)
    body, _ = home(client, community)
    assert "Nico Owlfan" not in body


def test_a_ban_takes_effect_at_once(client, community, owner, member, newcomer):
    newcomer.display_name = "Nico Banned"
    newcomer.save()
    client.force_login(member)
    assert "Nico Banned" in home(client, community)[0]
    community_services.membership_ban(
        actor=actor_for(owner, community),
        membership=newcomer.memberships.get(community=community),
        reason="Spam",
    )
    assert "Nico Banned" not in home(client, community)[0]


def test_spotlight_and_highlights_follow_writes(client, community, owner, member, general):
    client.force_login(member)
    assert "Member spotlight" not in home(client, community)[0]
    staff = actor_for(owner, community)
    recognition_services.spotlight_set(
        actor=staff, membership=member.memberships.get(community=community), text="Great helper"
    )
    topic = discussion_services.topic_create(
        actor=staff, category=general, title="Pruning roses in winter", body="How?"
    )
    recognition_services.feature_add(actor=staff, topic=topic)
    body, _ = home(client, community)
    assert "Great helper" in body and "Pruning roses in winter" in body
    # A category tightened after featuring drops out at once.
    general.read_access = ReadAccess.MEMBERS
    general.save()
    assert "Highlights from members" not in home(client, community)[0]


def test_audiences_do_not_share_panels(client, community, owner, member):
    client.force_login(owner)
    assert "Celebrate your members" in home(client, community)[0]
    client.force_login(member)
    body, _ = home(client, community)
    assert "Celebrate your members" not in body
    assert "Members like you" in body


def test_one_members_suggestions_are_not_anothers(client, community, member, newcomer, edit):
    member.display_name = "Mel Gardener"
    member.save()
    newcomer.display_name = "Nico Gardener"
    newcomer.save()
    edit(member, interests=["Owls"])
    edit(newcomer, interests=["owls"])
    client.force_login(member)
    assert "Nico Gardener" in home(client, community)[0].split("Members like you")[1]
    client.force_login(newcomer)
    like_you = home(client, community)[0].split("Members like you")[1].split("</section>")[0]
    assert "Mel Gardener" in like_you and "Nico Gardener" not in like_you
