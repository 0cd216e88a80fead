"""The welcome direct message: sent once per membership when a member becomes active,
through the event log consumer (real commits, immediate task backend)."""

import pytest

from hearth.communities import services as community_services
from hearth.communities.models import JoinPolicy, Membership, Role
from hearth.conversations.models import Conversation, Message, Participant
from hearth.onboarding import services, tasks
from hearth.onboarding.models import WelcomeDelivery
from hearth.testing.factories import actor_for, community_factory, user_factory

pytestmark = pytest.mark.django_db(transaction=True)


def _join(community, user):
    return community_services.membership_join(
        actor=actor_for(user, community), community=community, accept_rules=True
    )


def _welcomes_to(user):
    return Message.objects.filter(
        conversation__in=Participant.objects.filter(user=user).values("conversation_id")
    )


def test_joining_sends_the_welcome_once(community, welcome, owner):
    newbie = user_factory(username="nora")
    membership = _join(community, newbie)
    messages = list(_welcomes_to(newbie))
    assert len(messages) == 1
    assert messages[0].author == owner
    assert "welcome" in messages[0].body
    assert Conversation.objects.get().subject == "Welcome to Garden Club"
    delivery = WelcomeDelivery.objects.get()
    assert delivery.membership == membership and delivery.sender == owner

    # A replayed join event (a retried task) sends nothing more.
    tasks.send_welcome_message.enqueue(membership_id=membership.pk)
    assert services.welcome_send(membership_id=membership.pk) is None
    assert _welcomes_to(newbie).count() == 1


def test_leaving_and_rejoining_does_not_welcome_twice(community, welcome):
    newbie = user_factory(username="nora")
    _join(community, newbie)
    community_services.membership_leave(actor=actor_for(newbie, community))
    _join(community, newbie)
    assert _welcomes_to(newbie).count() == 1


def test_an_approved_request_gets_the_welcome(owner):
    club = community_factory(owner=owner, slug="club", join_policy=JoinPolicy.APPROVAL)
    staff = actor_for(owner, club)
    services.welcome_message_save(
        actor=staff, body="Welcome in!", show_on_first_visit=False, send_as_message=True,
        sender=owner,
    )  # fmt: skip
    applicant = user_factory(username="ann")
    pending = _join(club, applicant)
    assert _welcomes_to(applicant).count() == 0  # a request is not a join
    community_services.join_request_approve(actor=actor_for(owner, club), membership=pending)
    assert _welcomes_to(applicant).count() == 1


def test_no_message_when_the_welcome_is_not_sent_as_a_message(community, owner_actor):
    services.welcome_message_save(
        actor=owner_actor, body="Hi", show_on_first_visit=True, send_as_message=False
    )
    newbie = user_factory(username="nora")
    _join(community, newbie)
    assert not Message.objects.exists()
    assert not WelcomeDelivery.objects.exists()


def test_no_message_from_a_sender_who_is_no_longer_staff(community, admin, owner_actor):
    services.welcome_message_save(
        actor=owner_actor, body="Hi", show_on_first_visit=False, send_as_message=True,
        sender=admin,
    )  # fmt: skip
    Membership.objects.filter(user=admin).update(role=Role.MEMBER)
    newbie = user_factory(username="nora")
    _join(community, newbie)
    assert not Message.objects.exists()


def test_creating_a_community_sends_nothing(owner):
    community_factory(owner=owner, slug="fresh")
    assert not Message.objects.exists()


def test_a_join_long_ago_gets_no_message(community, welcome, newcomer):
    from datetime import timedelta

    from django.utils import timezone

    membership = Membership.objects.get(user=newcomer)
    Membership.objects.filter(pk=membership.pk).update(joined_at=timezone.now() - timedelta(days=3))
    assert services.welcome_send(membership_id=membership.pk) is None
    assert not Message.objects.exists()


def test_checklist_checks_are_only_enqueued_where_they_can_matter(
    community, newcomer, member, owner_actor, monkeypatch
):
    from hearth.core.models import InteractionEvent
    from hearth.onboarding.models import ChecklistCompletion

    enqueued = []
    monkeypatch.setattr(
        tasks,
        "record_checklist_completion",
        type("FakeTask", (), {"enqueue": staticmethod(lambda **kw: enqueued.append(kw))}),
    )

    def post_events():
        return [
            InteractionEvent(community=community, actor=user, verb=verb)
            for user in (newcomer, member)
            for verb in ("topic.create", "post.reply", "post.react")
        ]

    tasks.enqueue_onboarding_work(post_events())
    assert enqueued == []  # no checklist here
    services.checklist_item_add(actor=owner_actor, kind="reply")
    ChecklistCompletion.objects.create(community=community, user=member)
    tasks.enqueue_onboarding_work(post_events())
    assert enqueued == [{"community_id": community.pk, "user_id": newcomer.pk}]
