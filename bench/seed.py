"""Seed a benchmark database with one large community, fast.

    python -m bench.seed --posts 1000000 --members 100000 \\
        --database-url postgres://postgres@127.0.0.1:5432/hearth_bench_1000000

The database must be PostgreSQL on this machine and its name must start with
``hearth_bench``: the seed drops and re-creates it. A database already seeded with the same
sizes (the ``bench_seed`` marker table says so) is reused as it is, unless ``--force``.
``--reset`` only takes back what a benchmark run wrote (the bench member's replies, reading
state and events), so a seeded database can be measured again and again.

The owner, the bench member and the community go through the app's own services; the bulk
(members, memberships, categories, topics, posts, search documents, a few reading
positions) is written by set-based SQL inside PostgreSQL, with foreign-key triggers and the
big tables' secondary indexes off during the load and rebuilt after. Every row is what the
services would have written: posts carry their number, Markdown body and the HTML
``render_markdown`` makes of it; each visible post has its search document (body as
``hearth.search.index`` extracts it); topics and categories carry correct counters; a
sample is checked against the app's own functions at the end."""

from __future__ import annotations

import argparse
import atexit
import json
import os
import random
import re
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

SEED_VERSION = 4
MARKER_TABLE = "bench_seed"
BIG_TOPIC_POSTS = 500
COMMUNITY_SLUG = "bench"
BENCH_USERNAME = "bench"
BENCH_PASSWORD = "bench-password-not-secret"  # a throwaway local database
OWNER_USERNAME = "bench_owner"
RARE_WORD = "zephyrquartz"  # planted in exactly RARE_POSTS posts, whatever the size
RARE_POSTS = 25
VOCABULARY = 5000
DAYS = 730  # the community's history
DELETED_SHARE = 0.002  # replies soft-deleted (no search document)
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
DB_NAME = re.compile(r"^hearth_bench[a-z0-9_]*$")

# name, slug, read access, share of topics
CATEGORIES = [
    ("General", "general", "everyone", 0.30),
    ("Introductions", "introductions", "everyone", 0.08),
    ("Support", "support", "everyone", 0.22),
    ("Ideas", "ideas", "everyone", 0.12),
    ("Showcase", "showcase", "everyone", 0.10),
    ("Off topic", "off-topic", "everyone", 0.10),
    ("Members' corner", "members-corner", "members", 0.06),
    ("Staff lounge", "staff-lounge", "staff", 0.02),
]
# The Q&A and ideas boards (issue 4): categories of their own kind, with one question and
# one idea topic per QA_PER_POSTS posts of the discussions above (100,000 each at 1M posts),
# their posts on top of --posts.
QUESTIONS_SLUG, IDEAS_SLUG = "questions", "feature-ideas"
QA_CATEGORIES = [
    ("Questions", QUESTIONS_SLUG, "questions"),
    ("Feature ideas", IDEAS_SLUG, "ideas"),
]
QA_PER_POSTS = 10
UNANSWERED_SHARE = 0.33  # questions with no reply at all
ACCEPTED_SHARE = 0.40  # of the answered ones
VOTES_PER_IDEA = 10  # on average (skewed: a few ideas hold most), at most MAX_IDEA_VOTES
MAX_IDEA_VOTES = 1_000_000
VOTE_DAYS = 30  # votes are spread over the last month, so "trending" has data
# status, share (merged ideas point at the first idea)
IDEA_STATUS_MIX = [
    ("new", 0.55), ("under_review", 0.12), ("planned", 0.08), ("in_progress", 0.05),
    ("shipped", 0.08), ("declined", 0.09), ("merged", 0.03),
]  # fmt: skip
# The member directory and "members like you" (issue 5): a profile per membership, the
# community's interest list, 1-5 interests per member drawn with a power law (rank =
# n * u^INTEREST_SKEW: the first is in about a quarter of the picks, the last in ~1%), two
# choice questions most members answered, and a member-added interest held by exactly
# RARE_INTEREST_MEMBERS members (and the bench member) at every size.
INTEREST_NAMES = [
    "Gardening", "Photography", "Cooking", "Hiking", "Reading", "Music", "Travel", "Baking",
    "Cycling", "Birdwatching", "Painting", "Chess", "Running", "Woodworking", "Knitting",
    "Astronomy", "Fishing", "Pottery", "Climbing", "Board games", "Yoga", "Film", "Poetry",
    "Beekeeping", "Sailing", "Calligraphy", "Foraging", "Origami", "Mycology", "Languages",
]  # fmt: skip
INTEREST_SKEW = 2.5
RARE_INTEREST = "Lichen dyeing"
RARE_INTEREST_MEMBERS = 25
BENCH_INTERESTS = [INTEREST_NAMES[0], INTEREST_NAMES[6], INTEREST_NAMES[15], RARE_INTEREST]
HIDDEN_SHARE = 0.03  # hidden from the directory and suggestions
MEMBERS_ONLY_SHARE = 0.05  # profile hidden from non-members
ANSWERED_SHARE = 0.80  # members who answered the profile questions
NEVER_BACK_SHARE = 0.25  # members last active the day they joined
# text, kind, choices; a choice question's options are drawn with a skew, a multi-choice
# question's independently with these chances
REGION_QUESTION = (
    "Where are you based?", "choice",
    ["Europe", "North America", "South America", "Africa", "Middle East", "South Asia",
     "East Asia", "Oceania"],
)  # fmt: skip
REASON_QUESTION = (
    "What brings you here?", "multi",
    ["Learning", "Helping others", "Showing my work", "Meeting people", "Finding work"],
)  # fmt: skip
REASON_CHANCES = [0.6, 0.35, 0.2, 0.1, 0.05]
MEMBER_TABLES = (
    "members_memberprofile", "members_interest", "members_memberinterest",
    "members_profileanswer",
)  # fmt: skip


