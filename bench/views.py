"""The framework floor: a bare Django view that renders a template, touching no database.

It runs behind the same middleware, context processors and ASGI server as the app, so the
difference between a page and the floor is what the page itself costs (queries, policy,
its templates). ``?bytes=N`` sizes the output to about N bytes, so it can match the page it
is compared with; the benchmark passes the topic page's size."""

from datetime import UTC, datetime, timedelta

from django.shortcuts import render
from django.template.loader import get_template

POSTS = 20  # a topic page shows 20 posts
MIN_BYTES, MAX_BYTES = 1_000, 2_000_000
WORDS = [
    "lorem",
    "ipsum",
    "dolor",
    "sit",
    "amet",
    "consectetur",
    "adipiscing",
    "elit",
    "sed",
    "do",
    "eiusmod",
    "tempor",
    "incididunt",
    "ut",
    "labore",
    "et",
    "dolore",
    "magna",
    "aliqua",
    "enim",
    "ad",
    "minim",
    "veniam",
    "quis",
    "nostrud",
    "exercitation",
]
_filler_chars: dict[int, int] = {}


def _posts(chars: int) -> list[dict]:
    start = datetime(2025, 1, 1, tzinfo=UTC)
    text = " ".join(WORDS * (chars // 20 + 1))[:chars]
    return [
        {
            "number": n,
            "author": f"member{n * 37}",
            "name": f"Member {n * 37}",
            "created_at": start + timedelta(hours=n),
            "html": f"<p>{text}</p>",
            "reactions": [("thumbsup", "👍", n % 4)],
        }
        for n in range(1, POSTS + 1)
    ]


def _context(chars: int) -> dict:
    return {"title": "The framework floor", "posts": _posts(chars), "total": POSTS * 25}


def _chars_for(target: int) -> int:
    """Characters of text per post that bring the page to about ``target`` bytes."""
    if target not in _filler_chars:
        template = get_template("floor.html")
        base = len(template.render(_context(0)).encode())
        _filler_chars[target] = max(0, (target - base) // POSTS)
    return _filler_chars[target]


def floor(request):
    try:
        target = int(request.GET.get("bytes", 30_000))
    except ValueError:
        target = 30_000
    target = min(max(target, MIN_BYTES), MAX_BYTES)
    return render(request, "floor.html", _context(_chars_for(target)))
