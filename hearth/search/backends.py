"""One search interface, two engines: SQLite FTS5 and PostgreSQL full-text search.

``search_posts`` is the only entry point. It never sees a user or a community's rules: the
caller (``hearth.search.selectors``) passes the categories the searcher may read, and this
module only ever returns documents inside them.

The user's words never reach either query language as syntax. ``parse_query`` keeps words
and "quoted phrases" (letters, marks and digits only) and the engines receive every one of
them as a quoted phrase, so operators, column filters, NEAR, stars, brackets and stray
quotes are plain text. A query with no words left finds nothing."""

from __future__ import annotations

import json
import logging
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from hearth.search.models import PostDocument

logger = logging.getLogger(__name__)

MAX_QUERY_CHARS = 500
MAX_TERMS = 12
MAX_PHRASE_WORDS = 16
BROWSE_SNIPPET_CHARS = 240
# Ranking: title words weigh more than body words (SQLite: this bm25 column weight;
# PostgreSQL: weight A against B, 1.0 against 0.4), and a topic's first post outranks its
# replies when both match, since it is the one that introduces the topic.
TITLE_WEIGHT = 4.0
FIRST_POST_BOOST = 1.5

# Private-use characters: the engines put them around matched words (MARK_*) and in place
# of angle brackets (LT, GT, PostgreSQL only) in snippets. ``hearth.search.index`` keeps
# them out of indexed text, so every one in a snippet came from the engine.
MARK_START, MARK_STOP, LT, GT = "\ue000", "\ue001", "\ue002", "\ue003"
SENTINELS = MARK_START + MARK_STOP + LT + GT
QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "＂": '"'})
OPERATORS = frozenset({"AND", "OR", "NOT", "NEAR"})
JOINERS = frozenset("-'’._")
DOCS = PostDocument._meta.db_table
FTS = f"{DOCS}_fts"


@dataclass(frozen=True)
class SearchHit:
    post_id: int
    post_number: int
    topic_id: int
    topic_title: str
    topic_slug: str
    category_id: int
    category_name: str
    community_id: int
    community_slug: str
    community_name: str
    author_username: str | None
    author_name: str | None
    created_at: datetime
    snippet: SafeString
    rank: float
    # How many of the search's candidate posts are in this topic (this one included).
    matches: int = 1

    @property
    def url(self) -> str:
        topic = reverse(
            "discussions:topic", args=[self.community_slug, self.topic_slug, self.topic_id]
        )
        return f"{topic}#post-{self.post_number}"


@dataclass(frozen=True)
class SearchResults:
    """One page of topics, best first, and how many the search found.

    ``topics`` and ``posts`` count the candidates (at most ``CANDIDATES`` + 1 posts); when
    ``capped`` there were more matching posts than that, and the page says "1,000+"."""

    hits: list[SearchHit]
    topics: int
    posts: int
    capped: bool

    @classmethod
    def empty(cls) -> SearchResults:
        return cls(hits=[], topics=0, posts=0, capped=False)


@dataclass(frozen=True)
class ParsedQuery:
    """Each term is a tuple of words: one word, or a phrase whose words must be adjacent."""

    terms: tuple[tuple[str, ...], ...]

    def __bool__(self) -> bool:
        return bool(self.terms)

    def as_phrases(self) -> str:
        """Every term as a double-quoted phrase: literal text in both FTS5 and
        websearch_to_tsquery. Words hold no quotes, but double any anyway."""
        return " ".join('"' + " ".join(words).replace('"', '""') + '"' for words in self.terms)


def _is_word_char(char: str) -> bool:
    return unicodedata.category(char)[0] in "LMN"


def _chunks(text: str) -> list[list[str]]:
    """Split text into chunks of words. Letters, combining marks and digits make words;
    a joiner between two words (e-mail, don't, 3.5, snake_case) keeps them in one chunk;
    anything else ends the chunk."""
    chunks: list[list[str]] = []
    words: list[str] = []
    word: list[str] = []
    for i, char in enumerate(text):
        if _is_word_char(char):
            word.append(char)
            continue
        if word:
            words.append("".join(word))
            word = []
        joined = char in JOINERS and 0 < i < len(text) - 1 and _is_word_char(text[i + 1])
        if not joined and words:
            chunks.append(words)
            words = []
    if word:
        words.append("".join(word))
    if words:
        chunks.append(words)
    return chunks


