import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hearth.core.events import record_event
from hearth.core.models import InteractionEvent
from hearth.discussions import services as discussion_services
from hearth.discussions.models import Category
from hearth.onboarding import selectors, services
from hearth.onboarding.models import (
    ChecklistCompletion,
    ChecklistItem,
    WelcomeDismissal,
    WelcomeMessage,
    Welcomer,
)
from hearth.testing.factories import actor_for, community_factory

# Welcome message ------------------------------------------------------------------------


def test_owner_saves_a_sanitised_welcome(owner_actor, owner):
    message = services.welcome_message_save(
        actor=owner_actor,
        body="Hi **there** <script>alert(1)</script> [x](javascript:alert(1))",
        show_on_first_visit=True,
        send_as_message=True,
        sender=owner,
    )
    assert "<strong>there</strong>" in message.html
    assert "<script" not in message.html
    assert 'href="javascript' not in message.html
    assert message.sender == owner


def test_saving_again_updates_the_one_welcome(owner_actor, welcome):
    services.welcome_message_save(
        actor=owner_actor, body="Second draft", show_on_first_visit=False, send_as_message=False
    )
    message = WelcomeMessage.objects.get()
    assert message.body == "Second draft"
    assert message.sender is None


@pytest.mark.parametrize("body", ["", "   \n ", "\u200b"])
def test_empty_welcome_is_refused(owner_actor, body):
    with pytest.raises(ValidationError) as exc:
        services.welcome_message_save(
            actor=owner_actor, body=body, show_on_first_visit=True, send_as_message=False
        )
    assert "body" in exc.value.message_dict
    assert not WelcomeMessage.objects.exists()


def test_oversized_welcome_is_refused(owner_actor):
    with pytest.raises(ValidationError) as exc:
        services.welcome_message_save(
            actor=owner_actor,
            body="x" * (services.MAX_WELCOME_CHARS + 1),
            show_on_first_visit=True,
            send_as_message=False,
        )
    assert "5,000" in exc.value.message_dict["body"][0]


def test_direct_message_needs_a_sender(owner_actor):
    with pytest.raises(ValidationError) as exc:
        services.welcome_message_save(
            actor=owner_actor, body="Hi", show_on_first_visit=False, send_as_message=True
        )
    assert "sender" in exc.value.message_dict


@pytest.mark.parametrize("who", ["member", "banned", "outsider"])
def test_sender_must_be_staff_of_this_community(owner_actor, personas, who):
    with pytest.raises(ValidationError) as exc:
        services.welcome_message_save(
            actor=owner_actor,
            body="Hi",
            show_on_first_visit=False,
            send_as_message=True,
            sender=personas[who],
        )
    assert "sender" in exc.value.message_dict


def test_staff_of_another_community_cannot_send(owner_actor):
    elsewhere = community_factory()
    with pytest.raises(ValidationError):
        services.welcome_message_save(
            actor=owner_actor,
            body="Hi",
            show_on_first_visit=False,
            send_as_message=True,
            sender=elsewhere.created_by,
        )


@pytest.mark.parametrize("persona", ["moderator", "member", "newcomer", "outsider", "anonymous"])
def test_only_owners_and_admins_write_the_welcome(actor_of, persona):
    with pytest.raises(PermissionDenied):
        services.welcome_message_save(
            actor=actor_of(persona), body="Hi", show_on_first_visit=True, send_as_message=False
        )


def test_admin_writes_the_welcome(actor_of, moderator):
    message = services.welcome_message_save(
        actor=actor_of("admin"),
        body="Hi",
        show_on_first_visit=True,
        send_as_message=True,
        sender=moderator,
    )
    assert message.sender == moderator


def test_dismissing_twice_keeps_one_record(actor_of):
    services.welcome_dismiss(actor=actor_of("newcomer"))
    services.welcome_dismiss(actor=actor_of("newcomer"))
    assert WelcomeDismissal.objects.count() == 1


@pytest.mark.parametrize("persona", ["outsider", "anonymous", "banned"])
def test_non_members_cannot_dismiss(actor_of, persona):
    with pytest.raises(PermissionDenied):
        services.welcome_dismiss(actor=actor_of(persona))


# Checklist -------------------------------------------------------------------------------


def test_checklist_steps_get_labels_positions_and_targets(checklist, introductions, guide):
    profile, introduce, read, reply = checklist
    assert [i.position for i in checklist] == [0, 1, 2, 3]
    assert profile.title == "Complete your profile"
    assert introduce.category == introductions
    assert read.topic == guide
    assert read.title == "Read “Start here: how we work”"
    assert reply.title == "Reply to someone"


def test_a_custom_label_is_kept(owner_actor):
    item = services.checklist_item_add(actor=owner_actor, kind="reply", title="  Say  thanks ")
    assert item.title == "Say thanks"


def test_oversized_label_is_refused(owner_actor):
    with pytest.raises(ValidationError) as exc:
        services.checklist_item_add(actor=owner_actor, kind="reply", title="x" * 121)
    assert "title" in exc.value.message_dict


