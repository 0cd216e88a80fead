"""A ban with an end: refused with an end in the past, in force until its end, then over by
itself, the member back where they stood; a ban without an end stays."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from hearth.communities import policy, services
from hearth.communities.models import Community, Membership, MembershipStatus, Role, StaffAction
from hearth.core.models import InteractionEvent
from hearth.discussions import services as discussion_services
from hearth.moderation import selectors as moderation_selectors
from hearth.moderation import services as moderation_services
from hearth.moderation.models import SanctionKind
from hearth.testing.factories import actor_for


def _membership(community, user):
    return Membership.objects.get(community=community, user=user)


def _ban(community, by, user, *, days=None, **extra):
    until = timezone.now() + timedelta(days=days) if days is not None else None
    return services.membership_ban(
        actor=actor_for(by, community),
        membership=_membership(community, user),
        reason="Rule 1",
        until=until,
        **extra,
    )


def _later(days):
    return time_machine.travel(timezone.now() + timedelta(days=days), tick=False)


def test_a_ban_ending_in_the_past_is_refused(community, moderator, member):
    with pytest.raises(ValidationError) as exc:
        _ban(community, moderator, member, days=-1)
    assert "banned_until" in exc.value.message_dict
    membership = _membership(community, member)
    assert membership.status == MembershipStatus.ACTIVE and membership.banned_until is None
    assert not StaffAction.objects.filter(action="member.ban").exists()


def test_a_ban_sanction_ending_in_the_past_is_refused(community, owner, member):
    with pytest.raises(ValidationError) as exc:
        moderation_services.sanction_create(
            actor=actor_for(owner, community),
            membership=_membership(community, member),
            kind=SanctionKind.BAN,
            reason="Rule 1",
            ends_at=timezone.now() - timedelta(minutes=1),
        )
    assert "ends_at" in exc.value.message_dict
    assert _membership(community, member).status == MembershipStatus.ACTIVE


def test_a_timed_ban_holds_until_its_end(community, moderator, member, topic):
    _ban(community, moderator, member, days=3)
    actor = actor_for(member, community)
    assert actor.is_banned and not actor.is_member
    assert policy.participate_denial(actor) == "You were removed from this community."
    assert policy.join_denial(actor, community) is not None
    log = StaffAction.objects.get(action="member.ban")
    assert log.details["until"]
    with _later(2):
        assert actor_for(member, community).is_banned


def test_a_timed_ban_ends_by_itself_and_the_member_stands_where_they_stood(
    client, community, owner, moderator, topic
):
    count = Community.objects.get(pk=community.pk).member_count
    _ban(community, owner, moderator, days=3)
    assert Community.objects.get(pk=community.pk).member_count == count - 1
    with _later(3.01):
        # Policy treats the ban as over the moment its end passes …
        actor = actor_for(moderator, community)
        assert not actor.is_banned
        assert policy.unban_denial(actor_for(owner, community), actor.membership) is not None
        # … and the member's next request puts their status and role back.
        client.force_login(moderator)
        assert client.get(reverse("communities:home", args=[community.slug])).status_code == 200
        membership = _membership(community, moderator)
        assert membership.status == MembershipStatus.ACTIVE and membership.role == Role.MODERATOR
        assert membership.banned_until is None and membership.ban_reason == ""
        assert Community.objects.get(pk=community.pk).member_count == count
        assert InteractionEvent.objects.filter(
            verb="member.ban_ended", target_user=moderator
        ).exists()
        reply = discussion_services.post_reply(
            actor=actor_for(moderator, community), topic=topic, body="Back again."
        )
        assert reply.pk


def test_the_members_page_ends_bans_whose_end_passed(client, community, owner, member):
    _ban(community, owner, member, days=1)
    with _later(2):
        client.force_login(owner)
        page = client.get(reverse("communities:manage-members", args=[community.slug]))
        assert page.status_code == 200
        assert _membership(community, member).status == MembershipStatus.ACTIVE


def test_a_ban_without_an_end_stays(community, owner, member):
    _ban(community, owner, member)
    with _later(3650):
        actor = actor_for(member, community)
        assert actor.is_banned and not actor.is_member
        assert services.membership_end_ban(actor.membership).status == MembershipStatus.BANNED


def test_a_timed_ban_sanction_is_current_until_its_end(community, owner, member):
    ban = moderation_services.sanction_create(
        actor=actor_for(owner, community),
        membership=_membership(community, member),
        kind=SanctionKind.BAN,
        reason="Rule 1",
        ends_at=timezone.now() + timedelta(days=7),
    )
    ban.membership.refresh_from_db()
    assert ban.is_current and ban.ends_at is not None
    assert list(moderation_selectors.current_sanctions(community)) == [ban]
    with _later(8):
        ban.membership.refresh_from_db()
        assert not ban.is_current
        assert not moderation_selectors.current_sanctions(community).exists()
        assert services.membership_end_ban(ban.membership).status == MembershipStatus.ACTIVE


def test_the_ban_form_refuses_an_end_in_the_past(client, community, owner, member):
    client.force_login(owner)
    membership = _membership(community, member)
    page = client.post(
        reverse("communities:member-ban", args=[community.slug, membership.pk]),
        {"reason": "Rule 1", "banned_until": "2001-01-01T10:00"},
    )
    assert page.status_code == 200
    assert "Choose an end in the future" in page.content.decode()
    assert _membership(community, member).status == MembershipStatus.ACTIVE
