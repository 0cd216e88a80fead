from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hearth.discussions import services as discussion_services
from hearth.discussions.models import Post
from hearth.onboarding import services
from hearth.onboarding.models import ChecklistItem, WelcomeDismissal, WelcomeMessage, Welcomer
from hearth.testing.factories import actor_for, membership_factory

HOME = "/c/garden/"
QUEUE = "/c/garden/welcome-queue/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def _first_post(community, user, category, title="Hello, I'm new"):
    topic = discussion_services.topic_create(
        actor=actor_for(user, community), category=category, title=title, body="Glad to be here."
    )
    return topic.posts.get()


# Community home panel -------------------------------------------------------------------


def test_newcomer_sees_the_welcome_and_checklist_on_home(client, newcomer, welcome, checklist):
    client.force_login(newcomer)
    html = client.get(HOME).content.decode()
    assert "Welcome to Garden Club" in html
    assert "Hello and <strong>welcome</strong>!" in html
    assert "Your first steps" in html and "0 of 4 done" in html
    assert "Introduce yourself" in html


def test_dismissed_card_is_gone_and_the_checklist_stays(client, newcomer, welcome, checklist):
    client.force_login(newcomer)
    response = client.post(reverse("onboarding:welcome-dismiss", args=["garden"]), **HTMX)
    assert response.status_code == 200 and response.content == b""
    html = client.get(HOME).content.decode()
    assert "Hello and <strong>welcome</strong>!" not in html
    assert "Your first steps" in html


def test_dismiss_without_javascript_redirects_home(client, newcomer, welcome):
    client.force_login(newcomer)
    response = client.post(reverse("onboarding:welcome-dismiss", args=["garden"]))
    assert response.status_code == 302 and response.url == HOME
    assert WelcomeDismissal.objects.filter(user=newcomer).exists()


@pytest.mark.parametrize("persona", ["owner", "moderator", "outsider"])
def test_staff_and_outsiders_get_no_newcomer_panel(client, personas, persona, welcome, checklist):
    client.force_login(personas[persona])
    assert "Your first steps" not in client.get(HOME).content.decode()


def test_anonymous_home_has_no_panel(client, welcome, checklist):
    assert "Your first steps" not in client.get(HOME).content.decode()


def test_long_time_members_get_no_panel(client, community, welcome, checklist):
    veteran = membership_factory(community, joined_at=timezone.now() - timedelta(days=400)).user
    client.force_login(veteran)
    assert "Your first steps" not in client.get(HOME).content.decode()


def test_not_shown_on_first_visit_means_no_card(client, newcomer, owner_actor):
    services.welcome_message_save(
        actor=owner_actor, body="Hidden hello", show_on_first_visit=False, send_as_message=False
    )
    client.force_login(newcomer)
    assert "Hidden hello" not in client.get(HOME).content.decode()


def test_finishing_the_checklist_is_celebrated_once(
    client, community, newcomer, guide, owner_actor
):
    services.checklist_item_add(actor=owner_actor, kind="read_guide", topic=guide)
    discussion_services.topic_mark_read(actor=actor_for(newcomer, community), topic=guide, number=1)
    client.force_login(newcomer)
    assert "You've done every first step" in client.get(HOME).content.decode()
    html = client.get(HOME).content.decode()
    assert "You've done every first step" not in html and "Your first steps" not in html


# Welcome page ---------------------------------------------------------------------------


def test_welcome_page_shows_progress_to_members(client, community, newcomer, welcome, checklist):
    discussion_services.topic_create(
        actor=actor_for(newcomer, community),
        category=checklist[1].category,
        title="Hi!",
        body="Nico here.",
    )
    client.force_login(newcomer)
    html = client.get(reverse("onboarding:welcome", args=["garden"])).content.decode()
    assert "1 of 4 done" in html
    assert "checklist__step--done" in html


def test_welcome_page_previews_for_visitors(client, welcome, checklist):
    html = client.get(reverse("onboarding:welcome", args=["garden"])).content.decode()
    assert "First steps for newcomers" in html
    assert "Join this community" in html
    assert "of 4 done" not in html


def test_empty_welcome_page_tells_staff_what_to_do(client, community, owner):
    client.force_login(owner)
    html = client.get(reverse("onboarding:welcome", args=["garden"])).content.decode()
    assert "No welcome message yet" in html and "No checklist yet" in html


# Welcome queue --------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["anonymous", "outsider", "banned"])
def test_queue_is_hidden_from_non_members(client, personas, persona):
    if personas[persona]:
        client.force_login(personas[persona])
    assert client.get(QUEUE).status_code == 404
    assert client.post(reverse("onboarding:welcomer-toggle", args=["garden"])).status_code == 404


def test_non_welcomer_sees_the_explanation_not_the_posts(
    client, community, member, newcomer, general
):
    _first_post(community, newcomer, general)
    client.force_login(member)
    html = client.get(QUEUE).content.decode()
    assert "Become a welcomer" in html
    assert "Hello, I&#x27;m new" not in html