def check_database_url(url: str) -> str:
    """The database name, after refusing anything but a local ``hearth_bench*`` database."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if parts.scheme not in ("postgres", "postgresql"):
        sys.exit(f"bench.seed: {url!r} is not a PostgreSQL URL.")
    if (parts.hostname or "") not in LOOPBACK:
        sys.exit(f"bench.seed: refusing {parts.hostname!r}: the benchmark only uses 127.0.0.1.")
    if not DB_NAME.match(name):
        sys.exit(
            f"bench.seed: refusing database {name!r}: a bench database is re-created, so its "
            "name must start with 'hearth_bench' (never the test database)."
        )
    return name


def _with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def read_marker(url: str) -> dict | None:
    """What the marker table says was seeded, or None (no database, no marker)."""
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            row = conn.execute(
                "SELECT info FROM bench_seed WHERE id = 1 AND to_regclass('bench_seed') IS NOT NULL"
            ).fetchone()
    except psycopg.errors.UndefinedTable:
        return None
    except psycopg.OperationalError as exc:
        if "does not exist" in str(exc):
            return None
        raise
    return row[0] if row else None


def recreate_database(url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(_with_db(url, "postgres"), autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    # A data directory of its own (secret key, static root), never the app's var/.
    data_dir = tempfile.mkdtemp(prefix="hearth-bench-seed-")
    atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
    os.environ["HEARTH_DATA_DIR"] = data_dir
    import django

    django.setup()


# Text -------------------------------------------------------------------------------------


def vocabulary(rng: random.Random) -> list[str]:
    """Pronounceable made-up words (consonant-vowel syllables), none an English stop word.
    They are drawn with a skew (see ``bench_sentence``): the first words are in most posts,
    the last ones in about a quarter of a percent of them."""
    syllables = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
    words: set[str] = set()
    ordered: list[str] = []
    while len(ordered) < VOCABULARY:
        word = "".join(rng.choice(syllables) for _ in range(rng.choice((2, 2, 3, 3, 4))))
        if word not in words:
            words.add(word)
            ordered.append(word)
    return ordered


def _title(rng: random.Random, vocab: list[str]) -> str:
    words = [vocab[int(len(vocab) * rng.random() ** 2)] for _ in range(rng.randint(3, 8))]
    return " ".join(words).capitalize()


# The seed ---------------------------------------------------------------------------------


def _secondary_indexes(cursor, table: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(unique constraints, other indexes) of a table, as (name, definition), primary key
    excluded."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass AND contype IN ('u', 'x')",
        [table],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        """SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x
           JOIN pg_class i ON i.oid = x.indexrelid
           WHERE x.indrelid = %s::regclass AND NOT x.indisprimary
             AND NOT EXISTS (SELECT 1 FROM pg_constraint c
                             WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid)""",
        [table],
    )
    return constraints, cursor.fetchall()


class IndexesOff:
    """Drop a table's secondary indexes for a bulk load and rebuild them after."""

    def __init__(self, cursor, tables: list[str]):
        self.cursor, self.tables, self.saved = cursor, tables, []

    def __enter__(self):
        for table in self.tables:
            constraints, indexes = _secondary_indexes(self.cursor, table)
            self.saved.append((table, constraints, indexes))
            for name, _definition in constraints:
                self.cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            for name, _definition in indexes:
                self.cursor.execute(f'DROP INDEX "{name}"')
        return self

    def __exit__(self, *exc):
        if exc[0] is not None:
            return False  # the database is re-created on the next run anyway
        for table, constraints, indexes in self.saved:
            for name, definition in constraints:
                self.cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            for _name, definition in indexes:
                self.cursor.execute(definition)
        return False


def other_columns(model, given: str) -> tuple[str, dict]:
    """The columns of ``model`` that the bulk SQL does not name, with the value the model
    would give them (its defaults), as ``", col, ..."`` and named parameters ``x_col``. So
    a field added to a model later (with a default, as migrations require) does not break
    the seed."""
    from django.db import connection
    from django.db.models import NOT_PROVIDED

    named = {c.strip() for c in given.split(",")}
    columns, params = [], {}
    for field in model._meta.concrete_fields:
        if field.column in named or (field.primary_key and field.column == "id"):
            continue
        if field.has_default():
            value = field.get_default()
        elif field.null:
            value = None
        elif field.blank and field.get_internal_type() in ("CharField", "TextField"):
            value = ""  # what a form or a service leaves in an optional text column
        elif getattr(field, "db_default", NOT_PROVIDED) is not NOT_PROVIDED:
            continue
        elif field.blank and field.empty_strings_allowed:
            value = ""  # a blank text field (what the model's own default would be)
        else:
            raise RuntimeError(
                f"bench.seed does not know what to put in {model.__name__}.{field.name}"
            )
        columns.append(field.column)
        params[f"x_{field.column}"] = field.get_db_prep_save(value, connection)
    return "".join(f", {c}" for c in columns), params


def _extra_values(params: dict) -> str:
    return "".join(f", %({k})s" for k in params)


def _step(label: str, started: float) -> float:
    now = time.monotonic()
    print(f"  {label:<44} {now - started:7.1f} s", flush=True)
    return now


RECOUNT_TOPICS = """
WITH agg AS (
    SELECT topic_id, count(*) FILTER (WHERE deleted_at IS NULL) AS visible, max(number) AS top
    FROM discussions_post WHERE {where} GROUP BY topic_id
), last AS (
    SELECT DISTINCT ON (topic_id) topic_id, created_at, author_id
    FROM discussions_post WHERE deleted_at IS NULL AND {where}
    ORDER BY topic_id, number DESC
)
UPDATE discussions_topic t
SET post_count = agg.visible, highest_post_number = agg.top,
    last_posted_at = last.created_at, last_poster_id = last.author_id
FROM agg JOIN last USING (topic_id)
WHERE t.id = agg.topic_id
"""

RECOUNT_CATEGORIES = """
UPDATE discussions_category c
SET topic_count = coalesce(s.topics, 0), post_count = coalesce(s.posts, 0),
    last_posted_at = s.last
FROM discussions_category c2
LEFT JOIN (
    SELECT category_id, count(*) AS topics, sum(post_count) AS posts,
           max(last_posted_at) AS last
    FROM discussions_topic WHERE deleted_at IS NULL GROUP BY category_id
) s ON s.category_id = c2.id
WHERE c.id = c2.id AND c.community_id = %s
"""


POST_COLUMNS = (
    "id, community_id, topic_id, number, author_id, body, html, reactions, created_at, "
    "edit_count, deleted_at, deleted_by_id"
)
DOC_COLUMNS = (
    "post_id, community_id, topic_id, category_id, author_id, created_at, title, body, is_first"
)


def _paragraph(rng: random.Random, vocab: list[str], words: int) -> str:
    """Words drawn with a skew: index = n * u^3, so word k is in about 1/(3 n^(1/3) k^(2/3))
    of the draws (the first few are everywhere, the last in ~0.3% of posts)."""
    n, r = len(vocab), rng.random
    text = " ".join([vocab[int(n * r() ** 3)] for _ in range(words)])
    return text[0].upper() + text[1:] + "."


