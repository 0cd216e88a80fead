"""The bell's kept count: no query while it holds, and never a count the member could not
see now (each change of what they may see retires it)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hearth.discussions import services as discussions
from hearth.discussions.models import ReadAccess
from hearth.groups import services as groups
from hearth.groups.models import GroupSettings, JoinPolicy, Visibility
from hearth.notifications import bell, fanout, policy, selectors, services
from hearth.notifications.models import Notification
from hearth.testing.factories import (
    actor_for,
    community_factory,
    membership_factory,
    user_factory,
)


def _reply(community, author, topic):
    post = discussions.post_reply(actor=actor_for(author, community), topic=topic, body="Hi")
    fanout.process(community)
    return post


def _exact(user) -> int:
    return policy.visible_notifications(user, unread_only=True).count()


def test_a_kept_count_costs_no_query_and_a_new_notification_retires_it(
    community, member, admin, topic
):
    _reply(community, admin, topic)
    assert bell.unread_count(member) == 1
    with CaptureQueriesContext(connection) as kept:
        assert bell.unread_count(member) == 1
    assert len(kept) == 0
    _reply(community, admin, topic)
    other = discussions.topic_create(
        actor=actor_for(member, community), category=topic.category, title="Mine", body="Body"
    )
    _reply(community, admin, other)
    assert bell.unread_count(member) == _exact(member) > 1


def test_marking_read_one_or_all_retires_it(client, community, member, admin, topic):
    _reply(community, admin, topic)
    notification = Notification.objects.get(recipient=member)
    assert selectors.unread_count(member) == 1
    services.notification_mark_read(user=member, notification=notification)
    assert selectors.unread_count(member) == 0
    Notification.objects.filter(pk=notification.pk).update(read_at=None)
    bell.bump(member.pk)
    assert selectors.unread_count(member) == 1
    client.force_login(member)
    client.post(reverse("notifications:read-all"))
    assert selectors.unread_count(member) == 0
    assert 'data-unread-count="0"' in client.get(f"/c/{community.slug}/").content.decode()


def test_a_category_closed_to_members_retires_it(community, member, admin, topic):
    _reply(community, admin, topic)
    assert selectors.unread_count(member) == 1
    category = topic.category
    category.read_access = ReadAccess.STAFF
    category.save()
    assert selectors.unread_count(member) == _exact(member) == 0


def test_leaving_the_group_that_owns_the_topic_retires_it(community, member, admin):
    GroupSettings.objects.create(community=community, create_trust_level=0)
    group = groups.group_create(
        actor=actor_for(admin, community), name="Beta", visibility=Visibility.PRIVATE,
        join_policy=JoinPolicy.OPEN,
    )  # fmt: skip
    groups.group_join(actor=actor_for(member, community), group=group)
    topic = discussions.topic_create(
        actor=actor_for(member, community), category=group.categories.get(), title="Plans",
        body="Body",
    )  # fmt: skip
    _reply(community, admin, topic)
    assert selectors.unread_count(member) == 1
    groups.group_leave(actor=actor_for(member, community), group=group)
    assert selectors.unread_count(member) == _exact(member) == 0


def test_a_new_membership_and_a_deactivated_account_retire_it(community, member, admin, topic):
    other = community_factory(slug="second")
    _reply(community, admin, topic)
    assert selectors.unread_count(member) == 1
    membership_factory(other, user=member)
    assert selectors.unread_count(member) == 1
    member.is_active = False
    member.save()
    assert selectors.unread_count(member) == _exact(member) == 0


def test_each_member_has_their_own_count(community, member, admin, topic):
    _reply(community, admin, topic)
    outsider = user_factory(username="outsider")
    assert selectors.unread_count(member) == 1
    assert selectors.unread_count(outsider) == 0
    assert selectors.unread_count(admin) == 0
