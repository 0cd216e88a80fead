"""A readable line diff between two rules texts (difflib), as rows the templates render
escaped, with <ins>/<del> and a +/− sign so the change reads without colour."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

# Unchanged lines kept around each change; longer unchanged runs are folded.
CONTEXT = 2


@dataclass(frozen=True)
class Row:
    kind: str  # "same", "ins", "del" or "fold" (``text`` is then how many lines are folded)
    text: str
    old_number: int | None = None
    new_number: int | None = None


def line_diff(old: str, new: str, *, context: int = CONTEXT) -> list[Row]:
    """Every change from ``old`` to ``new`` line by line, unchanged runs longer than twice
    ``context`` folded into one "fold" row. An empty list means no change."""
    a, b = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    opcodes = matcher.get_opcodes()
    if all(tag == "equal" for tag, *_ in opcodes):
        return []
    rows: list[Row] = []
    for index, (tag, i1, i2, j1, j2) in enumerate(opcodes):
        if tag == "equal":
            lines = list(range(i1, i2))
            keep_before = context if index > 0 else 0
            keep_after = context if index < len(opcodes) - 1 else 0
            if len(lines) > keep_before + keep_after:
                head = lines[:keep_before]
                tail = lines[len(lines) - keep_after :] if keep_after else []
                folded = len(lines) - len(head) - len(tail)
            else:
                head, tail, folded = lines, [], 0
            rows += [Row("same", a[i], i + 1, j1 + (i - i1) + 1) for i in head]
            if folded:
                rows.append(Row("fold", str(folded)))
            rows += [Row("same", a[i], i + 1, j1 + (i - i1) + 1) for i in tail]
            continue
        rows += [Row("del", a[i], old_number=i + 1) for i in range(i1, i2)]
        rows += [Row("ins", b[j], new_number=j + 1) for j in range(j1, j2)]
    return rows


def counts(rows: list[Row]) -> tuple[int, int]:
    """Lines added and removed."""
    return sum(r.kind == "ins" for r in rows), sum(r.kind == "del" for r in rows)