def parse_query(text: str) -> ParsedQuery:
    """Words and "quoted phrases" from what the user typed; an unclosed quote runs to the
    end. Words joined by a hyphen, apostrophe, dot or underscore stay together as a phrase.
    Bare AND/OR/NOT/NEAR are dropped: they look like operators, and none is offered."""
    text = (text or "")[:MAX_QUERY_CHARS].translate(QUOTES)
    terms: list[tuple[str, ...]] = []
    for i, segment in enumerate(text.split('"')):
        if i % 2:
            found = [tuple(w for chunk in _chunks(segment) for w in chunk)]
        else:
            found = [tuple(c) for c in _chunks(segment) if not (len(c) == 1 and c[0] in OPERATORS)]
        for words in found:
            words = words[:MAX_PHRASE_WORDS]
            if words and words not in terms:
                terms.append(words)
    return ParsedQuery(terms=tuple(terms[:MAX_TERMS]))


def safe_snippet(raw: str) -> SafeString:
    """Escape everything the database returned, then turn its markers into <mark> tags.
    Indexed text holds no markers (``hearth.search.index``), so they pair up; if they ever
    did not, drop them rather than emit broken markup."""
    raw = raw.replace(LT, "<").replace(GT, ">")
    if raw.count(MARK_START) != raw.count(MARK_STOP):
        raw = raw.replace(MARK_START, "").replace(MARK_STOP, "")
    escaped = str(escape(raw))
    # Safe: every character of the user's text was escaped on the line above; the only
    # markup added is the two fixed tags.
    return mark_safe(  # noqa: S308
        escaped.replace(MARK_START, "<mark>").replace(MARK_STOP, "</mark>")
    )


def _browse_snippet(body: str) -> SafeString:
    if len(body) > BROWSE_SNIPPET_CHARS:
        body = body[:BROWSE_SNIPPET_CHARS].rstrip() + "…"
    return safe_snippet(body)


# Filters shared by both engines -------------------------------------------------------------


def _day_start(day: date) -> datetime | None:
    """Midnight at the start of ``day`` in the viewer's time zone (the one they typed the
    date in), or None when it lies outside what datetimes can hold."""
    try:
        moment = datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())
        return connection.ops.adapt_datetimefield_value(moment)
    except (OverflowError, ValueError):
        return None


def _id_list(column: str, ids: list[int]) -> tuple[str, list]:
    """``column`` is one of ``ids``, with one parameter however long the list is (SQLite
    caps the number of parameters per statement)."""
    ids = [int(i) for i in ids]
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s::bigint[])", [ids]
    return f"{column} IN (SELECT value FROM json_each(%s))", [json.dumps(ids)]  # noqa: S608


def _filters(
    *,
    community_ids: list[int] | None,
    category_ids: list[int],
    author_username: str | None,
    since: date | None,
    until: date | None,
) -> tuple[str, list]:
    clauses, params = [], []
    for column, ids in (("d.category_id", category_ids), ("d.community_id", community_ids)):
        if ids is not None:
            clause, values = _id_list(column, ids)
            clauses.append(clause)
            params += values
    if author_username:
        users = get_user_model()._meta.db_table
        clauses.append(f"d.author_id IN (SELECT id FROM {users} WHERE LOWER(username) = %s)")  # noqa: S608
        params.append(author_username.lower())
    if since is not None and (start := _day_start(since)) is not None:
        clauses.append("d.created_at >= %s")
        params.append(start)
    if until is not None and until < date.max and (end := _day_start(until + timedelta(days=1))):
        clauses.append("d.created_at < %s")
        params.append(end)
    return " AND ".join(clauses) or "1 = 1", params


# The engines -----------------------------------------------------------------------------------
# A search never ranks or counts every match: a common word can match most of the posts of a
# large community, and ranking them all (re-reading each post's vector) costs far more than
# the page is worth. Each engine picks a bounded candidate set, the newest ``CANDIDATES`` + 1
# matching posts in post id order, which both engines read without visiting every match (FTS5
# walks its doclist backwards; PostgreSQL reads recency windows, see below), and ranks those
# only. One more than the cap tells that there were more.
#
# Results are topics, not posts: the best-ranked candidate of each topic, with how many of the
# candidates the topic holds. One query ranks, collapses, counts (window functions, before
# LIMIT) and cuts the page; snippets are built for the page's rows only, since snippet() and
# ts_headline() re-read the whole post.

CANDIDATES = 1000

