"""What the benchmark measures: one entry per page, shared by ``bench.probe`` (query counts,
in-process) and ``bench.run`` (load over HTTP)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from urllib.parse import quote

REPLY_BODY = "A benchmark reply: thanks, this helped. Does it still hold with **more** data?"


@dataclass(frozen=True)
class Page:
    key: str
    label: str
    path: str
    method: str = "GET"
    member: bool = False  # as the signed-in bench member (else anonymous)
    expect: int = 200
    kind: str = "page"  # page | list | search | write | floor

    def form(self) -> dict[str, str] | None:
        """The POST body: a fresh client_token each time, as each rendered form has."""
        if self.method != "POST":
            return None
        return {"body": REPLY_BODY, "client_token": uuid.uuid4().hex}


def pages(info: dict, floor_bytes: int | None = None) -> list[Page]:
    c, topic = info["community"], info["big_topic_id"]
    topic_path = f"/c/{c}/t/{info['big_topic_slug']}/{topic}/"
    found = []
    if floor_bytes is not None:
        found.append(
            Page("floor", "framework floor", f"/__floor__?bytes={floor_bytes}", kind="floor")
        )
    found += [
        Page("topic", "topic page (500 posts, page 1)", topic_path),
        Page("topic_member", "topic page, signed in", f"{topic_path}?page=1", member=True),
        Page(
            "category", "category topic list", f"/c/{c}/category/{info['category']}/", kind="list"
        ),
        Page("home", "community home", f"/c/{c}/", kind="list"),
        Page(
            "search",
            f"search, common word ({info['search_word_docs']:,} hits)",
            f"/c/{c}/search?q={quote(info['search_word'])}",
            kind="search",
        ),
        Page(
            "search_member",
            f"search, common word, signed in ({info['search_word_docs']:,} hits)",
            f"/c/{c}/search?q={quote(info['search_word'])}",
            member=True,
            kind="search",
        ),
        Page(
            "search_rare",
            f"search, rare word ({info['rare_word_docs']:,} hits)",
            f"/c/{c}/search?q={quote(info['rare_word'])}",
            kind="search",
        ),
    ]
    if info.get("ideas_category"):  # seeds before version 4 had no Q&A or ideas boards
        ideas = f"/c/{c}/category/{info['ideas_category']}/"
        found += [
            Page(
                "unanswered",
                f"unanswered queue ({info['unanswered']:,} questions)",
                f"/c/{c}/unanswered",
                kind="list",
            ),
            Page(
                "ideas_votes",
                f"ideas by votes ({info['ideas']:,} ideas)",
                f"{ideas}?sort=votes",
                kind="list",
            ),
            Page("ideas_trending", "ideas trending", f"{ideas}?sort=trending", kind="list"),
            Page("roadmap", "roadmap", f"/c/{c}/ideas/roadmap", kind="list"),
        ]
    if info.get("members_seeded"):  # seeds before issue 5 had no profiles or interests
        found += member_pages(info)
    found += [
        Page(
            "reply",
            "post a reply (POST)",
            f"/c/{c}/t/{topic}/reply",
            method="POST",
            member=True,
            expect=302,
            kind="write",
        ),
    ]
    return found


def member_pages(info: dict) -> list[Page]:
    """The member directory and "members like you" (issue 5), as the bench member: it is
    members who look for each other, and the directory marks the interests they share."""
    c = info["community"]
    members = f"/c/{c}/members/"

    def directory(key: str, label: str, query: str = "") -> Page:
        return Page(key, label, f"{members}?{query}" if query else members, member=True,
                    kind="list")  # fmt: skip

    return [
        directory("members", f"directory ({info['listed_profiles']:,} listed)"),
        directory(
            "members_popular",
            f"directory, popular interest ({info['popular_interest_listed']:,})",
            f"interest={quote(info['popular_interest'])}",
        ),
        directory(
            "members_rare",
            f"directory, rare interest ({info['rare_interest_listed']:,})",
            f"interest={quote(info['rare_interest'])}",
        ),
        directory(
            "members_search",
            f"directory, name search ({info['directory_query_listed']:,})",
            f"q={quote(info['directory_query'])}",
        ),
        directory("members_active", "directory by activity", "sort=active"),
        directory(
            "members_answer",
            f"directory, profile answer ({info['answer_filter_listed']:,})",
            f"answer={quote(info['answer_filter'])}",
        ),
        directory(
            "members_helpful",
            f"directory, most helpful ({info['helpful_listed']:,})",
            "show=helpful",
        ),
        Page(
            "home_member",
            "community home, signed in (like you)",
            f"/c/{c}/",
            member=True,
            kind="list",
        ),  # fmt: skip
        Page(
            "profile_own",
            "own profile (members like you)",
            f"/c/{c}/u/{info['bench_user']}/",
            member=True,
        ),  # fmt: skip
    ]