def test_opting_in_shows_the_queue(client, community, member, newcomer, general):
    _first_post(community, newcomer, general)
    client.force_login(member)
    response = client.post(reverse("onboarding:welcomer-toggle", args=["garden"]))
    assert response.status_code == 302
    client.post(reverse("onboarding:welcomer-toggle", args=["garden"]))
    assert Welcomer.objects.filter(user=member).count() == 1
    html = client.get(QUEUE).content.decode()
    assert "Hello, I&#x27;m new" in html and "No reply yet" in html
    client.post(reverse("onboarding:welcomer-toggle", args=["garden"]), {"action": "leave"})
    assert not Welcomer.objects.filter(user=member).exists()


def test_staff_see_the_queue_without_opting_in(client, community, moderator, newcomer, general):
    _first_post(community, newcomer, general)
    client.force_login(moderator)
    assert "Hello, I&#x27;m new" in client.get(QUEUE).content.decode()


def test_queue_leaves_out_what_the_welcomer_cannot_read(
    client, community, member, owner_actor, staff_room, general
):
    """A first post in a staff-only category (here by a member later made staff-readable
    only) never reaches a member welcomer; old posts and the welcomer's own are left out."""
    services.welcomer_opt_in(actor=actor_for(member, community))
    hidden_author = membership_factory(community).user
    hidden = _first_post(community, hidden_author, general, title="Secret first post")
    discussion_services.topic_move(actor=owner_actor, topic=hidden.topic, category=staff_room)
    old = _first_post(community, membership_factory(community).user, general, title="Old news")
    Post.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=15))
    _first_post(community, member, general, title="Mel's own first post")
    client.force_login(member)
    html = client.get(QUEUE).content.decode()
    assert "Secret first post" not in html
    assert "Old news" not in html
    assert "Mel&#x27;s own first post" not in html
    # The hidden post cannot be replied to from the queue either.
    url = reverse("onboarding:welcome-reply", args=["garden", hidden.pk])
    assert client.post(url, {"body": "Hi"}).status_code == 404


def test_queue_query_count_is_flat(
    client, community, member, general, django_assert_max_num_queries
):
    services.welcomer_opt_in(actor=actor_for(member, community))
    client.force_login(member)
    _first_post(community, membership_factory(community).user, general)
    with django_assert_max_num_queries(30) as few:
        assert client.get(QUEUE).status_code == 200
    for i in range(6):
        _first_post(community, membership_factory(community).user, general, title=f"Hi {i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(QUEUE).status_code == 200


def test_one_click_reply_with_htmx(client, community, member, newcomer, general):
    first = _first_post(community, newcomer, general)
    services.welcomer_opt_in(actor=actor_for(member, community))
    client.force_login(member)
    html = client.get(QUEUE).content.decode()
    assert "Welcome, Nico! 👋 Great to have you here." in html
    url = reverse("onboarding:welcome-reply", args=["garden", first.pk])
    response = client.post(url, {"body": "Welcome, Nico!", "client_token": "t1"}, **HTMX)
    assert "Replied ✓" in response.content.decode()
    reply = Post.objects.get(author=member)
    assert reply.reply_to == first and reply.topic == first.topic
    # A double click posts once.
    client.post(url, {"body": "Welcome, Nico!", "client_token": "t1"}, **HTMX)
    assert Post.objects.filter(author=member).count() == 1
    html = client.get(QUEUE).content.decode()
    assert "Someone has replied" in html and "Replied ✓" in html


def test_reply_without_javascript_redirects_back(client, community, member, newcomer, general):
    first = _first_post(community, newcomer, general)
    services.welcomer_opt_in(actor=actor_for(member, community))
    client.force_login(member)
    url = reverse("onboarding:welcome-reply", args=["garden", first.pk])
    response = client.post(url, {"body": "Welcome!"})
    assert response.status_code == 302 and response.url == QUEUE
    assert Post.objects.filter(author=member, reply_to=first).exists()


def test_empty_reply_is_refused_with_a_message(client, community, member, newcomer, general):
    first = _first_post(community, newcomer, general)
    services.welcomer_opt_in(actor=actor_for(member, community))
    client.force_login(member)
    url = reverse("onboarding:welcome-reply", args=["garden", first.pk])
    response = client.post(url, {"body": "  "}, **HTMX)
    assert response.status_code == 200
    assert "Write something first." in response.content.decode()
    assert not Post.objects.filter(author=member).exists()


def test_non_welcomer_cannot_reply_from_the_queue(client, community, member, newcomer, general):
    first = _first_post(community, newcomer, general)
    client.force_login(member)
    url = reverse("onboarding:welcome-reply", args=["garden", first.pk])
    assert client.post(url, {"body": "Hi"}).status_code == 404


def test_only_first_posts_can_be_replied_from_the_queue(client, community, owner, topic, actor_of):
    second = discussion_services.post_reply(actor=actor_of("member"), topic=topic, body="more")
    client.force_login(owner)
    url = reverse("onboarding:welcome-reply", args=["garden", second.pk])
    assert client.post(url, {"body": "Hi"}).status_code == 404


# Staff pages ----------------------------------------------------------------------------


def test_owner_edits_the_welcome(client, community, owner):
    client.force_login(owner)
    url = reverse("onboarding:manage-welcome", args=["garden"])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"body": "Hi **all**", "show_on_first_visit": "on", "send_as_message": ""}
    )
    assert response.status_code == 302
    assert WelcomeMessage.objects.get().html == "<p>Hi <strong>all</strong></p>\n"