_COLLAPSE = """
    best AS (
        SELECT post_id, topic_id, created_at, rank,
            COUNT(*) OVER (PARTITION BY topic_id) AS matches,
            ROW_NUMBER() OVER (
                PARTITION BY topic_id ORDER BY rank DESC, created_at DESC, post_id DESC
            ) AS nth
        FROM ranked
    ),
    page AS (
        SELECT post_id, created_at, rank, matches,
            COUNT(*) OVER () AS topics, SUM(matches) OVER () AS posts
        FROM best WHERE nth = 1
        ORDER BY rank DESC, created_at DESC, post_id DESC
        LIMIT %s OFFSET %s
    )"""


def _sqlite_query(match: str, where: str, params: list, offset: int, limit: int):
    # bm25() exists only inside the MATCH query, so the candidates are ranked there; FTS5
    # serves ORDER BY rowid DESC from its doclists and stops at the LIMIT.
    sql = f"""
        WITH ranked AS (
            SELECT d.post_id AS post_id, d.topic_id AS topic_id, d.created_at AS created_at,
                -bm25({FTS}, {TITLE_WEIGHT}, 1.0)
                * (CASE WHEN d.is_first THEN {FIRST_POST_BOOST} ELSE 1.0 END) AS rank
            FROM {FTS} JOIN {DOCS} d ON d.post_id = {FTS}.rowid
            WHERE {FTS} MATCH %s AND {where}
            ORDER BY {FTS}.rowid DESC
            LIMIT %s
        ),{_COLLAPSE}
        SELECT page.post_id, page.rank, page.matches, page.topics, page.posts,
            snippet({FTS}, 1, %s, %s, '…', 32)
        FROM page JOIN {FTS} ON {FTS}.rowid = page.post_id
        WHERE {FTS} MATCH %s
        ORDER BY page.rank DESC, page.created_at DESC, page.post_id DESC
    """  # noqa: S608 -- table names are constants, user input is in the parameters
    return sql, [
        match,
        *params,
        CANDIDATES + 1,
        limit,
        offset,
        MARK_START,
        MARK_STOP,
        match,
    ]


HEADLINE_OPTIONS = (
    f"StartSel={MARK_START}, StopSel={MARK_STOP}, MaxWords=35, MinWords=15, "
    'MaxFragments=2, FragmentDelimiter=" … "'
)


# PostgreSQL: the newest matching posts without reading every match. A bitmap scan of the GIN index
# visits the table once per matching post (~7,700 pages for a word in half a percent of 1.5M posts)
# before it can sort them by id, and a walk back along the primary key reads every post until enough
# match (72,000 rows for a word in 1.4% of them). So the index also holds, for each post, a lexeme
# naming its recency bucket ('§' and post_id >> 13, 8,192 posts a bucket; the text parser never
# makes a lexeme with '§'), and the candidates are read window by window, newest first from the
# bucket of the newest post in the search's scope (so a query reads one community's rows only): the
# newest 2 buckets, the 6 before, the 24 before those (262,144 posts in all), then everything older.
# Each window is a GIN scan of the words AND its buckets, so it visits only the matches (or at most
# the pages) inside it. The windows are branches of one UNION ALL under the candidates' LIMIT, which
# PostgreSQL runs in order and stops pulling once it has enough, so a common word never reaches the
# older windows. The result is the same set as "the newest CANDIDATES + 1 matches": the windows
# partition the posts, each is sorted, and they come newest first. Windows are not free: each
# decodes its buckets' entries in the index (about 1 ms per 100,000 posts covered), which is why
# they stop at 32 buckets; a rare word (it reaches the last branch) pays that, and a word in fewer
# than ~0.4% of the posts visits its older matches as before. ``post_id + 0`` keeps the planner off
# the primary key (a walk back along it, or a bitmap of every older post). The index is asked for
# every word (an AND of lexemes, which it answers exactly) and phrases are checked on
# ``search_vector`` itself: a recheck of the indexed expression would rebuild each row's vector.
# That check is written as the function behind @@ (ts_match_vq) so that no index on the column is
# ever scanned for it.
RECENCY_SHIFT = 13
RECENCY_WINDOWS = (2, 6, 24)  # buckets per window, newest first
# Must stay the expression of the index search_postdocument_recent (migration 0003).
RECENT_VECTOR = "(d.search_vector || array_to_tsvector(ARRAY['§' || (d.post_id >> 13)::text]))"