def test_unknown_kind_is_refused(owner_actor):
    with pytest.raises(ValidationError) as exc:
        services.checklist_item_add(actor=owner_actor, kind="bake_a_cake")
    assert "kind" in exc.value.message_dict


def test_a_step_kind_appears_once(owner_actor):
    services.checklist_item_add(actor=owner_actor, kind="profile")
    with pytest.raises(ValidationError):
        services.checklist_item_add(actor=owner_actor, kind="profile")
    assert ChecklistItem.objects.count() == 1


def test_the_same_guide_appears_once(owner_actor, guide):
    services.checklist_item_add(actor=owner_actor, kind="read_guide", topic=guide)
    with pytest.raises(ValidationError):
        services.checklist_item_add(actor=owner_actor, kind="read_guide", topic=guide)


def test_guide_step_needs_a_topic(owner_actor):
    with pytest.raises(ValidationError) as exc:
        services.checklist_item_add(actor=owner_actor, kind="read_guide")
    assert "topic" in exc.value.message_dict


def test_guide_from_another_community_is_refused(owner_actor):
    elsewhere = community_factory()
    other_owner = actor_for(elsewhere.created_by, elsewhere)
    foreign = discussion_services.topic_create(
        actor=other_owner,
        category=Category.objects.get(community=elsewhere, slug="general"),
        title="Their guide",
        body="Not yours.",
    )
    with pytest.raises(ValidationError) as exc:
        services.checklist_item_add(actor=owner_actor, kind="read_guide", topic=foreign)
    assert "topic" in exc.value.message_dict
    assert not ChecklistItem.objects.exists()


def test_guide_in_a_hidden_category_is_refused(owner_actor, staff_room):
    hidden = discussion_services.topic_create(
        actor=owner_actor, category=staff_room, title="Moderation notes", body="Staff only."
    )
    with pytest.raises(ValidationError):
        services.checklist_item_add(actor=owner_actor, kind="read_guide", topic=hidden)


def test_deleted_guide_is_refused(owner_actor, guide):
    first = guide.posts.get(number=1)
    discussion_services.post_delete(actor=owner_actor, post=first)
    guide.refresh_from_db()
    with pytest.raises(ValidationError):
        services.checklist_item_add(actor=owner_actor, kind="read_guide", topic=guide)


def test_introduce_needs_the_introductions_category(owner_actor, introductions):
    discussion_services.category_update(actor=owner_actor, category=introductions, slug="hello")
    with pytest.raises(ValidationError) as exc:
        services.checklist_item_add(actor=owner_actor, kind="introduce")
    assert "introductions" in exc.value.message_dict["kind"][0]


def test_checklist_length_is_capped(owner_actor, community, general):
    for i in range(services.MAX_CHECKLIST_ITEMS):
        topic = discussion_services.topic_create(
            actor=owner_actor, category=general, title=f"Guide {i}", body="x"
        )
        services.checklist_item_add(actor=owner_actor, kind="read_guide", topic=topic)
    with pytest.raises(ValidationError):
        services.checklist_item_add(actor=owner_actor, kind="profile")


@pytest.mark.parametrize("persona", ["moderator", "member", "outsider", "anonymous"])
def test_only_owners_and_admins_edit_the_checklist(actor_of, persona):
    with pytest.raises(PermissionDenied):
        services.checklist_item_add(actor=actor_of(persona), kind="profile")


def test_suggested_steps_are_added_once(owner_actor):
    added = services.checklist_add_suggested(actor=owner_actor)
    assert [i.kind for i in added] == ["profile", "introduce", "reply"]
    assert services.checklist_add_suggested(actor=owner_actor) == []
    assert ChecklistItem.objects.count() == 3


def test_move_and_remove_steps(owner_actor, checklist):
    profile, introduce, read, reply = checklist
    services.checklist_item_move(actor=owner_actor, item=reply, offset=-1)
    assert [i.kind for i in selectors.checklist_items(owner_actor.community)] == [
        "profile", "introduce", "reply", "read_guide",
    ]  # fmt: skip
    services.checklist_item_remove(actor=owner_actor, item=profile)
    assert ChecklistItem.objects.count() == 3


def test_a_step_of_another_community_cannot_be_removed(owner_actor):
    elsewhere = community_factory()
    foreign = services.checklist_item_add(
        actor=actor_for(elsewhere.created_by, elsewhere), kind="profile"
    )
    with pytest.raises(ValidationError):
        services.checklist_item_remove(actor=owner_actor, item=foreign)
    assert ChecklistItem.objects.filter(pk=foreign.pk).exists()


# Checklist progress and completion ------------------------------------------------------


def _done(community, user):
    return [step.done for step in selectors.checklist_progress(community, user).items]


