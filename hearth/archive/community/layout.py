"""What a community archive holds: its format, which tables and in which order, which
fields of an account, and where ids hide (plain columns, JSON, marks) so that one function
remaps them for the import and for comparisons."""

from __future__ import annotations

import bisect
from collections.abc import Callable

from django.apps import apps
from django.db import models

FORMAT = "hearth-community"
FORMAT_VERSION = 1
USER = "accounts.User"
COMMUNITY = "communities.Community"
EVENT = "core.InteractionEvent"

# Not archived: secrets (API keys, and the secret ballots of elections and recalls: who voted
# how never leaves the install; the published counts are archived with their elections), the
# outgoing mail queue, and what is recomputed from the archived rows on import (analytics
# rollups and snapshots, the search index).
SKIPPED = {
    "api.ApiKey",
    "elections.Ballot",
    "elections.RecallBallot",
    "notifications.OutboxEmail",
    "search.PostDocument",
}
SKIPPED_APPS = {"analytics"}

# The public profile of an account; never its password, permissions or sessions.
USER_FIELDS = (
    "username",
    "email",
    "first_name",
    "last_name",
    "display_name",
    "bio",
    "avatar",
    "time_zone",
    "date_joined",
    "is_active",
)

# Ids kept in plain integer columns: field -> the model they name.
RAW_IDS = {
    "trust.ActivityDay": {"user_id": USER},
    "trust.TopicEntered": {"user_id": USER, "topic_id": "discussions.Topic"},
    "onboarding.WelcomeDelivery": {"conversation_id": "conversations.Conversation"},
    "notifications.Notification": {"event_id": EVENT},
}
# "Everything up to this event has been processed" marks: the last archived event at or
# before the mark.
EVENT_MARKS = {
    "trust.TrustState": "last_event_id",
    "notifications.NotificationState": "last_event_id",
}
# Ids inside the event log's JSON data, by key (and by verb where a key means more than one).
EVENT_DATA = {
    "topic": "discussions.Topic",
    "post": "discussions.Post",
    "reply_to": "discussions.Post",
    "review": "moderation.PostReview",
    "flag": "moderation.Flag",
    "flagger": USER,
    "approved_by": USER,
    "conversation": "conversations.Conversation",
    "report": "conversations.ConversationReport",
    "sanction": "moderation.Sanction",
}
EVENT_DATA_BY_VERB = {
    "topic.move": {"from": "discussions.Category", "to": "discussions.Category"},
    "idea.merge": {"into": "ideas.Idea"},
    "post.move": {"posts": "discussions.Post"},
    "event.attend": {"marked_by": USER},
}
STAFF_DETAILS = {
    "topic": "discussions.Topic",
    "conversation": "conversations.Conversation",
    "item": "onboarding.ChecklistItem",
    "question": "members.ProfileQuestion",
}
GROUP_KEYS = {
    "post": "discussions.Post",
    "react": "discussions.Post",
    "event": EVENT,
    "conversation": "conversations.Conversation",
}
# Imported last, in this order: their JSON and plain columns name rows of any other table.
LATE = (
    "communities.StaffAction",
    EVENT,
    "notifications.Notification",
    "notifications.NotificationState",
    "trust.TrustState",
)
FILE_PREFIX = {"media": "files/media/", "private": "files/private/"}


# --- which tables, in which order ---


def _community_field(model) -> models.Field | None:
    try:
        field = model._meta.get_field("community")
    except Exception:  # noqa: BLE001 - FieldDoesNotExist
        return None
    if field.is_relation and field.related_model and field.related_model._meta.label == COMMUNITY:
        return field
    return None


# Optional keys that still order their tables (a key that may be empty imports in any order,
# but a group comes before its categories so that deleting in reverse order never meets
# the restricted key).
OPTIONAL_PARENTS: dict[str, tuple[str, ...]] = {"discussions.Category": ("groups.Group",)}