def load_posts(topics, vocab, rng, *, low: int, others: int, community_id: int) -> float:
    """Every post of every topic, in time order (ids follow time, as they would live), with
    a search document for each visible one. Secondary indexes are off during the load."""
    from types import SimpleNamespace

    import psycopg
    from django.db import connection

    from hearth.discussions.models import Post
    from hearth.search.index import document_text, post_body_text
    from hearth.search.models import PostDocument

    t0 = time.monotonic()
    # (created_at, topic index, number, author, deleted): small tuples, sorted by time.
    plan = []
    for i, (k, _cat, _title, _slug, author, created, gap, size, _rare, _pinned) in enumerate(
        topics
    ):
        base = created.timestamp()
        for n in range(1, size + 1):
            poster = author if n == 1 else low + rng.randrange(others)
            deleted = n > 1 and k > 1 and rng.random() < DELETED_SHARE
            plan.append((base + (n - 1) * gap, i, n, poster, deleted))
    plan.sort()
    t0 = _step(f"{len(plan):,} posts planned", t0)

    db = connection.settings_dict
    conninfo = {
        "dbname": db["NAME"], "user": db["USER"], "password": db["PASSWORD"] or None,
        "host": db["HOST"], "port": db["PORT"] or None,
    }  # fmt: skip
    a = psycopg.connect(**{k: v for k, v in conninfo.items() if v})
    b = psycopg.connect(**{k: v for k, v in conninfo.items() if v})
    try:
        for conn in (a, b):
            conn.execute("SET session_replication_role = replica")
            conn.execute("SET synchronous_commit = off")
            conn.execute("SET maintenance_work_mem = '1GB'")
        with a.cursor() as cursor:
            cursor.execute("SELECT coalesce(max(id), 0) FROM discussions_post")
            next_id = cursor.fetchone()[0] + 1
            indexes = IndexesOff(cursor, ["discussions_post", "search_postdocument"])
            indexes.__enter__()
        a.commit()
        titles = [document_text(t[2]) for t in topics]
        post_cols, post_extra = other_columns(Post, POST_COLUMNS)
        doc_cols, doc_extra = other_columns(PostDocument, DOC_COLUMNS)
        post_extra, doc_extra = tuple(post_extra.values()), tuple(doc_extra.values())
        with (
            a.cursor().copy(
                f"COPY discussions_post ({POST_COLUMNS}{post_cols}) FROM STDIN"
            ) as posts,
            b.cursor().copy(
                f"COPY search_postdocument ({DOC_COLUMNS}{doc_cols}) FROM STDIN"
            ) as docs,
        ):
            for post_id, (when, i, n, author, deleted) in enumerate(plan, start=next_id):
                k, category_id, _title, _slug, _a, _c, _g, _s, rare, _p = topics[i]
                p1 = _paragraph(rng, vocab, rng.randint(6, 31))
                if rare and n == 1:
                    p1 += f" {RARE_WORD.capitalize()}."
                p2 = _paragraph(rng, vocab, rng.randint(4, 19)) if rng.random() < 0.4 else None
                body = f"{p1}\n\n{p2}" if p2 else p1
                html = f"<p>{p1}</p>\n<p>{p2}</p>\n" if p2 else f"<p>{p1}</p>\n"
                created = datetime.fromtimestamp(when, UTC)
                deleted_at = created + timedelta(hours=1) if deleted else None
                posts.write_row(
                    (post_id, community_id, k, n, author, body, html, "{}", created, 0,
                     deleted_at, author if deleted else None, *post_extra)
                )  # fmt: skip
                if not deleted:
                    text = post_body_text(SimpleNamespace(html=html))
                    docs.write_row(
                        (post_id, community_id, k, category_id, author, created, titles[i],
                         text, n == 1, *doc_extra)
                    )  # fmt: skip
        a.commit()
        b.commit()
        t0 = _step("posts and search documents copied", t0)
        with a.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('discussions_post', 'id'), max(id)) "
                "FROM discussions_post"
            )
            indexes.cursor = cursor
            indexes.__exit__(None, None, None)
        a.commit()
        t0 = _step("indexes rebuilt (GIN included)", t0)
    finally:
        a.close()
        b.close()
    return t0


