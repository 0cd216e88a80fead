"""From events to notifications: who hears about what, denials first, and idempotency."""

import pytest

from hearth.communities.models import MembershipStatus
from hearth.conversations.models import Block
from hearth.discussions import services as discussions
from hearth.discussions.models import Category, ReadAccess, Watch, WatchLevel
from hearth.notifications import fanout, selectors
from hearth.notifications.models import Kind, Notification, NotificationState
from hearth.testing.factories import actor_for, membership_factory, user_factory


@pytest.fixture
def ana(community):
    return membership_factory(community, user=user_factory(username="ana"), trust_level=1).user


def reply(community, user, topic, body="A reply", **kw):
    return discussions.post_reply(actor=actor_for(user, community), topic=topic, body=body, **kw)


def run(community):
    return fanout.process(community)


def kinds_for(user):
    return sorted(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_no_notification_about_a_topic_moved_to_a_private_category(community, member, ana, topic):
    staff_only = Category.objects.create(
        community=community, name="Staff", slug="staff", read_access=ReadAccess.STAFF
    )
    reply(community, ana, topic)
    topic.category = staff_only
    topic.save()
    run(community)
    assert kinds_for(member) == []


def test_a_readable_notification_disappears_when_its_topic_becomes_private(
    community, member, ana, topic
):
    reply(community, ana, topic)
    run(community)
    assert selectors.unread_count(member) == 1
    topic.category = Category.objects.create(
        community=community, name="Admins", slug="admins", read_access=ReadAccess.ADMINS
    )
    topic.save()
    assert selectors.unread_count(member) == 0
    assert list(selectors.notification_list(member)) == []


def test_deleted_post_and_banned_recipient_and_blocked_actor_are_not_shown(
    community, member, ana, topic
):
    post = reply(community, ana, topic)
    run(community)
    assert selectors.unread_count(member) == 1
    post.deleted_at = post.created_at
    post.save()
    assert selectors.unread_count(member) == 0
    post.deleted_at = None
    post.save()
    Block.objects.create(community=community, blocker=member, blocked=ana)
    assert selectors.unread_count(member) == 0
    Block.objects.all().delete()
    membership = member.memberships.get(community=community)
    membership.status = MembershipStatus.BANNED
    membership.save()
    assert selectors.unread_count(member) == 0


def test_left_member_is_not_notified(community, member, ana, topic):
    membership = member.memberships.get(community=community)
    membership.status = MembershipStatus.LEFT
    membership.save()
    reply(community, ana, topic)
    run(community)
    assert kinds_for(member) == []


def test_blocked_actor_is_not_notified_about(community, member, ana, topic):
    Block.objects.create(community=community, blocker=member, blocked=ana)
    reply(community, ana, topic)
    run(community)
    assert kinds_for(member) == []


def test_reply_mention_quote_and_idempotent_replay(community, member, ana, newcomer, topic):
    first = reply(community, ana, topic, body="Hello @nico")
    reply(community, newcomer, topic, body="> @ana wrote:\n> Hello\n\nYes", reply_to=first)
    run(community)
    # The member's topic is their first post, and they watch the topic they started.
    assert kinds_for(member) == [Kind.FIRST_POST_REPLY, Kind.WATCHED]
    assert kinds_for(newcomer) == [Kind.MENTION]
    assert kinds_for(ana) == [Kind.QUOTE]
    count = Notification.objects.count()
    NotificationState.objects.update(last_event_id=0)  # a worker died before moving the cursor
    run(community)
    assert Notification.objects.count() == count


def test_watching_a_topic_notifies_every_reply_and_muted_suppresses(
    community, member, ana, newcomer, topic
):
    Watch.objects.create(community=community, user=newcomer, topic=topic, level="watching")
    Watch.objects.update_or_create(
        user=member, topic=topic, defaults={"community": community, "level": WatchLevel.MUTED}
    )
    reply(community, ana, topic)
    run(community)
    assert kinds_for(newcomer) == [Kind.WATCHED]
    assert kinds_for(member) == []


def test_category_watch_notifies_new_topics_and_replies(community, member, ana, newcomer, general):
    Watch.objects.create(community=community, user=newcomer, category=general, level="watching")
    topic = discussions.topic_create(
        actor=actor_for(ana, community), category=general, title="New one", body="Body"
    )
    reply(community, member, topic)
    run(community)
    assert kinds_for(newcomer) == [Kind.WATCHED, Kind.WATCHED]


def test_reactions_are_grouped(community, member, ana, newcomer, topic):
    post = topic.posts.get(number=1)
    for user in (ana, newcomer):
        discussions.reaction_toggle(actor=actor_for(user, community), post=post, kind="heart")
    run(community)
    (notification,) = Notification.objects.filter(recipient=member, kind=Kind.REACTION)
    assert notification.others_count == 1
    assert notification.actor == newcomer


def test_first_post_reply_reaches_the_newcomer(community, newcomer, ana, general):
    topic = discussions.topic_create(
        actor=actor_for(newcomer, community), category=general, title="Hi all", body="I'm new"
    )
    reply(community, ana, topic, body="Welcome!")
    run(community)
    assert kinds_for(newcomer) == [Kind.FIRST_POST_REPLY]


def test_off_preference_makes_nothing(community, member, ana, topic):
    from hearth.notifications.models import Preference

    Preference.objects.create(
        community=community, user=member, kind=Kind.FIRST_POST_REPLY, channel="off"
    )
    reply(community, ana, topic)
    run(community)
    assert kinds_for(member) == []


def test_join_decline_tells_the_member(community, owner):
    from hearth.communities import services as communities

    pending = membership_factory(community, status=MembershipStatus.PENDING)
    communities.join_request_decline(actor=actor_for(owner, community), membership=pending)
    run(community)
    (notification,) = Notification.objects.filter(recipient=pending.user)
    assert notification.kind == Kind.JOIN_DECISION
    assert notification.data == {"approved": False}
    assert selectors.unread_count(pending.user) == 1


def test_idea_status_change_tells_author_and_voters(community, owner, member, ana):
    from hearth.discussions.models import CategoryKind
    from hearth.ideas import services as ideas

    board = Category.objects.create(
        community=community, name="Ideas", slug="ideas", kind=CategoryKind.IDEAS
    )
    topic = discussions.topic_create(
        actor=actor_for(member, community), category=board, title="Dark mode", body="Please"
    )
    ideas.idea_vote(actor=actor_for(ana, community), idea=topic.idea)
    ideas.idea_set_status(
        actor=actor_for(owner, community), idea=topic.idea, status="planned", response="Soon."
    )
    run(community)
    assert kinds_for(member) == [Kind.IDEA_STATUS]
    assert kinds_for(ana) == [Kind.IDEA_STATUS]
