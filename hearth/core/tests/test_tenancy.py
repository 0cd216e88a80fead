"""Tenancy, as sharding by community (Citus) needs it (docs/operators/scaling.md).

1. Every table whose rows belong to a community carries a direct, non-null ``community``
   foreign key; every other table is on an explicit list of global tables, with why.
2. Every unique constraint of a community's table is scoped to one community (through
   ``community_id`` or a parent row of one community), except a short list of global keys.
3. The SQL of the main pages, run for community A while community B has rows of every
   kind, never reads or writes two communities' rows in one query (hearth.core.tests.sql_scope).
"""

import pytest
from django.apps import apps
from django.db import models
from django.db.models import Count

from hearth.communities.models import Community, Membership
from hearth.discussions import services as discussions
from hearth.discussions.models import Category, Post, Reaction, Topic
from hearth.groups import services as groups
from hearth.notifications import fanout
from hearth.notifications.models import Notification
from hearth.search.models import PostDocument
from hearth.testing.factories import actor_for, community_factory, membership_factory, user_factory
from hearth.testing.sql_scope import Ownership, Schema, capture, problems, tables

# Tables that belong to no community, and why. Under Citus they are reference tables
# (replicated to every node, joinable with any shard) or stay on the coordinator.
GLOBAL_TABLES = {
    # Reference tables: read with community rows, so every node needs them.
    "accounts.User": "one account across communities; joined to posts, members, etc.",
    "accounts.User_groups": "Django admin groups of an account",
    "accounts.User_user_permissions": "Django admin permissions of an account",
    "communities.Community": "the tenant itself: the shard key's own table",
    # Coordinator-only tables: never joined with a community's rows.
    "core.WorkerHeartbeat": "one row per running worker process, for /readyz",
    "notifications.EmailAddressHealth": "delivery failures per email address, any community",
    "notifications.PeriodicRun": "one row per scheduled job and slot; per-community jobs "
    "name the community in the job name ('trust:sweep:<id>')",
    "privacy.DataExport": "a member's export of their data across all their communities",
    "api.IdempotentRequest": "replayed answers per caller (an API key or an account) for 24 h",
}

# Community-owned tables that lack a direct community foreign key today, and why. Empty:
# adding one here needs a reason and an entry in scaling.md.
WITHOUT_COMMUNITY_FK: dict[str, str] = {}

# Unique constraints of community tables that span communities, and why (scaling.md says
# how each is kept under Citus, where a unique index must include community_id).
GLOBAL_UNIQUE_KEYS = {
    ("communities.Invite", ("code",)): "an invitation link /invite/<code> names no community",
    ("api.ApiKey", ("prefix",)): "an API key is looked up by its prefix before its "
    "community is known",
    ("webhooks.Delivery", ("uuid",)): "the delivery id receivers see; random (uuid4)",
    ("growth.Arrival", ("user",)): "an account arrives once, through one community",
    ("notifications.Notification", ("recipient", "group_key")): "group keys name a row of "
    "the community ('post:<post id>', 'event:<event id>'), so no key spans two communities",
    ("discussions.Post", ("author", "client_token")): "the composer's random token, sent "
    "again on a retry: a retry never changes community",
}


def hearth_models():
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_config.name.startswith("hearth.")
    ]


def community_fk(model) -> models.ForeignKey | None:
    for field in model._meta.concrete_fields:
        if field.name == "community" and field.is_relation and field.related_model is Community:
            return field
    return None


def reaches_community(model, seen=()) -> bool:
    """True when a chain of foreign keys (not through accounts) leads to a community."""
    if model is Community:
        return True
    for field in model._meta.concrete_fields:
        target = field.related_model if field.is_relation else None
        if target is None or target in seen or target._meta.label == "accounts.User":
            continue
        if reaches_community(target, (*seen, model)):
            return True
    return False


def test_every_table_is_classified_and_every_community_table_names_its_community():
    unclassified, missing, nullable = [], [], []
    for model in hearth_models():
        label = model._meta.label
        if label in GLOBAL_TABLES:
            continue
        if not reaches_community(model) and label not in WITHOUT_COMMUNITY_FK:
            unclassified.append(label)
            continue
        field = community_fk(model)
        if field is None and label not in WITHOUT_COMMUNITY_FK:
            missing.append(label)
        elif field is not None and field.null:
            nullable.append(label)
    assert unclassified == [], "add to GLOBAL_TABLES (with why) or give them a community FK"
    assert missing == [], "community tables without a direct community foreign key"
    assert nullable == [], "every row of a community table names its community"