def seed(*, posts: int, members: int, seed_value: int = 42) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone
    from django.utils.text import slugify

    from hearth.communities.models import Membership, MembershipStatus, Role
    from hearth.communities.services import community_create
    from hearth.discussions.models import Category, Topic, TopicRead

    if posts < BIG_TOPIC_POSTS + 100:
        sys.exit(f"bench.seed: --posts must be at least {BIG_TOPIC_POSTS + 100}.")
    if members < 10:
        sys.exit("bench.seed: --members must be at least 10.")
    rng = random.Random(seed_value)
    vocab = vocabulary(rng)
    started = t0 = time.monotonic()
    now = timezone.now().replace(microsecond=0)
    User = get_user_model()

    owner = User.objects.create_user(OWNER_USERNAME, f"{OWNER_USERNAME}@bench.invalid", None)
    community = community_create(
        user=owner,
        name="Bench Community",
        slug=COMMUNITY_SLUG,
        rules="Be kind. Stay on topic. No spam.",
        tagline="A large community for the benchmark",
    )
    bench = User.objects.create_user(
        BENCH_USERNAME, f"{BENCH_USERNAME}@bench.invalid", BENCH_PASSWORD
    )
    Membership.objects.create(
        community=community, user=bench, role=Role.MEMBER, status=MembershipStatus.ACTIVE,
        rules_version_accepted=community.rules_version, joined_at=now - timedelta(days=400),
        trust_level=2,
    )  # fmt: skip
    existing = {c.slug: c for c in Category.objects.filter(community=community)}
    for position, (name, slug, read_access, _share) in enumerate(CATEGORIES):
        if slug in existing:
            Category.objects.filter(pk=existing[slug].pk).update(position=position)
        else:
            Category.objects.create(
                community=community, name=name, slug=slug, read_access=read_access,
                position=position, description=f"{name}: the benchmark's category.",
            )  # fmt: skip
    for position, (name, slug, kind) in enumerate(QA_CATEGORIES, start=len(CATEGORIES)):
        Category.objects.update_or_create(
            community=community, slug=slug,
            defaults={"name": name, "kind": kind, "read_access": "everyone",
                      "position": position, "description": f"{name}: the benchmark's board."},
        )  # fmt: skip
    categories = {c.slug: c.pk for c in Category.objects.filter(community=community)}
    t0 = _step("owner, bench member, community, categories", t0)

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")  # no FK triggers
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute("SELECT setseed(%s)", [(seed_value % 1000) / 1000])

        # Members: users and their active memberships (owner and bench member exist).
        others = members - 2
        start = now - timedelta(days=DAYS + 30)
        given = (
            "password, is_superuser, username, first_name, last_name, email, is_staff, "
            "is_active, date_joined, display_name, bio, avatar, time_zone"
        )
        cols, extra = other_columns(User, given)
        cursor.execute(
            f"""INSERT INTO accounts_user ({given}{cols})
               SELECT '!', false, 'member' || i, '', '', 'member' || i || '@bench.invalid',
                   false, true, %(start)s::timestamptz + (i * %(step)s) * interval '1 second',
                   CASE WHEN i %% 3 = 0 THEN 'Member ' || i ELSE '' END, '', '', 'UTC'
                   {_extra_values(extra)}
               FROM generate_series(1, %(n)s) AS i ORDER BY i""",  # noqa: S608 -- columns named by the models
            {"start": start, "step": (DAYS * 86400) / others, "n": others, **extra},
        )
        cursor.execute(
            "SELECT min(id), max(id), count(*) FROM accounts_user WHERE username LIKE 'member%%'"
        )
        low, high, count = cursor.fetchone()
        if high - low + 1 != count:
            raise RuntimeError("member ids are not contiguous; seed a fresh database")
        given = (
            "community_id, user_id, role, status, trust_level, rules_version_accepted, "
            "join_answers, source, campaign, ban_reason, requested_at, joined_at, updated_at"
        )
        cols, extra = other_columns(Membership, given)
        cursor.execute(
            f"""INSERT INTO communities_membership ({given}{cols})
               SELECT %(community)s, u.id,
                   CASE WHEN u.id - %(low)s < 3 THEN 'moderator'
                        WHEN u.id - %(low)s < 5 THEN 'admin' ELSE 'member' END,
                   'active', least(4, floor(power(random(), 2) * 5))::int, 1, '[]'::jsonb,
                   '', '', '', u.date_joined, u.date_joined, u.date_joined
                   {_extra_values(extra)}
               FROM accounts_user u WHERE u.id BETWEEN %(low)s AND %(high)s""",  # noqa: S608 -- columns named by the models
            {"community": community.pk, "low": low, "high": high, **extra},
        )
        cursor.execute(
            "UPDATE communities_community SET member_count = (SELECT count(*) FROM "
            "communities_membership WHERE community_id = %s AND status = 'active') WHERE id = %s",
            [community.pk, community.pk],
        )
        t0 = _step(f"{members:,} members and memberships", t0)

        # Topics, planned here: sizes, categories, authors, times.
        remaining = posts - BIG_TOPIC_POSTS
        sizes: list[int] = []
        while remaining > 0:
            size = min(remaining, 1 + int(rng.expovariate(1 / 14)))
            sizes.append(size)
            remaining -= size
        slugs = [c[1] for c in CATEGORIES]
        weights = [c[3] for c in CATEGORIES]
        rare = set(rng.sample(range(len(sizes)), min(RARE_POSTS, len(sizes))))
        horizon = DAYS * 86400
        topics = []
        big_created = now - timedelta(days=30)
        topics.append(
            (1, categories["general"], "The big benchmark thread", "the-big-benchmark-thread",
             low + 7, big_created, 3600, BIG_TOPIC_POSTS, False, False)
        )  # fmt: skip
        for k, size in enumerate(sizes, start=2):
            created = now - timedelta(seconds=rng.uniform(3600, horizon))
            room = (now - timedelta(minutes=5) - created).total_seconds()
            gap = min(rng.uniform(120, 8 * 3600), room / max(1, size - 1))
            title = _title(rng, vocab)
            topics.append(
                (k, categories[rng.choices(slugs, weights)[0]], title,
                 slugify(title)[:80].strip("-") or "topic", low + rng.randrange(others),
                 created, gap, size, (k - 2) in rare, k in (2, 3))
            )  # fmt: skip
        # Questions (a third with no reply) and ideas: short topics, after the discussions.
        per_board = posts // QA_PER_POSTS
        k = len(topics)
        for slug in (QUESTIONS_SLUG, IDEAS_SLUG):
            for _ in range(per_board):
                k += 1
                created = now - timedelta(seconds=rng.uniform(3600, horizon))
                if slug == QUESTIONS_SLUG and rng.random() < UNANSWERED_SHARE:
                    size = 1
                elif slug == QUESTIONS_SLUG:
                    size = 2 + int(rng.expovariate(1 / 2))
                else:
                    size = 1 + int(rng.expovariate(1 / 2.5))
                room = (now - timedelta(minutes=5) - created).total_seconds()
                gap = min(rng.uniform(120, 8 * 3600), room / max(1, size - 1))
                title = _title(rng, vocab)
                topics.append(
                    (k, categories[slug], title, slugify(title)[:80].strip("-") or "topic",
                     low + rng.randrange(others), created, gap, size, False, False)
                )  # fmt: skip
        cursor.execute(
            """CREATE TEMP TABLE bench_topics (k bigint, category_id bigint, title text,
                   slug text, author_id bigint, created_at timestamptz, gap double precision,
                   size int, rare bool, pinned bool) ON COMMIT DROP"""
        )
        with cursor.cursor.copy(
            "COPY bench_topics (k, category_id, title, slug, author_id, created_at, gap, size, "
            "rare, pinned) FROM STDIN"
        ) as copy:
            for row in topics:
                copy.write_row(row)
        given = (
            "id, community_id, category_id, title, slug, author_id, created_at, "
            "last_posted_at, last_poster_id, post_count, highest_post_number, is_pinned, "
            "is_closed, is_archived"
        )
        cols, extra = other_columns(Topic, given)
        cursor.execute(
            f"""INSERT INTO discussions_topic ({given}{cols})
               SELECT k, %(community)s, category_id, title, slug, author_id, created_at,
                   created_at, author_id, 0, 0, pinned, k %% 97 = 5, k %% 251 = 7
                   {_extra_values(extra)}
               FROM bench_topics ORDER BY k""",  # noqa: S608 -- columns named by the models
            {"community": community.pk, **extra},
        )
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('discussions_topic', 'id'), max(id)) "
            "FROM discussions_topic"
        )
        t0 = _step(f"{len(topics):,} topics", t0)

    # Posts and their search documents: text made here, streamed by two COPYs at once (one
    # connection each, so PostgreSQL computes the tsvectors while the posts load).
    t0 = load_posts(topics, vocab, rng, low=low, others=others, community_id=community.pk)

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(RECOUNT_TOPICS.format(where="community_id = %s"), [community.pk] * 2)
        cursor.execute(RECOUNT_CATEGORIES, [community.pk])
        t0 = _step("topic and category counters", t0)

        # A few reading positions: the bench member's on 40 topics, and 2,000 others.
        given = "community_id, topic_id, user_id, last_read_number, updated_at"
        cols, extra = other_columns(TopicRead, given)
        cursor.execute(
            f"""INSERT INTO discussions_topicread ({given}{cols})
               SELECT DISTINCT ON (user_id, topic_id) %(community)s, topic_id, user_id,
                   greatest(1, floor(random() * highest)::int), now() {_extra_values(extra)}
               FROM (
                   SELECT t.id AS topic_id, t.highest_post_number AS highest,
                       CASE WHEN i <= 40 THEN %(bench)s
                           ELSE %(low)s + floor(random() * %(others)s)::bigint END AS user_id
                   FROM generate_series(1, 2040) i
                   JOIN discussions_topic t ON t.id = 2 + (i * 7919) %% %(span)s
               ) r""",  # noqa: S608 -- columns named by the models
            {"community": community.pk, "bench": bench.pk, "low": low, "others": others,
             "span": len(topics) - 1, **extra},
        )  # fmt: skip
        t0 = _step("topic reading positions", t0)
        boards = _seed_boards(cursor, community.pk, categories, low=low, others=others, now=now)
        t0 = _step(
            f"{boards['questions']:,} questions, {boards['ideas']:,} ideas, "
            f"{boards['idea_votes']:,} votes",
            t0,
        )
    members_info = seed_members(community.pk, now=now)

    t0 = time.monotonic()
    vacuum_analyze(
        "accounts_user", "communities_membership", "discussions_topic",
        "discussions_category", "discussions_post", "search_postdocument",
        "discussions_topicread", "qa_question", "ideas_idea", "ideas_ideavote", *MEMBER_TABLES,
    )  # fmt: skip
    t0 = _step("VACUUM ANALYZE", t0)

    search_word, search_docs = _pick_search_word(vocab)
    info = {
        "version": SEED_VERSION,
        "posts": posts,
        "members": members,
        "community": COMMUNITY_SLUG,
        "community_id": community.pk,
        "big_topic_id": 1,
        "big_topic_slug": "the-big-benchmark-thread",
        "big_topic_posts": BIG_TOPIC_POSTS,
        "category": "support",
        "topics": len(topics),
        "all_posts": sum(t[7] for t in topics),
        "questions_category": QUESTIONS_SLUG,
        "ideas_category": IDEAS_SLUG,
        **boards,
        **members_info,
        "bench_user": BENCH_USERNAME,
        "bench_password": BENCH_PASSWORD,
        "search_word": search_word,
        "search_word_docs": search_docs,
        "rare_word": RARE_WORD,
        "rare_word_docs": _doc_count(RARE_WORD),
        "seconds": round(time.monotonic() - started, 1),
        "seeded_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    _check(info)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {MARKER_TABLE} (id int PRIMARY KEY, info jsonb NOT NULL)")
        cursor.execute(f"INSERT INTO {MARKER_TABLE} VALUES (1, %s)", [json.dumps(info)])  # noqa: S608
    community.refresh_from_db()
    return info