def test_each_step_is_read_from_real_data(
    community, newcomer, member, checklist, introductions, general, guide, actor_of
):
    nico = actor_of("newcomer")
    assert _done(community, newcomer) == [False, False, False, False]

    record_event(community=community, actor=newcomer, verb="profile.update")
    discussion_services.topic_create(
        actor=nico, category=introductions, title="Hi, I'm Nico", body="I grow tomatoes."
    )
    discussion_services.topic_mark_read(actor=nico, topic=guide, number=1)
    assert _done(community, newcomer) == [True, True, True, False]

    mels = discussion_services.topic_create(
        actor=actor_of("member"), category=general, title="Compost?", body="Tips please."
    )
    discussion_services.post_reply(actor=nico, topic=mels, body="Layers of brown and green.")
    assert _done(community, newcomer) == [True, True, True, True]
    # Another member's progress is their own.
    assert _done(community, member) == [False, False, False, False]


def test_a_topic_outside_introductions_does_not_count(community, newcomer, checklist, general):
    nico = actor_for(newcomer, community)
    discussion_services.topic_create(actor=nico, category=general, title="Hello", body="Hi all")
    assert _done(community, newcomer)[1] is False


def test_replying_to_yourself_does_not_count(community, newcomer, checklist, general):
    nico = actor_for(newcomer, community)
    mine = discussion_services.topic_create(actor=nico, category=general, title="Mine", body="x")
    discussion_services.post_reply(actor=nico, topic=mine, body="Bumping my own topic.")
    assert _done(community, newcomer)[3] is False


def test_events_in_another_community_do_not_count(community, newcomer, checklist):
    elsewhere = community_factory()
    record_event(community=elsewhere, actor=newcomer, verb="profile.update")
    assert _done(community, newcomer)[0] is False


def test_progress_is_one_query(community, newcomer, checklist, django_assert_num_queries):
    items = selectors.checklist_items(community)
    with django_assert_num_queries(1):
        selectors.checklist_progress(community, newcomer, items)


def _complete_everything(community, newcomer, member, introductions, general, guide):
    nico = actor_for(newcomer, community)
    record_event(community=community, actor=newcomer, verb="profile.update")
    discussion_services.topic_create(
        actor=nico, category=introductions, title="Hi", body="Hello there"
    )
    discussion_services.topic_mark_read(actor=nico, topic=guide, number=1)
    theirs = discussion_services.topic_create(
        actor=actor_for(member, community), category=general, title="Q", body="?"
    )
    discussion_services.post_reply(actor=nico, topic=theirs, body="Answer")


def test_completion_is_recorded_once_with_one_event(
    community, newcomer, member, checklist, introductions, general, guide
):
    assert services.checklist_record_completion(community=community, user=newcomer) is None
    _complete_everything(community, newcomer, member, introductions, general, guide)
    first = services.checklist_record_completion(community=community, user=newcomer)
    again = services.checklist_record_completion(community=community, user=newcomer)
    assert first is not None and again == first
    assert ChecklistCompletion.objects.count() == 1
    events = InteractionEvent.objects.filter(verb="onboarding.complete")
    assert [(e.actor_id, e.target_user_id, e.data) for e in events] == [
        (None, newcomer.pk, {"steps": 4})
    ]


@pytest.mark.django_db(transaction=True)
def test_the_events_complete_the_checklist_after_commit(
    community, newcomer, member, checklist, introductions, general, guide
):
    """Real commits: the event consumer enqueues the completion check (immediate backend)."""
    _complete_everything(community, newcomer, member, introductions, general, guide)
    assert ChecklistCompletion.objects.filter(user=newcomer).count() == 1
    assert not ChecklistCompletion.objects.filter(user=member).exists()


def test_no_checklist_means_nothing_to_complete(community, newcomer):
    assert services.checklist_record_completion(community=community, user=newcomer) is None


# Welcomers -------------------------------------------------------------------------------


def test_opting_in_twice_keeps_one_welcomer(actor_of, community):
    services.welcomer_opt_in(actor=actor_of("member"))
    services.welcomer_opt_in(actor=actor_of("member"))
    assert Welcomer.objects.count() == 1
    assert InteractionEvent.objects.filter(verb="welcomer.opt_in").count() == 1
    services.welcomer_opt_out(actor=actor_of("member"))
    services.welcomer_opt_out(actor=actor_of("member"))
    assert not Welcomer.objects.exists()


@pytest.mark.parametrize("persona", ["outsider", "anonymous", "banned"])
def test_non_members_cannot_become_welcomers(actor_of, persona):
    with pytest.raises(PermissionDenied):
        services.welcomer_opt_in(actor=actor_of(persona))


def test_welcome_reply_needs_the_queue_and_a_first_post(actor_of, general):
    topic = discussion_services.topic_create(
        actor=actor_of("newcomer"), category=general, title="Hi", body="First!"
    )
    first = topic.posts.get()
    with pytest.raises(PermissionDenied):
        services.welcome_reply(actor=actor_of("member"), post=first, body="Welcome!")
    services.welcomer_opt_in(actor=actor_of("member"))
    reply = services.welcome_reply(actor=actor_of("member"), post=first, body="Welcome!")
    assert reply.reply_to == first
    second = discussion_services.post_reply(actor=actor_of("newcomer"), topic=topic, body="Thanks!")
    with pytest.raises(ValidationError):
        services.welcome_reply(actor=actor_of("member"), post=second, body="Not a first post")