def test_the_lists_of_exceptions_are_current():
    labels = {model._meta.label for model in hearth_models()}
    assert set(GLOBAL_TABLES) <= labels
    for label in GLOBAL_TABLES:
        model = apps.get_model(label)
        assert label == "communities.Community" or community_fk(model) is None, label
    for label in WITHOUT_COMMUNITY_FK:
        assert community_fk(apps.get_model(label)) is None, f"{label} has one now"


def _community_scoped(model, fields: tuple[str, ...]) -> bool:
    """A unique key is scoped to one community when it includes community_id or a
    foreign key to another community table (whose row is in one community)."""
    for name in fields:
        field = model._meta.get_field(name)
        if name == "community":
            return True
        if field.is_relation and community_fk(field.related_model) is not None:
            return True
    return False


def _unique_keys(model):
    for field in model._meta.concrete_fields:
        if field.unique and not field.primary_key:
            yield (field.name,)
    for fields in model._meta.unique_together:
        yield tuple(fields)
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
            yield tuple(constraint.fields)


def test_unique_keys_of_community_tables_are_scoped_to_one_community():
    global_keys = set()
    for model in hearth_models():
        if community_fk(model) is None or model is Community:
            continue
        for fields in _unique_keys(model):
            if not _community_scoped(model, fields):
                global_keys.add((model._meta.label, tuple(sorted(fields))))
    expected = {(label, tuple(sorted(fields))) for label, fields in GLOBAL_UNIQUE_KEYS}
    assert global_keys == expected


# --- 3. The SQL of the main pages ------------------------------------------------------


# Queries that read several communities on purpose, and why; each is known by the Hearth
# function that runs it (scaling.md, "Queries that cross communities", says what becomes
# of each under Citus).
CROSS_COMMUNITY = {
    "the bell: the member's memberships, to count what they may see in each community": (
        "hearth/notifications/templatetags/notifications.py",
        "notification_bell",
    ),
    "the member's inbox of every community (/notifications/)": (
        "hearth/notifications/views.py",
        "notification_list",
    ),
}


@pytest.fixture
def two_communities(db, owner, django_capture_on_commit_callbacks):
    """Garden (A) and Lumen (B), the same owner, two members in both, and in each: a topic
    with a reply, mentions, a reaction, notifications and search documents, in the same
    words, so that a query missing its community finds B's rows too."""
    a = community_factory(owner=owner, slug="garden", name="Garden Club")
    b = community_factory(owner=owner, slug="lumen", name="Lumen")
    mel, fern = user_factory(username="mel"), user_factory(username="fern")
    topics = {}
    with django_capture_on_commit_callbacks(execute=True):
        for community in (a, b):
            for user in (mel, fern):
                membership_factory(community, user=user, trust_level=1)
            general = Category.objects.get(community=community, slug="general")
            topic = discussions.topic_create(
                actor=actor_for(mel, community),
                category=general,
                title="Hello friends of the club",
                body="Hello everyone, welcome @fern",
            )
            reply = discussions.post_reply(
                actor=actor_for(fern, community), topic=topic, body="Hello @mel, thanks!"
            )
            discussions.reaction_toggle(actor=actor_for(mel, community), post=reply, kind="heart")
            fanout.process(community)
            topics[community.slug] = topic
            # A private group with mel in it, with a topic in its category.
            group = groups.group_create(
                actor=actor_for(owner, community), name="Hello circle", visibility="private"
            )
            groups.group_invite(actor=actor_for(owner, community), group=group, username="mel")
            groups.group_join(actor=actor_for(mel, community), group=group)
            discussions.topic_create(
                actor=actor_for(mel, community), category=group.categories.get(),
                title="Hello circle friends", body="Hello circle",
            )  # fmt: skip
    assert Notification.objects.filter(community=b, recipient=mel).exists()
    assert PostDocument.objects.filter(community=b).exists()
    return {"a": a, "b": b, "mel": mel, "topic": topics["garden"]}


PAGES = {
    # page: who sees it
    "community home": ("visitor", "mel", "owner"),
    "category": ("visitor", "mel", "owner"),
    "topic": ("visitor", "mel", "owner"),
    "search": ("visitor", "mel", "owner"),
    "profile": ("visitor", "mel", "owner"),
    "groups": ("visitor", "mel", "owner"),
    "notifications": ("mel", "owner"),
    "notifications of every community": ("mel",),
    "health dashboard": ("owner",),
}


