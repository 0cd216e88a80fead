"""The Discourse-compatible endpoints: Discourse's shapes, Api-Key/Api-Username, the same
read policy as the pages, writes through the discussions services, and every refusal in
Discourse's error shape."""

import json

import pytest
from django.test import Client

from hearth.api import services as api_services
from hearth.api.models import KeyKind, Scope
from hearth.communities.models import Membership, Role, Visibility
from hearth.compat import policy
from hearth.core.models import InteractionEvent
from hearth.discussions import services
from hearth.discussions.models import Post, ReadAccess, ReviewState, Topic
from hearth.members.models import MemberProfile
from hearth.moderation.models import ModerationSettings
from hearth.testing.factories import (
    actor_for,
    community_factory,
    membership_factory,
    user_factory,
)

BASE = "/c/garden/compat/"


def make_key(user, community, name="Bot"):
    return api_services.api_key_create(actor=actor_for(user, community), name=name)


def headers(key, username=None):
    found = {"HTTP_API_KEY": key}
    if username is not None:
        found["HTTP_API_USERNAME"] = username
    return found


def get(client, path, key=None, username=None, **params):
    return client.get(BASE + path, params, **(headers(key, username) if key else {}))


def post(client, data, key=None, username=None, path="posts.json", **extra):
    return client.post(BASE + path, data, **(headers(key, username) if key else {}), **extra)


def assert_error(response, status, error_type):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert body["error_type"] == error_type
    assert body["errors"] and all(isinstance(m, str) and m for m in body["errors"])
    return body


@pytest.fixture
def owner_key(community, owner, member):
    """The owner's key (with Mel, a plain member, to act as)."""
    return make_key(owner, community)[1]


@pytest.fixture
def staff_only(community, owner):
    """A staff-only category with a topic in it."""
    category = services.category_create(
        actor=actor_for(owner, community), name="Staff room", read_access=ReadAccess.STAFF
    )
    topic = services.topic_create(
        actor=actor_for(owner, community),
        category=category,
        title="Secret plans for spring",
        body="Nobody but staff reads this secret text",
    )
    return category, topic


# Reads -------------------------------------------------------------------------------------