def _window_query(newest: int, oldest: int) -> str:
    """Every word AND the buckets ``newest`` to ``oldest`` back from the newest bucket, as a
    tsquery (a bucket that does not exist yet is a lexeme never indexed). Words that make an
    empty tsquery (only stop words) stay empty, so they find nothing, as they do alone."""
    # Only integers are formatted in.
    buckets = f"generate_series(newest.bucket - {int(oldest)}, newest.bucket - {int(newest)}) n"
    lexemes = f"ARRAY(SELECT quote_literal('§' || n) FROM {buckets} WHERE n >= 0)"  # noqa: S608
    window = f"COALESCE(NULLIF(array_to_string({lexemes}, ' | '), ''), quote_literal('§none'))"
    return (
        "(SELECT CASE WHEN numnode(words.query) = 0 THEN words.query "  # noqa: S608
        f"ELSE words.every_word && {window}::tsquery END FROM words, newest)"
    )


def _postgresql_query(match: str, where: str, params: list, offset: int, limit: int):
    columns = "d.post_id, d.topic_id, d.created_at, d.is_first, d.search_vector"
    branches, start = [], 0
    for size in RECENCY_WINDOWS:
        branches.append(
            f"""(SELECT {columns} FROM {DOCS} d
                WHERE {RECENT_VECTOR} @@ {_window_query(start, start + size - 1)}
                AND ts_match_vq(d.search_vector, (SELECT query FROM words))
                AND {where} ORDER BY d.post_id + 0 DESC LIMIT %s)"""  # noqa: S608 -- as below
        )
        start += size
    branches.append(
        f"""(SELECT {columns} FROM {DOCS} d
            WHERE {RECENT_VECTOR} @@ (SELECT every_word FROM words)
            AND ts_match_vq(d.search_vector, (SELECT query FROM words))
            AND d.post_id + 0 < ((SELECT bucket FROM newest) - {start - 1}) << {RECENCY_SHIFT}
            AND {where} ORDER BY d.post_id + 0 DESC LIMIT %s)"""  # noqa: S608 -- as below
    )
    union = "\n            UNION ALL ".join(branches)
    # The candidates carry their vector out of the LIMIT so ts_rank_cd() runs on them only,
    # never on every match the way a rank computed before a sort would.
    # Angle brackets become markers before ts_headline: its parser drops what looks like an
    # HTML tag, and a post that talks about <script> should show it.
    sql = f"""
        WITH words AS MATERIALIZED (
            SELECT websearch_to_tsquery('english', %s) AS query,
                websearch_to_tsquery('english', %s) AS every_word
        ),
        newest AS MATERIALIZED (
            SELECT COALESCE(MAX(d.post_id), 0) >> {RECENCY_SHIFT} AS bucket FROM {DOCS} d
            WHERE {where}
        ),
        candidates AS (
            {union}
            LIMIT %s
        ),
        ranked AS (
            SELECT post_id, topic_id, created_at,
                ts_rank_cd(search_vector, (SELECT query FROM words))
                * (CASE WHEN is_first THEN {FIRST_POST_BOOST} ELSE 1.0 END) AS rank
            FROM candidates
        ),{_COLLAPSE}
        SELECT page.post_id, page.rank, page.matches, page.topics, page.posts,
            ts_headline('english', translate(d.body, '<>', %s), (SELECT query FROM words), %s)
        FROM page JOIN {DOCS} d ON d.post_id = page.post_id
        ORDER BY page.rank DESC, page.created_at DESC, page.post_id DESC
    """  # noqa: S608 -- table names are constants, user input is in the parameters
    every_word = " ".join(f'"{word}"' for word in match.replace('"', " ").split())
    return sql, [
        match,
        every_word,
        *params,
        *[value for _ in range(len(branches)) for value in (*params, CANDIDATES + 1)],
        CANDIDATES + 1,
        limit,
        offset,
        LT + GT,
        HEADLINE_OPTIONS,
    ]


def _browse_query(where: str, params: list, offset: int, limit: int):
    """No words, only filters: the newest posts that pass them, newest first, one per topic."""
    sql = f"""
        WITH ranked AS (
            SELECT d.post_id AS post_id, d.topic_id AS topic_id, d.created_at AS created_at,
                0.0 AS rank
            FROM {DOCS} d WHERE {where}
            ORDER BY d.post_id DESC
            LIMIT %s
        ),{_COLLAPSE}
        SELECT page.post_id, page.rank, page.matches, page.topics, page.posts,
            SUBSTR(d.body, 1, {BROWSE_SNIPPET_CHARS + 1})
        FROM page JOIN {DOCS} d ON d.post_id = page.post_id
        ORDER BY page.rank DESC, page.created_at DESC, page.post_id DESC
    """  # noqa: S608 -- as above
    return sql, [*params, CANDIDATES + 1, limit, offset]