def _url(page, topic):
    return {
        "community home": "/c/garden/",
        "category": "/c/garden/category/general/",
        "topic": f"/c/garden/t/{topic.slug}/{topic.pk}/",
        "search": "/c/garden/search?q=hello",
        "profile": "/c/garden/u/mel/",
        "groups": "/c/garden/groups/",
        "notifications": "/c/garden/notifications/",
        "notifications of every community": "/notifications/",
        "health dashboard": "/c/garden/health/",
    }[page]


def _why_allowed(statement):
    for reason, frame in CROSS_COMMUNITY.items():
        if frame in statement.frames:
            return reason
    return None


@pytest.mark.parametrize("persona", ["visitor", "mel", "owner"])
def test_main_pages_touch_one_community_per_query(client, two_communities, owner, persona):
    if persona != "visitor":
        client.force_login(owner if persona == "owner" else two_communities["mel"])
    schema = Schema.load()
    unexplained, allowed, checked = [], set(), 0
    for page, personas in PAGES.items():
        if persona not in personas:
            continue
        with capture() as statements:
            response = client.get(_url(page, two_communities["topic"]), follow=True)
        assert response.status_code == 200, page
        ownership = Ownership.load(schema)
        for statement in statements:
            found = problems(statement, schema, ownership, two_communities["a"].pk)
            checked += bool(set(tables(statement.sql).values()) & schema.owned)
            if found and (reason := _why_allowed(statement)):
                allowed.add(reason)
            elif found:
                unexplained.append((page, found, statement.sql, statement.params))
    assert checked > 25  # the pages ran their queries through the check
    assert unexplained == []
    # Every signed-in page shows the bell; only mel opens the inbox of every community.
    expected = {"visitor": set(), "owner": set(list(CROSS_COMMUNITY)[:1])}
    assert allowed == expected.get(persona, set(CROSS_COMMUNITY))


# The check itself, on queries whose answer is known.


@pytest.fixture
def scope(two_communities):
    schema = Schema.load()

    def check(query) -> list[str]:
        """The problems of a queryset's statements, or of a function's."""
        with capture() as statements:
            query() if callable(query) else list(query)
        ownership = Ownership.load(schema)
        a = two_communities["a"].pk
        return [problem for s in statements for problem in problems(s, schema, ownership, a)]

    return check


def test_the_check_passes_queries_of_one_community(scope, two_communities):
    a, topic = two_communities["a"], two_communities["topic"]
    assert scope(Topic.objects.filter(community=a)) == []
    assert scope(Post.objects.filter(topic=topic).select_related("topic__category")) == []
    assert scope(Post.objects.filter(topic__in=Topic.objects.filter(community=a))) == []
    assert scope(Topic.objects.filter(community=a).annotate(n=Count("posts"))) == []


def test_the_check_catches_queries_of_several_communities(scope, two_communities):
    a, b, mel = two_communities["a"], two_communities["b"], two_communities["mel"]
    b_topic = Topic.objects.get(community=b, category__slug="general")
    assert scope(Topic.objects.filter(author=mel)) == [
        "discussions_topic (discussions_topic) is not tied to one community"
    ]
    assert scope(Post.objects.filter(topic=b_topic)) == [
        f"discussions_post.topic_id: discussions_topic rows of community [{b.pk}]",
        "discussions_post (discussions_post) is not tied to one community",
    ]
    # A's members, joined to each one's memberships of every community.
    owners = Membership.objects.filter(community=a, user__memberships__role="owner")
    assert scope(owners) == ["communities_membership (T4) is not tied to one community"]


def test_the_check_reads_writes(scope, two_communities):
    a, b, mel = two_communities["a"], two_communities["b"], two_communities["mel"]
    a_post = Post.objects.get(community=a, number=2)
    b_post = Post.objects.get(community=b, number=2)

    def react(community, post, kind="tada"):
        return lambda: Reaction.objects.create(community=community, post=post, user=mel, kind=kind)

    assert scope(react(a, a_post)) == []
    assert scope(react(a, b_post)) == [
        f"insert discussions_reaction.post_id: discussions_post rows of community [{b.pk}]"
    ]
    assert scope(react(b, b_post, kind="laugh")) == [
        f"insert discussions_reaction.community_id: communities_community rows of community "
        f"[{b.pk}]",
        f"insert into discussions_reaction not for community {a.pk}",
        f"insert discussions_reaction.post_id: discussions_post rows of community [{b.pk}]",
    ]
    assert scope(lambda: Post.objects.filter(pk=a_post.pk).update(body="Edited")) == []
    assert scope(lambda: Topic.objects.filter(author=mel).update(title="Everywhere")) == [
        "discussions_topic (discussions_topic) is not tied to one community"
    ]