def archived_models() -> list[type[models.Model]]:
    """The community and every table owned by it, parents before children."""
    chosen = {COMMUNITY: apps.get_model(COMMUNITY)}
    for model in apps.get_models():
        label = model._meta.label
        if label in SKIPPED or model._meta.app_label in SKIPPED_APPS:
            continue
        if _community_field(model) is not None:
            chosen[label] = model
    order: list[str] = []
    seen: set[str] = set()

    def visit(label: str, path: tuple[str, ...] = ()) -> None:
        if label in seen or label in path:
            return
        model = chosen[label]
        needs = [f.related_model._meta.label for f in fk_fields(model) if not f.null] + list(
            RAW_IDS.get(label, {}).values()
        )
        needs += OPTIONAL_PARENTS.get(label, ())
        for target in needs:
            if target in chosen and target != label:
                visit(target, (*path, label))
        seen.add(label)
        order.append(label)

    # What keeps ids of any table in JSON or plain columns comes after everything else.
    late = [label for label in LATE if label in chosen]
    for label in sorted(set(chosen) - set(late)):
        visit(label)
    return [chosen[label] for label in order + late]


def fk_fields(model) -> list[models.ForeignKey]:
    return [
        f for f in model._meta.concrete_fields if f.is_relation and (f.many_to_one or f.one_to_one)
    ]


def file_fields(model) -> list[models.FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def storage_kind(field: models.FileField) -> str:
    from django.core.files.storage import default_storage

    return "media" if field.storage is default_storage else "private"


# --- remapping ids: one function used by the import and by comparisons ---

Lookup = Callable[[str, object], object]  # (model label, old id) -> new id or None


def _map_id(lookup: Lookup, label: str, value):
    if value is None or isinstance(value, bool) or not isinstance(value, int):
        return value
    return lookup(label, value)


def _map_json(lookup: Lookup, refs: dict[str, str], data):
    if not isinstance(data, dict):
        return data
    out = dict(data)
    for key, label in refs.items():
        if key not in out:
            continue
        value = out[key]
        if isinstance(value, list):
            out[key] = [_map_id(lookup, label, v) for v in value]
        else:
            out[key] = _map_id(lookup, label, value)
    return out


def remap_fields(label: str, fields: dict, lookup: Lookup, fk_targets: dict[str, str]) -> dict:
    """``fields`` (attname -> value) with every id in it passed through ``lookup``."""
    out = dict(fields)
    for attname, target in fk_targets.items():
        if out.get(attname) is not None:
            out[attname] = lookup(target, out[attname])
    for attname, target in RAW_IDS.get(label, {}).items():
        out[attname] = _map_id(lookup, target, out.get(attname))
    if label in EVENT_MARKS:
        attname = EVENT_MARKS[label]
        out[attname] = lookup("mark:" + EVENT, out.get(attname) or 0) or 0
    if label == EVENT:
        refs = {**EVENT_DATA, **EVENT_DATA_BY_VERB.get(out.get("verb"), {})}
        out["data"] = _map_json(lookup, refs, out.get("data"))
    if label == "communities.StaffAction":
        out["details"] = _map_json(lookup, STAFF_DETAILS, out.get("details"))
    if label == "notifications.Notification":
        out["actor_ids"] = [_map_id(lookup, USER, v) for v in out.get("actor_ids") or []]
        prefix, _, rest = str(out.get("group_key", "")).partition(":")
        if prefix in GROUP_KEYS and rest.isdigit():
            out["group_key"] = f"{prefix}:{lookup(GROUP_KEYS[prefix], int(rest))}"
    if "object_type" in out and "object_id" in out and out.get("object_type"):
        try:
            target = apps.get_model(out["object_type"])._meta.label
        except (LookupError, ValueError):
            target = None
        if target is not None:
            out["object_id"] = _map_id(lookup, target, out["object_id"])
    return out


def fk_targets(model) -> dict[str, str]:
    return {f.attname: f.related_model._meta.label for f in fk_fields(model)}


def lookup_in(mapping: dict[str, dict[int, int]], event_ids: list[int]) -> Lookup:
    """A lookup in ``mapping`` (label -> old id -> new id). A mark (``"mark:" + EVENT``)
    becomes the new id of the last event at or before it, found in ``event_ids`` (the old
    ids, sorted by the time the lookup is used), or 0 when there is none."""

    def lookup(label, old):
        if label.startswith("mark:"):
            i = bisect.bisect_right(event_ids, old)
            return mapping[EVENT][event_ids[i - 1]] if i else 0
        return mapping.get(label, {}).get(old)

    return lookup
