"""Comparing two archives (tests, and operators checking a move)."""

from __future__ import annotations

from pathlib import Path

from hearth.archive.community.layout import EVENT, USER, fk_targets, lookup_in, remap_fields
from hearth.archive.community.reader import Archive


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

    lookup = lookup_in(ranks, events)

    out = {"users.jsonl": [dict(row["fields"], pk=None) for row in user_rows]}
    for model, rows in loaded.items():
        label = model._meta.label
        targets = fk_targets(model)
        out[label] = [
            remap_fields(label, row["fields"], lookup, targets) | {"pk": ranks[label][row["pk"]]}
            for row in rows
        ]
    return out
