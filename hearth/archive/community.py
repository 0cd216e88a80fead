"""One community's full archive (``hearth export-community`` / ``hearth import-community``).

The archive is a zip of JSON lines:

- ``manifest.json``: format, Hearth's version, schema (applied migrations), when, which
  community, the row count of every file and the SHA-256 and size of every other member;
- ``users.jsonl``: each account the community's rows refer to, with its public profile and
  email address (so an import links to the same person's existing account) and never a
  password hash, session, social-login token or API key;
- ``data/<app>.<model>.jsonl``: every row of each community-owned table, in an order that
  imports parents before children, one ``{"pk": …, "fields": {…}}`` per line;
- ``files/media/…`` and ``files/private/…``: the uploads those rows name (logo, avatars,
  post images).

An import checks every checksum and the schema first, then writes everything in one
transaction: any damage (a bad line, a missing file) leaves the install as it was. Every id
is remapped, including the ids that the event log, notifications and trust bookkeeping keep
in plain integer columns and JSON. Derived tables (analytics rollups, the search index) are
not archived: the import recomputes them from what it imported."""

from __future__ import annotations

import json
import re
import secrets
import zipfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, time
from pathlib import Path

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, connection, models, transaction
from django.db.models.functions import Coalesce
from django.utils.encoding import is_protected_type

from hearth.archive.backup import Target, applied_migrations
from hearth.archive.common import (
    ArchiveError,
    check_schema,
    hearth_version,
    progress,
    schema_summary,
)

FORMAT = "hearth-community"
FORMAT_VERSION = 1
USER = "accounts.User"
COMMUNITY = "communities.Community"
EVENT = "core.InteractionEvent"