def test_welcome_form_shows_service_errors(client, owner, member):
    client.force_login(owner)
    url = reverse("onboarding:manage-welcome", args=["garden"])
    html = client.post(
        url, {"body": "x" * 6000, "send_as_message": "on", "sender": str(member.pk)}
    ).content.decode()
    assert "Keep the welcome under 5,000 characters" in html
    assert "Choose a staff member" in html
    assert not WelcomeMessage.objects.exists()


@pytest.mark.parametrize(
    "persona, status", [("moderator", 403), ("member", 403), ("outsider", 403)]
)
def test_non_admins_cannot_edit(client, personas, persona, status):
    client.force_login(personas[persona])
    for name in ("manage-welcome", "manage-checklist"):
        url = reverse(f"onboarding:{name}", args=["garden"])
        assert client.get(url).status_code == status
        assert client.post(url, {"body": "Hijack", "kind": "profile"}).status_code == status
    assert not WelcomeMessage.objects.exists() and not ChecklistItem.objects.exists()


def test_anonymous_is_sent_to_sign_in(client, community):
    response = client.get(reverse("onboarding:manage-welcome", args=["garden"]))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_owner_builds_the_checklist(client, owner, guide):
    client.force_login(owner)
    url = reverse("onboarding:manage-checklist", args=["garden"])
    assert "Start here: how we work" in client.get(url).content.decode()
    client.post(reverse("onboarding:checklist-suggested", args=["garden"]))
    client.post(url, {"kind": "read_guide", "topic": str(guide.pk)})
    items = list(ChecklistItem.objects.all())
    assert [i.kind for i in items] == ["profile", "introduce", "reply", "read_guide"]
    client.post(
        reverse("onboarding:checklist-item-move", args=["garden", items[3].pk]),
        {"direction": "up"},
    )
    client.post(reverse("onboarding:checklist-item-remove", args=["garden", items[0].pk]))
    assert [i.kind for i in ChecklistItem.objects.all()] == ["introduce", "read_guide", "reply"]


def test_checklist_form_refuses_a_hidden_guide(client, owner, owner_actor, staff_room):
    hidden = discussion_services.topic_create(
        actor=owner_actor, category=staff_room, title="Mod notes", body="x"
    )
    client.force_login(owner)
    url = reverse("onboarding:manage-checklist", args=["garden"])
    html = client.post(url, {"kind": "read_guide", "topic": str(hidden.pk)}).content.decode()
    assert "Choose a topic of this community that every member can read." in html
    assert not ChecklistItem.objects.exists()


def test_step_of_another_community_is_404(client, owner):
    from hearth.testing.factories import community_factory

    elsewhere = community_factory()
    foreign = services.checklist_item_add(
        actor=actor_for(elsewhere.created_by, elsewhere), kind="profile"
    )
    client.force_login(owner)
    url = reverse("onboarding:checklist-item-remove", args=["garden", foreign.pk])
    assert client.post(url).status_code == 404


def test_home_panel_costs_the_same_for_one_step_or_four(
    client, community, newcomer, welcome, guide, owner_actor, django_assert_max_num_queries
):
    services.checklist_item_add(actor=owner_actor, kind="profile")
    client.force_login(newcomer)
    with django_assert_max_num_queries(60) as few:
        assert "0 of 1 done" in client.get(HOME).content.decode()
    services.checklist_item_add(actor=owner_actor, kind="introduce")
    services.checklist_item_add(actor=owner_actor, kind="read_guide", topic=guide)
    services.checklist_item_add(actor=owner_actor, kind="reply")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "0 of 4 done" in client.get(HOME).content.decode()


def test_welcomers_are_told_on_home_how_many_first_posts_wait(
    client, community, member, moderator, newcomer, general, actor_of
):
    first = _first_post(community, newcomer, general)
    _first_post(community, membership_factory(community).user, general, title="Another")
    client.force_login(member)
    assert "waiting for a welcome" not in client.get(HOME).content.decode()  # not a welcomer
    services.welcomer_opt_in(actor=actor_of("member"))
    assert "2 newcomers' first posts are waiting" in client.get(HOME).content.decode()
    discussion_services.post_reply(
        actor=actor_of("moderator"), topic=first.topic, body="Welcome!", reply_to=first
    )
    assert "1 newcomer's first post is waiting" in client.get(HOME).content.decode()
    client.force_login(moderator)
    assert "1 newcomer's first post is waiting" in client.get(HOME).content.decode()