def _seed_boards(cursor, community_id: int, categories: dict, *, low, others, now) -> dict:
    """Question rows (first response: the first visible reply by someone else; some
    accepted), idea rows (a status mix) and a bounded sample of idea votes over the last
    VOTE_DAYS days, with each idea's vote_count and last_voted_at from its votes."""
    from hearth.ideas.models import Idea, IdeaVote
    from hearth.qa.models import Question

    given = (
        "topic_id, community_id, asker_id, asked_at, first_response_id, first_response_at, "
        "accepted_answer_id, accepted_at, accepted_by_id"
    )
    cols, extra = other_columns(Question, given)
    cursor.execute(
        f"""INSERT INTO qa_question ({given}{cols})
           SELECT t.id, t.community_id, t.author_id, t.created_at, fr.id, fr.created_at,
               CASE WHEN fr.accept THEN fr.id END,
               CASE WHEN fr.accept THEN fr.created_at + interval '1 hour' END,
               CASE WHEN fr.accept THEN t.author_id END {_extra_values(extra)}
           FROM discussions_topic t
           LEFT JOIN LATERAL (
               SELECT p.id, p.created_at, random() < %(accepted)s AS accept
               FROM discussions_post p
               WHERE p.topic_id = t.id AND p.number > 1 AND p.deleted_at IS NULL
                 AND p.author_id <> t.author_id
               ORDER BY p.number LIMIT 1
           ) fr ON true
           WHERE t.category_id = %(category)s ORDER BY t.id""",  # noqa: S608 -- columns named by the models
        {"category": categories[QUESTIONS_SLUG], "accepted": ACCEPTED_SHARE, **extra},
    )
    questions = cursor.rowcount

    # The status by cumulative share of a random draw; merged ideas point at the first idea.
    bounds, acc = [], 0.0
    for status, share in IDEA_STATUS_MIX:
        acc += share
        bounds.append(f"WHEN r < {acc:.4f} THEN '{status}'")
    status_case = "CASE " + " ".join(bounds) + " ELSE 'new' END"
    given = (
        "topic_id, community_id, status, vote_count, last_voted_at, status_changed_at, "
        "official_response, official_response_html"
    )
    cols, extra = other_columns(Idea, given)
    cursor.execute(
        f"""INSERT INTO ideas_idea ({given}{cols})
           SELECT id, community_id, status, 0, NULL,
               CASE WHEN status <> 'new' THEN created_at + interval '3 days' END, '', ''
               {_extra_values(extra)}
           FROM (SELECT t.id, t.community_id, t.created_at, {status_case} AS status
                 FROM (SELECT *, random() AS r FROM discussions_topic
                       WHERE category_id = %(category)s) t) s
           ORDER BY id""",  # noqa: S608 -- columns named by the models
        {"category": categories[IDEAS_SLUG], **extra},
    )
    ideas = cursor.rowcount
    cursor.execute(
        """UPDATE ideas_idea SET merged_into_id = (
               SELECT min(topic_id) FROM ideas_idea WHERE community_id = %(c)s)
           WHERE community_id = %(c)s AND status = 'merged'""",
        {"c": community_id},
    )

    # Votes: a skewed count per idea (u^3 * 4 * mean: most get a few, some hundreds),
    # distinct members per idea, all within the last VOTE_DAYS days (not before the idea).
    scale = min(VOTES_PER_IDEA, MAX_IDEA_VOTES // max(ideas, 1)) * 4
    given = "idea_id, user_id, community_id, created_at"
    cols, extra = other_columns(IdeaVote, given)
    cursor.execute(
        f"""INSERT INTO ideas_ideavote ({given}{cols})
           SELECT i.topic_id, %(low)s + (i.topic_id * 7919 + j * 104729) %% %(others)s,
               i.community_id,
               greatest(t.created_at + interval '1 minute',
                        %(now)s::timestamptz - random() * interval '{VOTE_DAYS} days')
               {_extra_values(extra)}
           FROM (SELECT *, random() AS r FROM ideas_idea
                 WHERE community_id = %(c)s AND status <> 'merged') i
           JOIN discussions_topic t ON t.id = i.topic_id
           CROSS JOIN LATERAL generate_series(
               1, least(%(others)s, floor(power(i.r, 3) * %(scale)s)::int)) j
           ON CONFLICT DO NOTHING""",  # noqa: S608 -- columns named by the models
        {"low": low, "others": others, "now": now, "scale": scale, "c": community_id, **extra},
    )
    cursor.execute(
        """UPDATE ideas_idea i SET vote_count = v.n, last_voted_at = v.last
           FROM (SELECT idea_id, count(*) AS n, max(created_at) AS last
                 FROM ideas_ideavote WHERE community_id = %s GROUP BY idea_id) v
           WHERE i.topic_id = v.idea_id""",
        [community_id],
    )
    cursor.execute("SELECT count(*) FROM ideas_ideavote WHERE community_id = %s", [community_id])
    votes = cursor.fetchone()[0]
    cursor.execute(
        """SELECT count(*) FROM qa_question q JOIN discussions_topic t ON t.id = q.topic_id
           WHERE q.community_id = %s AND q.first_response_id IS NULL AND NOT t.is_closed""",
        [community_id],
    )
    unanswered = cursor.fetchone()[0]
    return {"questions": questions, "unanswered": unanswered, "ideas": ideas,
            "idea_votes": votes}  # fmt: skip


def _check_boards(info: dict) -> None:
    """Every topic of the boards has its row; answers, acceptances and votes add up."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT
                 (SELECT count(*) FROM discussions_topic t JOIN discussions_category c
                    ON c.id = t.category_id AND c.kind = 'questions'
                  WHERE NOT EXISTS (SELECT 1 FROM qa_question q WHERE q.topic_id = t.id)),
                 (SELECT count(*) FROM discussions_topic t JOIN discussions_category c
                    ON c.id = t.category_id AND c.kind = 'ideas'
                  WHERE NOT EXISTS (SELECT 1 FROM ideas_idea i WHERE i.topic_id = t.id)),
                 (SELECT count(*) FROM qa_question q JOIN discussions_post p
                    ON p.id = q.first_response_id
                  WHERE p.topic_id <> q.topic_id OR p.number = 1 OR p.deleted_at IS NOT NULL),
                 (SELECT count(*) FROM qa_question q WHERE q.accepted_answer_id IS NOT NULL
                    AND q.accepted_answer_id <> q.first_response_id),
                 (SELECT count(*) FROM ideas_idea i WHERE i.vote_count <> (
                    SELECT count(*) FROM ideas_ideavote v WHERE v.idea_id = i.topic_id))"""
        )
        missing_q, missing_i, bad_first, bad_accept, bad_votes = cursor.fetchone()
    if missing_q or missing_i:
        raise RuntimeError(f"{missing_q} question and {missing_i} idea topics without a row")
    if bad_first or bad_accept:
        raise RuntimeError("question first responses or accepted answers are wrong")
    if bad_votes:
        raise RuntimeError(f"{bad_votes} ideas whose vote_count disagrees with their votes")
    if info["questions"] != info["ideas"] or not info["idea_votes"]:
        raise RuntimeError("the boards were not seeded")


