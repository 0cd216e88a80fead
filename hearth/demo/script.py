"""Threads written as units: a title, an opening post and the replies that answer it, in
order, each marked with who says it. The history decides when each reply is posted and who
among the members or staff says it; the script decides what is said, so every reply belongs
to its topic.

A thread in the script text::

    # Title
    Opening post (one line; "\\n" for a line break).
    - a reply by anyone but the author
    > a reply to the previous post, starting with its author's @mention
    = the answer (questions): by staff early on, by helpful members later
    op: the author speaks (a reply to the previous post)
    staff: a reply by a staff member

In a reply, ``{op}``, ``{prev}`` and ``{ans}`` become the @mention of the author, the
previous poster and whoever posted the answer; ``{opname}`` and ``{prevname}`` their first
names; ``{quote}`` a quote of the previous post's first sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass

ANYONE, REPLY_PREV, ANSWER, AUTHOR, STAFF = "-", ">", "=", "op", "staff"
_MARKERS = (("op:", AUTHOR), ("staff:", STAFF), ("- ", ANYONE), ("> ", REPLY_PREV), ("= ", ANSWER))


@dataclass(frozen=True)
class Line:
    speaker: str  # one of ANYONE, REPLY_PREV, ANSWER, AUTHOR, STAFF
    text: str

    @property
    def by_author(self) -> bool:
        return self.speaker == AUTHOR


@dataclass(frozen=True)
class Script:
    title: str
    body: str
    replies: tuple[Line, ...] = ()
    category: str = ""

    @property
    def answer(self) -> int | None:
        """Index of the reply that answers the question, if any."""
        for i, line in enumerate(self.replies):
            if line.speaker == ANSWER:
                return i
        return None


def parse(text: str, category: str = "") -> list[Script]:
    """The scripts in ``text``; ``=== slug`` lines set the category of those after it."""
    scripts: list[Script] = []
    title, body, replies = None, None, []

    def flush():
        if title is not None:
            scripts.append(Script(title, body or "", tuple(replies), category))

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("=== "):
            flush()
            title, body, replies = None, None, []
            category = line[4:].strip()
        elif line.startswith("# "):
            flush()
            title, body, replies = line[2:].strip(), None, []
        elif body is None:
            body = line.replace("\\n", "\n")
        else:
            for marker, speaker in _MARKERS:
                if line.startswith(marker):
                    replies.append(Line(speaker, line[len(marker) :].strip().replace("\\n", "\n")))
                    break
            else:
                raise ValueError(f"Unmarked reply in {title!r}: {line!r}")
    flush()
    return scripts


_SENTENCE = re.compile(r"^(.+?[.!?])(\s|$)", re.S)


def first_sentence(body: str) -> str:
    body = body.split("\n\n")[-1] if body.startswith(">") else body
    match = _SENTENCE.match(body.strip())
    return (match.group(1) if match else body.strip())[:200]


def render(text: str, *, op, prev, ans, prev_body: str = "") -> str:
    """``text`` with the people's mentions and names filled in (``op``, ``prev``, ``ans``
    are users or None)."""

    def at(user):
        return f"@{user.username}" if user is not None else ""

    def first(user):
        return user.display_name.split()[0] if user is not None else ""

    quote = ""
    if prev is not None and prev_body:
        quote = f"> @{prev.username} wrote:\n> {first_sentence(prev_body)}\n\n"
    return text.format(
        op=at(op),
        prev=at(prev),
        ans=at(ans or prev),
        opname=first(op),
        prevname=first(prev),
        quote=quote,
    ).strip()
