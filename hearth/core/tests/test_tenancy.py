"""Tenancy, as sharding by community (Citus) needs it (docs/operators/scaling.md).

1. Every table whose rows belong to a community carries a direct, non-null ``community``
   foreign key; every other table is on an explicit list of global tables, with why.
2. Every unique constraint of a community's table is scoped to one community (through
   ``community_id`` or a parent row of one community), except a short list of global keys.
3. The SQL of the main pages, run for community A while community B has rows of every
   kind, never reads or writes two communities' rows in one query (hearth.core.tests.sql_scope).
"""

from django.apps import apps
from django.db import models

from hearth.communities.models import Community

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