# Not archived: secrets (API keys), the outgoing mail queue, and what is recomputed from the
# archived rows on import (analytics rollups and snapshots, the search index).
SKIPPED = {
    "api.ApiKey",
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
        needs = [f.related_model._meta.label for f in _fk_fields(model) if not f.null] + list(
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


def _fk_fields(model) -> list[models.ForeignKey]:
    return [
        f for f in model._meta.concrete_fields if f.is_relation and (f.many_to_one or f.one_to_one)
    ]


def _file_fields(model) -> list[models.FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def _storage_kind(field: models.FileField) -> str:
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


def _fk_targets(model) -> dict[str, str]:
    return {f.attname: f.related_model._meta.label for f in _fk_fields(model)}


# --- export ---


def _encode(field: models.Field, obj):
    value = field.value_from_object(obj)
    if isinstance(field, models.FileField):
        return value.name or ""
    if is_protected_type(value) or isinstance(value, (list, dict, str, bool)):
        return value
    return field.value_to_string(obj)


def _row(model, obj) -> dict:
    fields = {f.attname: _encode(f, obj) for f in model._meta.concrete_fields if not f.primary_key}
    return {"pk": obj.pk, "fields": fields}


class _Encoder(DjangoJSONEncoder):
    """Django's encoder, but times keep their microseconds."""

    def default(self, o):
        if isinstance(o, (datetime, time)):
            return o.isoformat()
        return super().default(o)


def _line(data) -> bytes:
    return (json.dumps(data, cls=_Encoder, sort_keys=True) + "\n").encode()


def export_community(slug: str, path: Path, *, show: bool = False) -> dict:
    """Write community ``slug`` to the zip at ``path``; returns the manifest."""
    import hashlib

    from hearth.accounts.models import User
    from hearth.communities.models import Community

    community = Community.objects.filter(slug=slug).first()
    if community is None:
        raise ArchiveError(f"No community with the slug {slug!r}.")
    path = Path(path)
    if path.exists():
        raise ArchiveError(f"{path} already exists; give another name.")
    latest, every = schema_summary(applied_migrations(Target.current()))
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "hearth_version": hearth_version(),
        "created_at": datetime.now(UTC).isoformat(),
        "community": {"slug": community.slug, "name": community.name},
        "schema": latest,
        "migrations": every,
        "models": [],
        "counts": {},
        "files": {},
    }
    user_ids: set[int] = set()
    uploads: dict[str, tuple[models.FileField, str]] = {}

    def collect_users(label, value):
        if label == USER and isinstance(value, int):
            user_ids.add(value)
        return value

    partial = path.with_name(path.name + ".partial")
    path.parent.mkdir(parents=True, exist_ok=True)
    outermost = not connection.in_atomic_block
    try:
        with transaction.atomic(), zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as zf:
            if outermost and connection.vendor == "postgresql":
                # Every table read from one snapshot, while the site keeps writing.
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")

            def write(name: str, chunks: Iterator[bytes]) -> int:
                digest, size, lines = hashlib.sha256(), 0, 0
                info = zipfile.ZipInfo(name, date_time=datetime.now().timetuple()[:6])
                info.compress_type = zipfile.ZIP_DEFLATED
                with zf.open(info, "w", force_zip64=True) as fh:
                    for chunk in chunks:
                        digest.update(chunk)
                        fh.write(chunk)
                        size += len(chunk)
                        lines += 1
                manifest["files"][name] = {"sha256": digest.hexdigest(), "size": size}
                return lines

            models_ = archived_models()
            bar = progress(total=len(models_), desc="export", unit="table", enabled=show)
            for model in models_:
                label = model._meta.label
                if label == COMMUNITY:
                    qs = model.objects.filter(pk=community.pk)
                else:
                    qs = model._base_manager.filter(community=community).order_by("pk")
                targets = _fk_targets(model)
                files = _file_fields(model)

                def rows(qs=qs, model=model, label=label, targets=targets, files=files):
                    for obj in qs.iterator(chunk_size=2000):
                        row = _row(model, obj)
                        remap_fields(label, row["fields"], collect_users, targets)
                        for f in files:
                            name = row["fields"][f.attname]
                            if name:
                                uploads[FILE_PREFIX[_storage_kind(f)] + name] = (f, name)
                        yield _line(row)

                count = write(f"data/{label}.jsonl", rows())
                manifest["models"].append(label)
                manifest["counts"][label] = count
                bar.update(1)
            bar.close()

            avatar = User._meta.get_field("avatar")
            users = User.objects.filter(pk__in=user_ids).order_by("pk")

            def user_rows():
                for user in users.iterator():
                    fields = {
                        name: _encode(User._meta.get_field(name), user) for name in USER_FIELDS
                    }
                    if fields["avatar"]:
                        uploads[FILE_PREFIX["media"] + fields["avatar"]] = (
                            avatar,
                            fields["avatar"],
                        )
                    yield _line({"pk": user.pk, "fields": fields})

            manifest["counts"][USER] = write("users.jsonl", user_rows())

            bar = progress(total=len(uploads), desc="uploads", unit="file", enabled=show)
            for arcname, (field, name) in sorted(uploads.items()):
                storage = field.storage
                if not storage.exists(name):
                    continue  # a row naming a file that is gone: nothing to carry

                def chunks(storage=storage, name=name):
                    with storage.open(name, "rb") as fh:
                        while chunk := fh.read(1024 * 1024):
                            yield chunk

                write(arcname, chunks())
                bar.update(1)
            bar.close()
            zf.writestr("manifest.json", json.dumps(manifest, indent=2, sort_keys=True))
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return manifest


# --- reading an archive back ---


class Archive:
    """A verified community archive: manifest checked, every member's checksum right."""

    def __init__(self, path: Path):
        import hashlib

        path = Path(path)
        if not path.is_file():
            raise ArchiveError(f"No archive at {path}.")
        try:
            self.zip = zipfile.ZipFile(path)
            manifest = json.loads(self.zip.read("manifest.json"))
        except KeyError as exc:
            raise ArchiveError("The archive has no manifest.json.") from exc
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            raise ArchiveError(f"{path} is not a readable archive (damaged or truncated).") from exc
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise ArchiveError("This is not a Hearth community archive.")
        if manifest.get("format_version", 0) > FORMAT_VERSION:
            raise ArchiveError("This archive was written in a newer format; upgrade Hearth first.")
        check_schema(manifest)
        files = manifest.get("files")
        if not isinstance(files, dict):
            raise ArchiveError("The manifest lists no files.")
        names = set(self.zip.namelist()) - {"manifest.json"}
        missing = sorted(set(files) - names)
        if missing:
            raise ArchiveError(f"The archive is incomplete: {missing[0]} is missing.")
        extra = sorted(names - set(files))
        if extra:
            raise ArchiveError(f"The archive holds a file its manifest does not list: {extra[0]}.")
        for name, meta in files.items():
            digest = hashlib.sha256()
            try:
                with self.zip.open(name) as fh:
                    while chunk := fh.read(1024 * 1024):
                        digest.update(chunk)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise ArchiveError(f"{name} cannot be read: the archive is damaged.") from exc
            if digest.hexdigest() != meta.get("sha256"):
                raise ArchiveError(f"Checksum mismatch for {name}: the archive is damaged.")
        if "users.jsonl" not in files or "data/communities.Community.jsonl" not in files:
            raise ArchiveError("The archive is incomplete: it has no users or no community.")
        self.manifest = manifest

    def rows(self, name: str) -> Iterator[dict]:
        with self.zip.open(name) as fh:
            for number, raw in enumerate(fh, 1):
                try:
                    row = json.loads(raw)
                except ValueError as exc:
                    raise ArchiveError(f"{name}, line {number}: not valid JSON.") from exc
                if (
                    not isinstance(row, dict)
                    or not isinstance(row.get("pk"), int)
                    or not isinstance(row.get("fields"), dict)
                ):
                    raise ArchiveError(f"{name}, line {number}: not a row of this archive.")
                yield row

    def model_files(self) -> list[tuple[type[models.Model], str]]:
        out = []
        for label in self.manifest.get("models", []):
            try:
                model = apps.get_model(label)
            except (LookupError, ValueError) as exc:
                raise ArchiveError(f"The archive names an unknown table {label!r}.") from exc
            name = f"data/{label}.jsonl"
            if name not in self.manifest["files"]:
                raise ArchiveError(f"The archive is incomplete: {name} is missing.")
            out.append((model, name))
        return out


# --- import ---


def _decode(model, fields: dict, where: str) -> dict:
    from django.core.exceptions import FieldDoesNotExist, ValidationError

    out = {}
    for attname, value in fields.items():
        try:
            field = model._meta.get_field(attname)
        except FieldDoesNotExist as exc:
            raise ArchiveError(f"{where}: unknown field {attname!r}.") from exc
        if field.is_relation or value is None:
            out[attname] = value
            continue
        try:
            out[attname] = field.to_python(value)
        except (ValidationError, TypeError, ValueError) as exc:
            raise ArchiveError(f"{where}: bad value for {attname}.") from exc
    return out


def _free_username(wanted: str) -> str:
    from hearth.accounts import usernames
    from hearth.accounts.models import User

    base = wanted[:140] or "member"
    candidate, n = base, 1
    while User.objects.filter(username_key=usernames.key(candidate)).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def import_community(path: Path, *, slug: str | None = None, show: bool = False) -> dict:
    """Import the archive at ``path`` as a new community (``slug`` renames it); returns a
    summary. Nothing is written unless everything is."""
    from django.core.files.storage import default_storage

    from hearth.accounts.models import User
    from hearth.communities.models import Community, Invite

    archive = Archive(path)
    manifest = archive.manifest
    new_slug = slug or manifest.get("community", {}).get("slug", "")
    if slug is not None:
        from django.core.exceptions import ValidationError

        try:
            Community._meta.get_field("slug").run_validators(slug)
            Community._meta.get_field("slug").clean(slug, None)
        except ValidationError as exc:
            raise ArchiveError(f"{slug!r} is not a valid slug.") from exc
    if Community.objects.filter(slug=new_slug).exists():
        raise ArchiveError(
            f"A community with the slug {new_slug!r} already exists here: give a free one "
            "with --slug."
        )
    written: list[tuple[object, str]] = []  # (storage, name) to remove if anything fails
    mapping: dict[str, dict[int, int]] = {}
    event_old_ids: list[int] = []
    matched = created = 0

    def lookup(label, old):
        if label.startswith("mark:"):
            import bisect

            i = bisect.bisect_right(event_old_ids, old)
            return mapping[EVENT][event_old_ids[i - 1]] if i else 0
        return mapping.get(label, {}).get(old)

    try:
        with transaction.atomic():
            # Accounts: the same email address is the same person.
            users = mapping.setdefault(USER, {})
            for row in archive.rows("users.jsonl"):
                fields = _decode(User, row["fields"], "users.jsonl")
                email = (fields.get("email") or "").strip()
                existing = User.objects.filter(email__iexact=email).first() if email else None
                if existing is not None:
                    users[row["pk"]] = existing.pk
                    matched += 1
                    continue
                avatar = fields.pop("avatar", "") or ""
                user = User(**{k: v for k, v in fields.items() if k in USER_FIELDS})
                user.username = _free_username(fields.get("username") or "member")
                user.set_unusable_password()
                if avatar:
                    user.avatar.name = _import_file(
                        archive, "media", avatar, default_storage, written
                    )
                user.save()
                users[row["pk"]] = user.pk
                created += 1

            deferred: list[tuple[type[models.Model], int, str, str, int]] = []
            done_models: set[str] = {USER}
            model_files = archive.model_files()
            total = sum(manifest["counts"].get(m._meta.label, 0) for m, _ in model_files)
            bar = progress(total=total, desc="import", unit="row", enabled=show)
            for model, name in model_files:
                label = model._meta.label
                targets = _fk_targets(model)
                files = _file_fields(model)
                ids = mapping.setdefault(label, {})
                for number, row in enumerate(archive.rows(name), 1):
                    where = f"{name}, line {number}"
                    fields = remap_fields(
                        label, _decode(model, row["fields"], where), lookup, targets
                    )
                    later = []
                    for attname, target in targets.items():
                        old = row["fields"].get(attname)
                        if old is None:
                            continue
                        if fields.get(attname) is None:
                            if target == label or target not in done_models:
                                later.append((attname, target, old))
                                fields[attname] = None
                                continue
                            raise ArchiveError(f"{where}: {attname} names a row not archived.")
                    pk_field = model._meta.pk
                    if pk_field.is_relation:  # a one-to-one primary key (a question's topic)
                        fields[pk_field.attname] = lookup(
                            pk_field.related_model._meta.label, row["pk"]
                        )
                        if fields[pk_field.attname] is None:
                            raise ArchiveError(f"{where}: its key names a row not archived.")
                    if label == COMMUNITY:
                        fields["slug"] = new_slug
                    if (
                        label == "communities.Invite"
                        and Invite.objects.filter(code=fields.get("code")).exists()
                    ):
                        fields["code"] = secrets.token_urlsafe(12)
                    for f in files:
                        if fields.get(f.attname):
                            kind = _storage_kind(f)
                            fields[f.attname] = _import_file(
                                archive, kind, fields[f.attname], f.storage, written
                            )
                    try:
                        obj = model(**fields)
                        models.Model.save_base(obj, raw=True, force_insert=True)
                    except (DatabaseError, TypeError, ValueError) as exc:
                        raise ArchiveError(f"{where}: cannot be imported ({exc}).") from exc
                    ids[row["pk"]] = obj.pk
                    if label == EVENT:
                        event_old_ids.append(row["pk"])
                    for attname, target, old in later:
                        deferred.append((model, obj.pk, attname, target, old))
                    bar.update(1)
                done_models.add(label)
                if label == EVENT:
                    event_old_ids.sort()
            bar.close()
            for model, pk, attname, target, old in deferred:
                new = lookup(target, old)
                if new is None:
                    raise ArchiveError(
                        f"data/{model._meta.label}.jsonl: {attname} names a row not archived."
                    )
                model._base_manager.filter(pk=pk).update(**{attname: new})
            community = Community.objects.get(pk=mapping[COMMUNITY][_only(mapping[COMMUNITY])])
            recount(community)
    except BaseException:
        for storage, name in written:
            storage.delete(name)
        raise
    _recompute(community)
    return {
        "community": community,
        "users_matched": matched,
        "users_created": created,
        "rows": sum(len(ids) for label, ids in mapping.items() if label != USER),
    }


def recount(community) -> None:
    """Set the kept counters from the rows themselves, as the services count them: active
    members; each topic's published, undeleted posts (discussions.services._recount); each
    category's undeleted topics and counted posts."""
    from django.db.models import Count, OuterRef, Q, Subquery

    from hearth.communities.models import Community, Membership, MembershipStatus
    from hearth.discussions.models import Category, Post, ReviewState, Topic
    from hearth.discussions.services import _recount

    active = Membership.objects.filter(community=community, status=MembershipStatus.ACTIVE)
    Community.objects.filter(pk=community.pk).update(member_count=active.count())
    for topic in Topic.objects.filter(community=community).iterator():
        _recount(topic)
    counted = Q(deleted_at=None) & (Q(review_state=ReviewState.PUBLISHED) | Q(number=1))

    def per_category(qs):
        return Subquery(
            qs.filter(category_id=OuterRef("pk"))
            .order_by()
            .values("category_id")
            .annotate(n=Count("pk"))
            .values("n")
        )

    Category.objects.filter(community=community).update(
        topic_count=Coalesce(per_category(Topic.objects.filter(deleted_at=None)), 0),
        post_count=Coalesce(
            Subquery(
                Post.objects.filter(counted, topic__category_id=OuterRef("pk"))
                .order_by()
                .values("topic__category_id")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            0,
        ),
    )
    community.refresh_from_db()


def _only(ids: dict[int, int]) -> int:
    if len(ids) != 1:
        raise ArchiveError("The archive must hold exactly one community.")
    return next(iter(ids))


def _import_file(archive: Archive, kind: str, name: str, storage, written: list) -> str:
    arcname = FILE_PREFIX[kind] + name
    if arcname not in archive.manifest["files"]:
        return name  # the file was already gone when the archive was made
    if not re.fullmatch(r"[\w./ -]+", name) or ".." in name.split("/") or name.startswith("/"):
        raise ArchiveError(f"Unsafe upload name {name!r} in the archive.")
    data = archive.zip.read(arcname)
    if storage.exists(name):
        with storage.open(name, "rb") as fh:
            if fh.read() == data:
                return name  # the same file, e.g. importing back into the same install
    saved = storage.save(name, ContentFile(data))
    written.append((storage, saved))
    return saved


def _recompute(community) -> None:
    """Rebuild what the archive leaves out: analytics rollups and the search index."""
    from hearth.analytics import rollups
    from hearth.search.index import rebuild_index

    rollups.rebuild(community)
    rebuild_index(community_id=community.pk)


# --- comparing two archives (tests, and operators checking a move) ---


def normalized(path: Path) -> dict[str, list[dict]]:
    """Every row of an archive with ids replaced by their rank within their table, so two
    archives of the same community made on different installs compare equal."""
    archive = Archive(path)
    ranks: dict[str, dict[int, int]] = {}
    user_rows = list(archive.rows("users.jsonl"))
    ranks[USER] = {row["pk"]: i for i, row in enumerate(user_rows, 1)}
    files = archive.model_files()
    loaded = {}
    for model, name in files:
        rows = list(archive.rows(name))
        ranks[model._meta.label] = {row["pk"]: i for i, row in enumerate(rows, 1)}
        loaded[model] = rows
    events = sorted(ranks.get(EVENT, {}))

    def lookup(label, old):
        if label.startswith("mark:"):
            import bisect

            i = bisect.bisect_right(events, old)
            return ranks[EVENT][events[i - 1]] if i else 0
        return ranks.get(label, {}).get(old)

    out = {"users.jsonl": [dict(row["fields"], pk=None) for row in user_rows]}
    for model, rows in loaded.items():
        label = model._meta.label
        targets = _fk_targets(model)
        out[label] = [
            remap_fields(label, row["fields"], lookup, targets) | {"pk": ranks[label][row["pk"]]}
            for row in rows
        ]
    return out