def test_latest_in_discourses_shape(client, topic):
    response = get(client, "latest.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert {u["username"] for u in body["users"]} == {"mel"}
    listed = body["topic_list"]["topics"]
    assert [t["id"] for t in listed] == [topic.pk]
    row = listed[0]
    assert row["title"] == "Hello garden" and row["slug"] == topic.slug
    assert row["posts_count"] == 1 and row["reply_count"] == 0
    assert row["category_id"] == topic.category_id
    assert row["created_at"].endswith("Z") and row["last_posted_at"].endswith("Z")
    assert row["posters"][0]["user_id"] == topic.author_id
    assert body["topic_list"]["more_topics_url"] is None


def test_latest_pages_with_a_more_url(client, community, member, general):
    actor = actor_for(member, community)
    for n in range(31):
        services.topic_create(
            actor=actor, category=general, title=f"Topic number {n}", body="Some text here"
        )
    first = get(client, "latest.json").json()["topic_list"]
    assert len(first["topics"]) == 30
    assert first["more_topics_url"] == "/c/garden/compat/latest?page=1"
    second = get(client, "latest.json", page="1").json()["topic_list"]
    assert len(second["topics"]) == 1 and second["more_topics_url"] is None
    assert get(client, "latest.json", page="nonsense").json()["topic_list"]["topics"]


def test_topic_with_its_post_stream(client, community, topic, owner):
    reply = services.post_reply(
        actor=actor_for(owner, community), topic=topic, body="Welcome, **Mel**!"
    )
    for path in [f"t/{topic.pk}.json", f"t/{topic.slug}/{topic.pk}.json"]:
        body = get(client, path).json()
        assert body["id"] == topic.pk and body["title"] == "Hello garden"
        assert body["posts_count"] == 2 and body["slug"] == topic.slug
        posts = body["post_stream"]["posts"]
        assert [p["post_number"] for p in posts] == [1, 2]
        assert posts[1]["username"] == "olivia" and posts[1]["admin"] is True
        assert "<strong>Mel</strong>" in posts[1]["cooked"]
        assert "raw" not in posts[1]
        assert body["post_stream"]["stream"] == [posts[0]["id"], reply.pk]
        assert body["details"]["created_by"]["username"] == "mel"
    with_raw = get(client, f"t/{topic.pk}.json", include_raw="true").json()
    assert with_raw["post_stream"]["posts"][1]["raw"] == "Welcome, **Mel**!"
    # Discourse's /t/<id>/<post_number>.json: from that post on.
    at_two = get(client, f"t/{topic.pk}/2.json").json()
    assert [p["post_number"] for p in at_two["post_stream"]["posts"]] == [2]


def test_topic_posts_by_ids_and_a_single_post(client, community, topic, owner):
    reply = services.post_reply(actor=actor_for(owner, community), topic=topic, body="Second")
    body = client.get(BASE + f"t/{topic.pk}/posts.json", {"post_ids[]": [reply.pk]}).json()
    assert body["id"] == topic.pk
    assert [p["id"] for p in body["post_stream"]["posts"]] == [reply.pk]
    single = get(client, f"posts/{reply.pk}.json").json()
    assert single["raw"] == "Second" and single["topic_id"] == topic.pk
    assert single["post_number"] == 2
    assert_error(
        get(client, f"t/{topic.pk}/posts.json", post_number="x"), 400, "invalid_parameters"
    )
    assert_error(
        client.get(BASE + f"t/{topic.pk}/posts.json?post_ids[]=abc"), 400, "invalid_parameters"
    )


def test_deleted_post_keeps_its_place_without_its_text(client, community, topic, owner, owner_key):
    reply = services.post_reply(actor=actor_for(owner, community), topic=topic, body="Oops text")
    services.post_delete(actor=actor_for(owner, community), post=reply)
    posts = get(client, f"t/{topic.pk}.json", include_raw="1").json()["post_stream"]["posts"]
    assert "Oops text" not in posts[1]["cooked"] and posts[1]["raw"] == ""
    assert posts[1]["deleted_at"]
    assert_error(get(client, f"posts/{reply.pk}.json"), 404, "not_found")
    staff = get(client, f"posts/{reply.pk}.json", owner_key).json()
    assert staff["raw"] == "Oops text"


def test_categories(client, community, general, staff_only):
    listed = get(client, "categories.json").json()["category_list"]["categories"]
    assert general.slug in [c["slug"] for c in listed]
    assert "staff-room" not in [c["slug"] for c in listed]
    row = next(c for c in listed if c["id"] == general.pk)
    assert row["name"] == "General" and row["color"] == general.color.lstrip("#").upper()
    assert row["read_restricted"] is False and row["permission"] is None


def test_user(client, topic, member):
    for path in ["u/mel.json", "users/mel.json", "u/MEL.json"]:
        response = get(client, path)
        assert response.status_code == 200, path
        user = response.json()["user"]
        assert user["username"] == "mel" and user["id"] == member.pk
        assert user["post_count"] == 1 and user["trust_level"] == 1
        assert user["admin"] is False and user["moderator"] is False
    assert_error(get(client, "u/nobody.json"), 404, "not_found")


def test_a_profile_hidden_from_non_members_is_absent_to_visitors(client, member, owner_key):
    MemberProfile.objects.filter(user=member).update(hide_from_non_members=True)
    assert_error(get(client, "u/mel.json"), 404, "not_found")
    assert get(client, "u/mel.json", owner_key).status_code == 200


def test_search(client, topic):
    body = get(client, "search.json", q="first").json()
    assert [p["topic_id"] for p in body["posts"]] == [topic.pk]
    assert body["posts"][0]["blurb"] and body["posts"][0]["username"] == "mel"
    assert [t["id"] for t in body["topics"]] == [topic.pk]
    assert body["grouped_search_result"]["post_ids"] == [body["posts"][0]["id"]]
    assert get(client, "search.json", q="zzzqqq").json()["posts"] == []
    empty = get(client, "search.json").json()
    assert empty["posts"] == [] and empty["grouped_search_result"]["error"]


def test_latest_posts(client, community, topic, owner):
    reply = services.post_reply(actor=actor_for(owner, community), topic=topic, body="Newest")
    body = get(client, "posts.json").json()
    assert [p["id"] for p in body["latest_posts"]][:1] == [reply.pk]
    older = get(client, "posts.json", before=str(reply.pk)).json()["latest_posts"]
    assert reply.pk not in [p["id"] for p in older]
    assert_error(get(client, "posts.json", before="x"), 400, "invalid_parameters")


# What may be read --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["visitor", "member"])
def test_a_private_category_never_appears(client, community, member, staff_only, who):
    category, secret = staff_only
    key = username = None
    if who == "member":
        # The owner's key acting as the member: the member's own permissions apply.
        owner = Membership.objects.get(community=community, role=Role.OWNER).user
        key = make_key(owner, community)[1]
        username = "mel"
    first_post = secret.posts.get(number=1)

    def fetch(path, **params):
        return get(client, path, key, username, **params)

    assert secret.pk not in [t["id"] for t in fetch("latest.json").json()["topic_list"]["topics"]]
    assert_error(fetch(f"t/{secret.pk}.json"), 404, "not_found")
    assert_error(fetch(f"t/{secret.slug}/{secret.pk}.json"), 404, "not_found")
    assert_error(fetch(f"t/{secret.pk}/posts.json"), 404, "not_found")
    assert_error(fetch(f"posts/{first_post.pk}.json"), 404, "not_found")
    assert_error(fetch(f"c/{category.pk}.json"), 404, "not_found")
    assert category.pk not in [
        c["id"] for c in fetch("categories.json").json()["category_list"]["categories"]
    ]
    assert fetch("search.json", q="secret").json()["posts"] == []
    assert first_post.pk not in [p["id"] for p in fetch("posts.json").json()["latest_posts"]]
    if key:
        replied = post(client, {"topic_id": secret.pk, "raw": "Let me in"}, key, "mel")
        assert_error(replied, 404, "not_found")


def test_staff_key_reads_the_staff_category(client, staff_only, owner_key):
    category, secret = staff_only
    assert get(client, f"t/{secret.pk}.json", owner_key).status_code == 200
    listed = get(client, "categories.json", owner_key).json()["category_list"]["categories"]
    assert category.pk in [c["id"] for c in listed]
    topics = get(client, f"c/{category.slug}/{category.pk}.json", owner_key).json()
    assert [t["id"] for t in topics["topic_list"]["topics"]] == [secret.pk]


def test_a_private_community_is_absent_to_visitors(client, db):
    hidden = community_factory(slug="hidden", visibility=Visibility.PRIVATE)
    for path in ["latest.json", "categories.json", "search.json?q=x"]:
        assert_error(client.get(f"/c/hidden/compat/{path}"), 404, "not_found")
    owner = Membership.objects.get(community=hidden, role=Role.OWNER).user
    key = make_key(owner, hidden)[1]
    assert client.get("/c/hidden/compat/latest.json", **headers(key)).status_code == 200


# Writes ------------------------------------------------------------------------------------


def test_owner_key_acting_as_a_member_starts_a_topic(client, community, general, owner_key):
    response = post(
        client,
        {
            "title": "Seed swap this Saturday",
            "raw": "Bring your spare seeds!",
            "category": general.pk,
        },
        owner_key,
        "mel",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    topic = Topic.objects.get(pk=body["topic_id"])
    assert topic.title == "Seed swap this Saturday" and topic.category == general
    assert topic.author.username == "mel" and body["username"] == "mel"
    assert body["post_number"] == 1 and body["raw"] == "Bring your spare seeds!"
    assert body["topic_slug"] == topic.slug and body["yours"] is True
    # The service ran: the event log has the topic, as for a topic started on the page.
    assert InteractionEvent.objects.filter(verb="topic.create", actor__username="mel").exists()


def test_a_reply_and_a_reply_to_a_post_number(client, community, topic, owner_key):
    first = post(client, {"topic_id": topic.pk, "raw": "Happy to help out"}, owner_key, "mel")
    assert first.status_code == 200, first.content
    assert first.json()["post_number"] == 2 and first.json()["topic_id"] == topic.pk
    second = post(
        client,
        {"topic_id": str(topic.pk), "raw": "Replying to the first", "reply_to_post_number": "1"},
        owner_key,
        path="posts",
    )
    assert second.status_code == 200, second.content
    assert second.json()["reply_to_post_number"] == 1
    assert second.json()["username"] == "olivia"  # no Api-Username: the key's creator
    missing = post(
        client, {"topic_id": topic.pk, "raw": "x y z", "reply_to_post_number": 99}, owner_key
    )
    assert_error(missing, 422, "invalid_parameters")


def test_a_json_body_works_like_a_form(client, general, owner_key):
    response = client.post(
        BASE + "posts.json",
        json.dumps(
            {"title": "Posted as JSON today", "raw": "JSON body text", "category": general.pk}
        ),
        content_type="application/json",
        **headers(owner_key),
    )
    assert response.status_code == 200, response.content
    assert Topic.objects.filter(title="Posted as JSON today").exists()


def test_a_topic_without_a_category_goes_to_the_first_open_one(client, general, owner_key):
    response = post(client, {"title": "Where does this go", "raw": "Somewhere"}, owner_key, "mel")
    assert response.status_code == 200, response.content
    assert Topic.objects.get(pk=response.json()["topic_id"]).category == general


@pytest.mark.parametrize(
    "data, status",
    [
        ({"title": "No body at all here"}, 400),
        ({"title": "Blank body here", "raw": "   "}, 400),
        ({"raw": "text", "topic_id": "abc"}, 400),
        ({"raw": "text", "topic_id": "99999999999999999999999"}, 400),
        ({"raw": "text", "topic_id": "9223372036854775807"}, 404),
        ({"raw": "text", "category": "not-an-id"}, 400),
        ({"raw": "text", "category": "999999", "title": "A fine title"}, 422),
        ({"raw": "text", "title": ""}, 422),
        ({"raw": "text", "title": "A message", "archetype": "private_message"}, 400),
    ],
)
def test_bad_write_input(client, general, owner_key, data, status):
    response = post(client, data, owner_key, "mel")
    body = assert_error(
        response,
        status,
        {400: "invalid_parameters", 404: "not_found", 422: "invalid_parameters"}[status],
    )
    if status == 422:
        assert body["action"] == "create_post"
    assert not Topic.objects.filter(author__username="mel").exists()


def test_bad_json_bodies(client, owner_key):
    for raw in ["{nope", "[1, 2]", '"text"']:
        response = client.post(
            BASE + "posts.json", raw, content_type="application/json", **headers(owner_key)
        )
        assert_error(response, 400, "invalid_parameters")
    response = client.post(
        BASE + "posts.json",
        json.dumps({"raw": {"nested": True}, "title": "Nested raw"}),
        content_type="application/json",
        **headers(owner_key),
    )
    assert_error(response, 400, "invalid_parameters")


def test_a_closed_topic_refuses_replies(client, community, topic, owner, owner_key):
    services.topic_set_state(actor=actor_for(owner, community), topic=topic, closed=True)
    response = post(client, {"topic_id": topic.pk, "raw": "Too late to reply"}, owner_key, "mel")
    body = assert_error(response, 403, "invalid_access")
    assert "closed" in body["errors"][0]


def test_a_held_first_post_answers_enqueued(client, community, general, newcomer, owner_key):
    ModerationSettings.objects.create(community=community, approve_first_posts=True)
    response = post(
        client,
        {"title": "Hello from a newcomer", "raw": "My very first post", "category": general.pk},
        owner_key,
        "nico",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["action"] == "enqueued" and body["pending_post"]["raw"] == "My very first post"
    held = Post.objects.get(pk=body["pending_post"]["id"])
    assert held.review_state == ReviewState.HELD
    # Out of sight for everyone else, as on the pages.
    assert held.topic_id not in [
        t["id"] for t in get(client, "latest.json").json()["topic_list"]["topics"]
    ]
    assert_error(get(client, f"t/{held.topic_id}.json"), 404, "not_found")


# Who is asking -----------------------------------------------------------------------------


def test_a_visitor_cannot_write(client, topic):
    response = post(client, {"topic_id": topic.pk, "raw": "Anonymous words"})
    assert_error(response, 403, "invalid_access")
    assert topic.posts.count() == 1


def test_a_session_write_needs_its_csrf_token(community, topic, member):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(member)
    refused = browser.post(BASE + "posts.json", {"topic_id": topic.pk, "raw": "No token here"})
    assert_error(refused, 403, "invalid_access")
    browser.get(f"/c/garden/t/{topic.slug}/{topic.pk}/")
    token = browser.cookies["csrftoken"].value
    accepted = browser.post(
        BASE + "posts.json",
        {"topic_id": topic.pk, "raw": "With my token"},
        HTTP_X_CSRFTOKEN=token,
    )
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["username"] == "mel"


def test_a_key_needs_no_csrf_token(community, topic, owner_key):
    bot = Client(enforce_csrf_checks=True)
    response = bot.post(
        BASE + "posts.json", {"topic_id": topic.pk, "raw": "Bot text"}, **headers(owner_key)
    )
    assert response.status_code == 200, response.content


@pytest.mark.parametrize(
    "key",
    ["nonsense", "hth_nope_nope", "", "hth__", "Bearer x"],
)
def test_malformed_or_unknown_keys_are_refused(client, topic, key):
    assert_error(get(client, "latest.json", key or " "), 403, "invalid_access")
    assert_error(
        post(client, {"topic_id": topic.pk, "raw": "x"}, key or " "), 403, "invalid_access"
    )


def test_a_wrong_secret_is_refused(client, owner_key):
    prefix = owner_key.rsplit("_", 1)[0]
    assert_error(get(client, "latest.json", prefix + "_wrong"), 403, "invalid_access")


def test_a_revoked_key_is_refused(client, community, owner):
    key, full = make_key(owner, community)
    assert get(client, "latest.json", full).status_code == 200
    api_services.api_key_revoke(actor=actor_for(owner, community), key=key)
    assert_error(get(client, "latest.json", full), 403, "invalid_access")


def test_a_key_stops_when_its_creator_is_no_longer_staff(client, community, admin):
    full = make_key(admin, community)[1]
    Membership.objects.filter(user=admin, community=community).update(role=Role.MEMBER)
    assert_error(get(client, "latest.json", full), 403, "invalid_access")


def test_a_key_of_another_community_is_refused(client, community, topic):
    other = community_factory(slug="allotment")
    other_key = make_key(Membership.objects.get(community=other, role=Role.OWNER).user, other)[1]
    assert_error(get(client, "latest.json", other_key), 403, "invalid_access")
    response = post(client, {"topic_id": topic.pk, "raw": "Cross-community"}, other_key)
    assert_error(response, 403, "invalid_access")
    assert topic.posts.count() == 1


@pytest.mark.parametrize("username", ["otto", "bart", "nobody-here"])
def test_api_username_must_be_an_active_member(
    client, topic, outsider, banned, owner_key, username
):
    response = post(client, {"topic_id": topic.pk, "raw": "Impersonating"}, owner_key, username)
    body = assert_error(response, 403, "invalid_access")
    assert any("not a member" in m for m in body["errors"])
    assert_error(get(client, "latest.json", owner_key, username), 403, "invalid_access")


def test_a_key_cannot_act_as_someone_who_outranks_its_creator(client, community, admin, owner):
    full = make_key(admin, community)[1]
    assert_error(get(client, "latest.json", full, "olivia"), 403, "invalid_access")
    assert get(client, "latest.json", full, "adam").status_code == 200


def test_a_key_cannot_act_as_platform_staff(client, community, owner_key):
    root = user_factory(username="root", is_staff=True)
    membership_factory(community, user=root)
    assert_error(get(client, "latest.json", owner_key, "root"), 403, "invalid_access")


def test_system_means_the_key_creator(client, topic, owner_key):
    response = post(client, {"topic_id": topic.pk, "raw": "From the system"}, owner_key, "system")
    assert response.status_code == 200 and response.json()["username"] == "olivia"


def test_the_key_records_its_last_use(client, community, owner):
    key, full = make_key(owner, community)
    assert key.last_used_at is None
    get(client, "latest.json", full)
    key.refresh_from_db()
    assert key.last_used_at is not None


def test_act_as_rules(community, personas, actor_of):
    owner_actor = actor_of("owner")
    member_actor = actor_of("member")
    mel = Membership.objects.select_related("user").get(user=personas["member"])
    mona = Membership.objects.select_related("user").get(user=personas["moderator"])
    assert policy.can_act_as(owner_actor, mel)
    assert policy.can_act_as(member_actor, mel, community_key=False)  # itself
    assert not policy.can_act_as(member_actor, mona, community_key=False)
    assert not policy.can_act_as(actor_of("moderator"), mel, community_key=False)
    assert not policy.can_act_as(owner_actor, None)


def test_a_read_key_cannot_write_and_a_write_key_cannot_read(client, community, owner, topic):
    reader = api_services.api_key_create(
        actor=actor_for(owner, community), name="Reader", scopes=[Scope.READ]
    )[1]
    assert get(client, "latest.json", reader, "mel").status_code == 200
    refused = post(client, {"topic_id": topic.pk, "raw": "Not allowed"}, reader, "mel")
    body = assert_error(refused, 403, "invalid_access")
    assert "write" in body["errors"][0]
    writer = api_services.api_key_create(
        actor=actor_for(owner, community), name="Writer", scopes=[Scope.WRITE]
    )[1]
    assert_error(get(client, "latest.json", writer), 403, "invalid_access")
    assert post(client, {"topic_id": topic.pk, "raw": "Allowed"}, writer, "mel").status_code == 200
    assert topic.posts.count() == 2


def test_a_member_key_acts_only_as_its_member(client, community, topic, member, moderator):
    mine = api_services.api_key_create(
        actor=actor_for(member, community), name="Mine", kind=KeyKind.MEMBER
    )[1]
    written = post(client, {"topic_id": topic.pk, "raw": "From my own script"}, mine)
    assert written.status_code == 200 and written.json()["username"] == "mel"
    assert get(client, "latest.json", mine, "mel").status_code == 200
    assert_error(get(client, "latest.json", mine, "olivia"), 403, "invalid_access")
    # Even a moderator's member key is theirs alone: no acting as others.
    theirs = api_services.api_key_create(
        actor=actor_for(moderator, community), name="Mod", kind=KeyKind.MEMBER
    )[1]
    assert_error(get(client, "latest.json", theirs, "mel"), 403, "invalid_access")


def test_methods_not_allowed(client, topic, owner_key):
    response = client.post(BASE + "latest.json", {}, **headers(owner_key))
    assert_error(response, 405, "invalid_access")
    assert client.delete(BASE + f"t/{topic.pk}.json").status_code == 405


def test_an_unknown_community_is_a_json_404(client, db):
    assert_error(client.get("/c/nowhere/compat/latest.json"), 404, "not_found")


def test_ids_beyond_a_column_are_404(client, topic):
    assert client.get(BASE + "t/99999999999999999999999.json").status_code == 404
    assert_error(client.get(BASE + "t/9223372036854775807.json"), 404, "not_found")
    assert_error(client.get(BASE + "posts/9223372036854775807.json"), 404, "not_found")


def test_lists_cost_a_fixed_number_of_queries(client, community, general, member, owner, owner_key):
    def make(n):
        for i in range(n):
            topic = services.topic_create(
                actor=actor_for(member, community),
                category=general,
                title=f"Query count topic {i}",
                body="Body",
            )
            services.post_reply(actor=actor_for(owner, community), topic=topic, body="Reply")
        return topic

    def count(path):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert get(client, path, owner_key, "mel").status_code == 200
        return len(queries)

    few = make(2)
    small = {p: count(p) for p in ["latest.json", f"t/{few.pk}.json", "posts.json"]}
    many = make(8)
    for _ in range(5):
        services.post_reply(actor=actor_for(member, community), topic=many, body="More")
    for path, before in small.items():
        path = path.replace(str(few.pk), str(many.pk))
        assert count(path) <= before, path


def test_a_posting_limit_answers_429_with_the_wait(client, settings, topic, owner_key):
    settings.HEARTH_POSTING_LIMITS = True
    first = post(client, {"topic_id": topic.pk, "raw": "A first quick reply"}, owner_key, "mel")
    assert first.status_code == 200, first.content
    again = post(client, {"topic_id": topic.pk, "raw": "A second quick reply"}, owner_key, "mel")
    body = assert_error(again, 429, "rate_limit")
    wait = body["extras"]["wait_seconds"]
    assert wait >= 1 and again["Retry-After"] == str(wait)
    assert topic.posts.count() == 2


def test_a_silenced_member_reads_but_does_not_post(client, community, topic, member, owner_key):
    from datetime import timedelta

    from django.utils import timezone

    Membership.objects.filter(user=member, community=community).update(
        silenced_until=timezone.now() + timedelta(days=1)
    )
    assert get(client, f"t/{topic.pk}.json", owner_key, "mel").status_code == 200
    response = post(client, {"topic_id": topic.pk, "raw": "Let me speak"}, owner_key, "mel")
    assert_error(response, 403, "invalid_access")


def test_a_numeric_slug_still_names_its_topic(client, community, general, member, topic):
    numbered = services.topic_create(
        actor=actor_for(member, community), category=general, title="2024", body="A year"
    )
    assert numbered.slug == "2024"
    assert get(client, f"t/2024/{numbered.pk}.json").json()["id"] == numbered.pk
    # Otherwise a number first is a topic id, then a post number (Discourse's other reading).
    assert get(client, f"t/{topic.pk}/1.json").json()["id"] == topic.pk
    assert_error(get(client, f"t/9223372036854775807/{topic.pk}.json"), 404, "not_found")
    assert_error(get(client, "t/99999999999999999999/1.json"), 404, "not_found")
