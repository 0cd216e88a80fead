"""Writing one community to an archive (``hearth export-community``)."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from datetime import datetime, time
from pathlib import Path

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.utils.encoding import is_protected_type

from hearth.archive.backup import Target, applied_migrations
from hearth.archive.common import ArchiveError, manifest_head, progress
from hearth.archive.community.layout import (
    COMMUNITY,
    FILE_PREFIX,
    FORMAT,
    FORMAT_VERSION,
    USER,
    USER_FIELDS,
    archived_models,
    file_fields,
    fk_targets,
    remap_fields,
    storage_kind,
)


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
    manifest = {
        **manifest_head(FORMAT, FORMAT_VERSION, applied_migrations(Target.current())),
        "community": {"slug": community.slug, "name": community.name},
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
                targets = fk_targets(model)
                files = file_fields(model)

                def rows(qs=qs, model=model, label=label, targets=targets, files=files):
                    for obj in qs.iterator(chunk_size=2000):
                        row = _row(model, obj)
                        remap_fields(label, row["fields"], collect_users, targets)
                        for f in files:
                            name = row["fields"][f.attname]
                            if name:
                                uploads[FILE_PREFIX[storage_kind(f)] + name] = (f, name)
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
