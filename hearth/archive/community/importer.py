"""Importing a community archive as a new community (``hearth import-community``): every
id remapped, accounts linked by email, all in one transaction."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import DatabaseError, models, transaction

from hearth.archive.common import ArchiveError, free_username, progress, recount
from hearth.archive.community.layout import (
    COMMUNITY,
    EVENT,
    FILE_PREFIX,
    USER,
    USER_FIELDS,
    file_fields,
    fk_targets,
    lookup_in,
    remap_fields,
    storage_kind,
)
from hearth.archive.community.reader import Archive


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

    lookup = lookup_in(mapping, event_old_ids)

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
                user.username = free_username(fields.get("username") or "member")
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
                targets = fk_targets(model)
                files = file_fields(model)
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
                            kind = storage_kind(f)
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