def vacuum_analyze(*tables: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM ANALYZE {table}")


def add_members(info: dict) -> dict:
    """Bring a database seeded before the members app up to date: its profiles (made by
    migration 0002), interests and answers, checked, and the marker updated."""
    from django.db import connection
    from django.utils import timezone

    print("bench.seed: adding member profiles, interests and answers")
    info = {**info, **seed_members(info["community_id"], now=timezone.now().replace(microsecond=0))}
    vacuum_analyze("discussions_post", "discussions_topic", *MEMBER_TABLES)
    _check_members(info)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {MARKER_TABLE} SET info = %s WHERE id = 1", [json.dumps(info)])  # noqa: S608
    return info


def seed_members(community_id: int, *, now: datetime) -> dict:
    """What the member directory and "members like you" read: a profile per membership
    (activity, helpfulness and privacy spread out), the interest list and the profile
    questions (set through the services, as the owner), members' interests and answers
    (set-based SQL), and the bench member's own profile (through ``profile_update``) with
    replies in 30 recent topics. Idempotent per database: run once, by a fresh seed or on
    a database seeded before the members app (see ``main``)."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from hearth.communities.models import Community
    from hearth.core.actor import Actor
    from hearth.members import services as member_services
    from hearth.members.models import (
        Interest,
        MemberInterest,
        MemberProfile,
        ProfileAnswer,
        ProfileQuestion,
    )

    User = get_user_model()
    community = Community.objects.get(pk=community_id)
    owner = User.objects.get(username=OWNER_USERNAME)
    bench = User.objects.get(username=BENCH_USERNAME)
    t0 = time.monotonic()
    with transaction.atomic(), connection.cursor() as cursor:
        if Interest.objects.filter(community=community).exists():
            raise RuntimeError("the community already has interests: seed a fresh database")
        cursor.execute("SET LOCAL session_replication_role = replica")  # no FK triggers
        cursor.execute("SET LOCAL work_mem = '256MB'")
        cursor.execute(
            "SELECT min(id), max(id), count(*) FROM accounts_user WHERE username LIKE 'member%%'"
        )
        low, high, others = cursor.fetchone()
        members = {"c": community_id, "low": low, "high": high, "now": now}

        # Profiles: the memberships the bulk load made have none (migration 0002 made them
        # on a database seeded before the members app). Then activity and privacy.
        given = (
            "community_id, membership_id, user_id, bio, bio_html, location, last_active_at, "
            "updated_at"
        )
        cols, extra = other_columns(MemberProfile, given)
        cursor.execute(
            f"""INSERT INTO members_memberprofile ({given}{cols})
               SELECT m.community_id, m.id, m.user_id, '', '', '',
                   coalesce(m.joined_at, m.requested_at, %(now)s), %(now)s
                   {_extra_values(extra)}
               FROM communities_membership m
               WHERE m.community_id = %(c)s AND NOT EXISTS (
                   SELECT 1 FROM members_memberprofile p WHERE p.membership_id = m.id)
               ORDER BY m.id""",  # noqa: S608 -- columns named by the models
            {**members, **extra},
        )
        cursor.execute(
            """UPDATE members_memberprofile p SET
                   last_active_at = CASE WHEN random() < %(never)s THEN m.joined_at
                       ELSE %(now)s::timestamptz - power(random(), 3) * (%(now)s - m.joined_at)
                       END,
                   hide_from_directory = random() < %(hidden)s,
                   hide_from_non_members = random() < %(members_only)s
               FROM communities_membership m
               WHERE m.id = p.membership_id AND p.community_id = %(c)s
                 AND p.user_id BETWEEN %(low)s AND %(high)s""",
            {**members, "never": NEVER_BACK_SHARE, "hidden": HIDDEN_SHARE,
             "members_only": MEMBERS_ONLY_SHARE},
        )  # fmt: skip

        # The bench member replied in 30 recent discussions (so "both posted in" has data):
        # the second post of each becomes theirs, with its search document and counters.
        cursor.execute(
            """WITH chosen AS (
                   SELECT p.id FROM discussions_post p
                   JOIN (SELECT t.id FROM discussions_topic t
                         JOIN discussions_category c ON c.id = t.category_id
                         WHERE t.community_id = %(c)s AND t.id > 1 AND c.kind = 'discussion'
                           AND c.read_access = 'everyone' AND t.deleted_at IS NULL
                           AND t.highest_post_number >= 3
                         ORDER BY t.last_posted_at DESC LIMIT 30) t ON t.id = p.topic_id
                   WHERE p.number = 2 AND p.deleted_at IS NULL
               )
               UPDATE discussions_post p SET author_id = %(bench)s FROM chosen
               WHERE p.id = chosen.id RETURNING p.id, p.topic_id""",
            {**members, "bench": bench.pk},
        )
        replies = cursor.fetchall()
        cursor.execute(
            "UPDATE search_postdocument SET author_id = %s WHERE post_id = ANY(%s)",
            [bench.pk, [post_id for post_id, _t in replies]],
        )
        topic_ids = [topic_id for _p, topic_id in replies]
        cursor.execute(RECOUNT_TOPICS.format(where="topic_id = ANY(%s)"), [topic_ids] * 2)

        # "Helped N members": distinct other askers whose question has the member's
        # accepted answer, as helped_counts_refresh counts them.
        cursor.execute(
            """UPDATE members_memberprofile p SET helped_count = h.n
               FROM (SELECT a.author_id, count(DISTINCT q.asker_id) AS n
                     FROM qa_question q
                     JOIN discussions_post a ON a.id = q.accepted_answer_id
                     JOIN discussions_topic t ON t.id = q.topic_id
                     WHERE q.community_id = %(c)s AND t.deleted_at IS NULL
                       AND q.asker_id IS NOT NULL AND q.asker_id <> a.author_id
                     GROUP BY a.author_id) h
               WHERE p.community_id = %(c)s AND p.user_id = h.author_id""",
            members,
        )

        # The owner's interest list and questions, through the services.
        as_owner = Actor.for_user(owner, community)
        interests = member_services.interest_list_set(actor=as_owner, names=INTEREST_NAMES)
        ranked = {i.key: i.pk for i in interests}
        interest_ids = [ranked[name.casefold()] for name in INTEREST_NAMES]
        questions = {}
        for text, kind, choices in (REGION_QUESTION, REASON_QUESTION):
            questions[kind] = member_services.profile_question_save(
                actor=as_owner, text=text, kind=kind, choices=choices
            )
        rare_name, rare_key = member_services.normalise_interest(RARE_INTEREST)
        rare = Interest.objects.create(community=community, name=rare_name, key=rare_key)

        # Members' interests: 1-5 draws each (power law), duplicates dropped.
        given = "community_id, profile_id, interest_id, created_at"
        cols, extra = other_columns(MemberInterest, given)
        cursor.execute(
            f"""INSERT INTO members_memberinterest ({given}{cols})
               SELECT %(c)s, p.id,
                   (%(ids)s::bigint[])[1 + floor(%(n)s * power(random(), %(skew)s))::int],
                   least(p.joined_at + interval '1 day', %(now)s) {_extra_values(extra)}
               FROM (SELECT p.id, m.joined_at, random() AS r
                     FROM members_memberprofile p
                     JOIN communities_membership m ON m.id = p.membership_id
                     WHERE p.community_id = %(c)s AND p.user_id BETWEEN %(low)s AND %(high)s
                    ) p
               CROSS JOIN LATERAL generate_series(1, 1 + floor(power(p.r, 1.5) * 5)::int) j
               ON CONFLICT DO NOTHING""",  # noqa: S608 -- columns named by the models
            {**members, **extra, "ids": interest_ids, "n": len(interest_ids),
             "skew": INTEREST_SKEW},
        )  # fmt: skip
        cursor.execute(
            f"""INSERT INTO members_memberinterest ({given}{cols})
               SELECT %(c)s, p.id, %(rare)s, %(now)s {_extra_values(extra)}
               FROM members_memberprofile p
               WHERE p.community_id = %(c)s AND p.user_id BETWEEN %(low)s AND %(high)s
                 AND NOT p.hide_from_directory
               ORDER BY random() LIMIT %(k)s""",  # noqa: S608 -- columns named by the models
            {**members, **extra, "rare": rare.pk, "k": RARE_INTEREST_MEMBERS},
        )
        cursor.execute(
            """UPDATE members_interest i SET member_count = (
                   SELECT count(*) FROM members_memberinterest l WHERE l.interest_id = i.id)
               WHERE i.community_id = %s""",
            [community_id],
        )

        # Answers: most members answered both questions (a multi-choice answer is a row
        # per option chosen).
        cursor.execute(
            """CREATE TEMP TABLE bench_answered ON COMMIT DROP AS
               SELECT id FROM members_memberprofile
               WHERE community_id = %(c)s AND user_id BETWEEN %(low)s AND %(high)s
                 AND random() < %(share)s""",
            {**members, "share": ANSWERED_SHARE},
        )
        given = "community_id, profile_id, question_id, value"
        cols, extra = other_columns(ProfileAnswer, given)
        region, reason = questions["choice"], questions["multi"]
        cursor.execute(
            f"""INSERT INTO members_profileanswer ({given}{cols})
               SELECT %(c)s, a.id, %(q)s,
                   (%(choices)s::text[])[1 + floor(%(n)s * power(random(), 1.7))::int]
                   {_extra_values(extra)}
               FROM bench_answered a ORDER BY a.id""",  # noqa: S608 -- columns named by the models
            {**members, **extra, "q": region.pk, "choices": region.choices,
             "n": len(region.choices)},
        )  # fmt: skip
        cursor.execute(
            f"""INSERT INTO members_profileanswer ({given}{cols})
               SELECT %(c)s, a.id, %(q)s, o.value {_extra_values(extra)}
               FROM bench_answered a
               CROSS JOIN unnest(%(choices)s::text[], %(chances)s::float8[]) AS o(value, chance)
               WHERE random() < o.chance ORDER BY a.id""",  # noqa: S608 -- columns named by the models
            {**members, **extra, "q": reason.pk, "choices": reason.choices,
             "chances": REASON_CHANCES},
        )  # fmt: skip

        # The bench member fills in their profile like anyone would.
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        as_bench = Actor.for_user(bench, community)
        member_services.profile_update(
            actor=as_bench,
            profile=MemberProfile.objects.get(community=community, user=bench),
            bio="Here for the **benchmark**, staying for the people.",
            location="Benchland",
            interests=BENCH_INTERESTS,
            answers={
                region.pk: region.choices[0],
                reason.pk: [reason.choices[0], reason.choices[3]],
            },
        )
    _step("member profiles, interests and answers", t0)
    # Statistics first: without them the planner takes the fresh tables for empty, and the
    # directory counts below become nested loops over every profile (minutes at 100k).
    with connection.cursor() as cursor:
        for table in ("communities_membership", *MEMBER_TABLES):
            cursor.execute(f"ANALYZE {table}")

    from django.http import QueryDict

    from hearth.members import directory as member_directory

    popular = Interest.objects.get(community=community, key=INTEREST_NAMES[0].casefold())
    rare.refresh_from_db()
    query = f"member{str(others // 2)[:-1]}"
    answer = f"{region.pk}:{region.choices[0]}"

    def listed(params: str) -> int:
        filters = member_directory.directory_filters(
            as_bench, community, QueryDict(params), [region, reason]
        )
        if filters.notices:
            raise RuntimeError(f"directory filter {params!r}: {filters.notices}")
        return member_directory.directory(as_bench, community, filters).count()

    return {
        "members_seeded": True,
        "profiles": MemberProfile.objects.filter(community=community).count(),
        "hidden_profiles": MemberProfile.objects.filter(
            community=community, hide_from_directory=True
        ).count(),
        "listed_profiles": listed(""),
        "interests": len(interest_ids) + 1,
        "member_interests": MemberInterest.objects.filter(community=community).count(),
        "profile_answers": ProfileAnswer.objects.filter(community=community).count(),
        "popular_interest": popular.key,
        "popular_interest_members": popular.member_count,
        "popular_interest_listed": listed(f"interest={popular.key}"),
        "rare_interest": rare.key,
        "rare_interest_members": rare.member_count,
        "rare_interest_listed": listed(f"interest={rare.key}"),
        "directory_query": query,
        "directory_query_listed": listed(f"q={query}"),
        "answer_filter": answer,
        "answer_filter_listed": listed(f"answer={answer}"),
        "helpful_listed": listed("show=helpful"),
        "bench_replies": len(replies),
        "profile_questions": ProfileQuestion.objects.filter(community=community).count(),
    }


def _check_members(info: dict) -> None:
    """Every membership has its profile; counters and answers agree with their rows; a
    sample of profiles reads back through the app's selectors as the seed meant it."""
    from django.db import connection

    from hearth.communities.models import Community
    from hearth.core.actor import Actor
    from hearth.members import like_you as member_like_you
    from hearth.members import selectors as member_selectors
    from hearth.members.models import MemberProfile

    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT
                 (SELECT count(*) FROM communities_membership m WHERE NOT EXISTS (
                    SELECT 1 FROM members_memberprofile p WHERE p.membership_id = m.id)),
                 (SELECT count(*) FROM members_interest i WHERE i.member_count <> (
                    SELECT count(*) FROM members_memberinterest l WHERE l.interest_id = i.id)),
                 (SELECT count(*) FROM members_profileanswer a
                  JOIN members_profilequestion q ON q.id = a.question_id
                  WHERE NOT (q.choices ? a.value)),
                 (SELECT count(*) FROM members_profileanswer a
                  JOIN members_profilequestion q ON q.id = a.question_id
                  WHERE q.kind = 'choice' GROUP BY a.profile_id ORDER BY 1 DESC LIMIT 1),
                 (SELECT count(*) FROM members_memberprofile p
                  JOIN communities_membership m ON m.id = p.membership_id
                  WHERE p.last_active_at < m.joined_at OR p.last_active_at > now())"""
        )
        no_profile, bad_counts, bad_answers, most_choices, bad_active = cursor.fetchone()
    if no_profile or bad_counts or bad_answers or most_choices != 1 or bad_active:
        raise RuntimeError(
            f"members: {no_profile} memberships without a profile, {bad_counts} interest "
            f"counts off, {bad_answers} answers not among the choices, {most_choices} answers "
            f"to a one-choice question, {bad_active} activity dates out of range"
        )
    community = Community.objects.get(pk=info["community_id"])
    for profile in MemberProfile.objects.filter(community=community).order_by("?")[:100]:
        if profile.helped_count != member_selectors.helped_members(profile):
            raise RuntimeError(f"profile {profile.pk}: helped_count disagrees with its answers")
        # 1-5 drawn, and perhaps the rare one (the owner has none)
        if len(member_selectors.profile_interests(profile)) > 6:
            raise RuntimeError(f"profile {profile.pk}: more than 6 interests")
    bench = MemberProfile.objects.get(community=community, user__username=BENCH_USERNAME)
    mine = [i.name for i in member_selectors.profile_interests(bench)]
    if sorted(mine) != sorted(BENCH_INTERESTS):
        raise RuntimeError(f"the bench member's interests are {mine}")
    actor = Actor.for_user(bench.user, community)
    suggestions = member_like_you.members_like_you(actor, community)
    if len(suggestions) != member_like_you.SUGGESTIONS or not all(s.reason for s in suggestions):
        raise RuntimeError("members like you finds too few members for the bench member")
    if info["rare_interest_members"] != RARE_INTEREST_MEMBERS + 1:
        raise RuntimeError("the rare interest does not have its members")
    if info["bench_replies"] != 30 or not info["helpful_listed"]:
        raise RuntimeError("the bench member's replies or the helpful members are missing")


def _doc_count(word: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM search_postdocument "
            "WHERE search_vector @@ websearch_to_tsquery('english', %s)",
            [word],
        )
        return cursor.fetchone()[0]


def _pick_search_word(vocab: list[str]) -> tuple[str, int]:
    """A middling word: found in roughly half a percent of posts (the first words of the
    vocabulary are in most posts, the last in about a quarter of a percent)."""
    word = vocab[len(vocab) // 4]
    return word, _doc_count(word)


def _check(info: dict) -> None:
    """Compare a sample of seeded rows with what the app's own code makes of them."""
    from django.db import connection

    from hearth.core.markdown import render_markdown
    from hearth.discussions.models import Category, Post, Topic
    from hearth.search.index import post_body_text
    from hearth.search.models import PostDocument

    sample = list(Post.objects.order_by("?")[:200].select_related("topic"))
    for post in sample:
        if render_markdown(post.body, nofollow=True) != post.html:
            raise RuntimeError(f"post {post.pk}: html is not what render_markdown makes")
        doc = PostDocument.objects.filter(post_id=post.pk).first()
        if (doc is None) != (post.deleted_at is not None):
            raise RuntimeError(f"post {post.pk}: search document presence is wrong")
        if doc and (doc.body != post_body_text(post) or doc.title != post.topic.title):
            raise RuntimeError(f"post {post.pk}: search document text is wrong")
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FROM discussions_topic t WHERE t.post_count <> (
                   SELECT count(*) FROM discussions_post p
                   WHERE p.topic_id = t.id AND p.deleted_at IS NULL)
               OR t.highest_post_number <> (
                   SELECT max(number) FROM discussions_post p WHERE p.topic_id = t.id)"""
        )
        if cursor.fetchone()[0]:
            raise RuntimeError("topic counters disagree with their posts")
    posts = Post.objects.count()
    docs = PostDocument.objects.count()
    visible = Post.objects.filter(deleted_at__isnull=True).count()
    if posts != info["all_posts"] or docs != visible:
        raise RuntimeError(f"{posts} posts and {docs} documents for {visible} visible posts")
    big = Topic.objects.get(pk=info["big_topic_id"])
    if big.post_count != BIG_TOPIC_POSTS or big.highest_post_number != BIG_TOPIC_POSTS:
        raise RuntimeError("the big topic does not have its 500 posts")
    total = sum(Category.objects.values_list("post_count", flat=True))
    if total != visible:
        raise RuntimeError("category post counts disagree with the posts")
    _check_boards(info)
    _check_members(info)


def reset(info: dict) -> None:
    """Take back what a run wrote: the bench member's replies to the big topic (and what
    came with them), reactions (``bench.mix``), reading state, watches and events; recount
    the topic and category, and the reacted posts' reaction counts."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.db.models import Count

    from hearth.core.models import InteractionEvent
    from hearth.discussions.models import Post, Reaction, Topic, TopicRead, Watch

    user = get_user_model().objects.get(username=info["bench_user"])
    with transaction.atomic():
        Post.objects.filter(
            topic_id=info["big_topic_id"], number__gt=info["big_topic_posts"]
        ).delete()
        TopicRead.objects.filter(user=user, topic_id=info["big_topic_id"]).delete()
        Watch.objects.filter(user=user).delete()
        InteractionEvent.objects.filter(actor=user).delete()
        # Reactions are not seeded: the bench member's come from a run.
        reacted = set(Reaction.objects.filter(user=user).values_list("post_id", flat=True))
        Reaction.objects.filter(user=user).delete()
        for post in Post.objects.filter(pk__in=reacted):
            rows = Reaction.objects.filter(post=post).values("kind").annotate(n=Count("id"))
            post.reactions = {row["kind"]: row["n"] for row in rows}
            post.save(update_fields=["reactions"])
        with connection.cursor() as cursor:
            cursor.execute(RECOUNT_TOPICS.format(where="topic_id = %s"), [info["big_topic_id"]] * 2)
            cursor.execute(RECOUNT_CATEGORIES, [info["community_id"]])
        big = Topic.objects.get(pk=info["big_topic_id"])
        assert big.highest_post_number == info["big_topic_posts"], "reset left replies behind"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.seed", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--members", type=int, default=1_000)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--force", action="store_true", help="re-seed even if already seeded")
    parser.add_argument("--reset", action="store_true", help="only undo a run's writes")
    parser.add_argument("--print-info", action="store_true", help="print the marker as JSON")
    args = parser.parse_args(argv)
    name = check_database_url(args.database_url)
    marker = read_marker(args.database_url)

    if args.reset or args.print_info:
        if marker is None:
            sys.exit(f"bench.seed: {name} is not seeded.")
        if args.reset:
            setup_django(args.database_url)
            reset(marker)
        if args.print_info:
            print(json.dumps(marker))
        return 0

    wanted = (SEED_VERSION, args.posts, args.members)
    seeded = marker and (marker["version"], marker["posts"], marker["members"]) == wanted
    if seeded and not args.force:
        print(
            f"bench.seed: {name} already holds {args.posts:,} posts and {args.members:,} "
            f"members (seeded {marker['seeded_at']} in {marker['seconds']} s): reused."
        )
        # The app's schema may have moved on since: bring the database up to date.
        setup_django(args.database_url)
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        if not marker.get("members_seeded"):  # seeded before the members app
            add_members(marker)
        return 0
    print(f"bench.seed: seeding {name}: {args.posts:,} posts, {args.members:,} members")
    started = time.monotonic()
    recreate_database(args.database_url, name)
    setup_django(args.database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    _step("database created and migrated", started)
    info = seed(posts=args.posts, members=args.members)
    total = time.monotonic() - started
    print(
        f"bench.seed: done in {total:.0f} s ({args.posts / total:,.0f} posts/s overall); "
        f"search word {info['search_word']!r} is in {info['search_word_docs']:,} posts"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