ENGINES = {"sqlite": _sqlite_query, "postgresql": _postgresql_query}


def _hydrate(rows: list[tuple[int, float, int, SafeString]]) -> list[SearchHit]:
    """Everything a result row shows, for the page's posts, in one query."""
    found = {
        doc["post_id"]: doc
        for doc in PostDocument.objects.filter(post_id__in=[r[0] for r in rows]).values(
            "post_id",
            "topic_id",
            "title",
            "created_at",
            "category_id",
            "community_id",
            post_number=F("post__number"),
            topic_slug=F("topic__slug"),
            category_name=F("topic__category__name"),
            community_slug=F("community__slug"),
            community_name=F("community__name"),
            author_username=F("author__username"),
            author_display_name=F("author__display_name"),
        )
    }
    hits = []
    for post_id, rank, matches, snippet in rows:
        doc = found.get(post_id)
        if doc is None:  # removed between the two queries
            continue
        hits.append(
            SearchHit(
                post_id=post_id,
                post_number=doc["post_number"],
                topic_id=doc["topic_id"],
                topic_title=doc["title"],
                topic_slug=doc["topic_slug"],
                category_id=doc["category_id"],
                category_name=doc["category_name"],
                community_id=doc["community_id"],
                community_slug=doc["community_slug"],
                community_name=doc["community_name"],
                author_username=doc["author_username"],
                author_name=doc["author_display_name"] or doc["author_username"],
                created_at=doc["created_at"],
                snippet=snippet,
                rank=float(rank or 0.0),
                matches=int(matches),
            )
        )
    return hits


def search_posts(
    *,
    query: str,
    community_ids: list[int] | None,
    category_ids: list[int],
    author_username: str | None = None,
    since: date | None = None,
    until: date | None = None,
    offset: int = 0,
    limit: int = 20,
) -> SearchResults:
    """A page of matching topics (each with its best matching post), best first, and how
    many were found among the newest ``CANDIDATES`` matching posts.

    Only documents in ``category_ids`` (and ``community_ids``, when given) are searched:
    the caller decides what the searcher may read. A blank query with filters lists the
    newest posts that pass them (one per topic); a query with no searchable words finds
    nothing. Never raises for anything a user can type."""
    parsed = parse_query(query)
    if (query.strip() and not parsed) or not category_ids or community_ids == []:
        return SearchResults.empty()
    where, params = _filters(
        community_ids=community_ids,
        category_ids=category_ids,
        author_username=(author_username or "").replace("\x00", "").strip().lstrip("@") or None,
        since=since,
        until=until,
    )
    offset, limit = max(0, int(offset)), max(1, int(limit))

    def build(offset: int, limit: int) -> tuple[str, list]:
        if parsed:
            if connection.vendor not in ENGINES:
                raise NotImplementedError(f"No search engine for {connection.vendor}.")
            return ENGINES[connection.vendor](parsed.as_phrases(), where, params, offset, limit)
        return _browse_query(where, params, offset, limit)

    make_snippet = safe_snippet if parsed else _browse_snippet
    try:
        # A savepoint, so a failed search cannot poison the caller's transaction.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(*build(offset, limit))
            rows = cursor.fetchall()
            if not rows and offset:
                # Past the end: the totals come with rows, so ask for the first one.
                cursor.execute(*build(0, 1))
                totals = cursor.fetchall()
                topics, posts = (totals[0][3], totals[0][4]) if totals else (0, 0)
            else:
                topics, posts = (rows[0][3], rows[0][4]) if rows else (0, 0)
    except DatabaseError:
        logger.exception("Search failed for a parsed query %r", parsed.as_phrases())
        return SearchResults.empty()
    posts = int(posts or 0)
    hits = (
        []
        if (not rows)
        else _hydrate(
            [
                (pk, rank, matches, make_snippet(text or ""))
                for pk, rank, matches, _t, _p, text in rows
            ]
        )
    )
    return SearchResults(
        hits=hits,
        topics=int(topics or 0),
        posts=min(posts, CANDIDATES),
        capped=posts > CANDIDATES,
    )
