"""Reading a community archive back: the manifest, every member's checksum, the rows."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

from django.apps import apps
from django.db import models

from hearth.archive.common import ArchiveError, check_schema
from hearth.archive.community.layout import FORMAT, FORMAT_VERSION


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
