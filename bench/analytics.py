"""How fast the community-health rollups are at scale (issue 6, "Performance").

    .venv/bin/python -m bench.analytics [--members 100000 --events 1000000 --days 90]

For the given size and for one ten times smaller, builds (or reuses) a PostgreSQL database
of its own, ``hearth_bench_analytics_<events>_<members>`` at ``BENCH_PG_URL`` (this
machine only), holding one community whose members made ``--events`` interaction events
over the last ``--days`` days, and measures, each size in a process of its own:

- a full ``rollups.rebuild`` of every day, and ``rollups.update`` applying the last day
  alone to rollups that cover the days before it (the nightly case);
- the dashboard's reads from the rollups (``health_report`` for 7, 28 and 90 days,
  ``day_figures``, the graph's and ladder's inputs, ``build_dashboard``): the median of
  five runs and the queries each issues;
- the same report computed from the raw events (``metrics.health_report``), for contrast.

It prints one table with both sizes and their ratio (reads that do not grow with the raw
event count stay near 1 where the data is ten times larger), and the rows of each rollup
table. Members and events are bulk-written (``COPY``) from a small model of a community:
a few thousand regulars do most of it (a power law), newcomers join over the window from
several sources, post once or twice and are welcomed or not, staff answer questions and
respond to ideas; event rows have the shapes the services write, ids in time order.
No timing is asserted anywhere."""

from __future__ import annotations

import argparse
import heapq
import json
import os
import random
import statistics
import subprocess
import sys
import time
from bisect import bisect
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.seed import (
    IndexesOff,
    _extra_values,
    _step,
    _with_db,
    check_database_url,
    other_columns,
    recreate_database,
    setup_django,
)

ROOT = Path(__file__).resolve().parent.parent
SEED_VERSION = 1
MARKER_TABLE = "bench_analytics_seed"
HELD_TABLE = "bench_analytics_held"  # the last day's events while the rollups lack them
DB_PREFIX = "hearth_bench_analytics"
COMMUNITY_SLUG = "analytics"
OWNER_USERNAME = "bench_owner"
READ_RUNS = 5
SMALLER = 10  # the second database is this many times smaller

BEFORE_SHARE = 0.4  # members who joined before the window (up to a year before)
STAFF_EVERY = 40  # one member in 40 of the activity ranking is staff (2.5%)
RECENT_THREADS = 4000  # replies and reactions go mostly to the latest threads
SOURCES = [("", 35), ("newsletter", 20), ("mastodon", 15), ("partner-blog", 10),
           ("meetup", 10), ("search", 10)]  # fmt: skip
CAMPAIGNS = ["", "", "spring-launch", "webinar-3", "meetup-berlin"]
REACTIONS = ["like", "like", "like", "thanks", "laugh", "insightful"]
IDEA_STATUSES = ["under_review", "planned", "declined", "shipped"]
# What a member does when they come by (each may bring follow-up events), by weight.
ACTIONS = [("reply", 40), ("react", 33), ("message", 8.5), ("vote", 8.5), ("topic", 3.0),
           ("question", 1.2), ("idea", 0.7)]  # fmt: skip
HOUR_WEIGHTS = [2, 1, 1, 1, 1, 2, 3, 5, 7, 8, 8, 8, 7, 8, 8, 8, 8, 7, 7, 7, 6, 5, 4, 3]
HOUR = 3600.0
DAY = 86400.0


# The community's model -------------------------------------------------------------------


@dataclass
class Thread:
    id: int
    author: int
    kind: str  # a category kind: discussion, questions, ideas
    started: float
    posts: list[tuple[int, int]]  # (post id, author): the first post and the latest ones
    count: int = 1  # posts so far (the next reply's number is count + 1)
    answered: bool = False  # a question someone other than the asker replied to
    voters: set[int] = field(default_factory=set)


@dataclass
class Members:
    ids: list[int]  # user ids, in joining order
    joined: dict[int, float]  # user id -> joined_at (epoch seconds)
    membership: dict[int, int]  # user id -> membership id
    source: dict[int, tuple[str, str]]  # user id -> (source, campaign)
    ranked: list[int]  # user ids, most active first
    staff: list[int]  # staff user ids, most active first


def plan_members(rng: random.Random, n: int, start: float, end: float) -> list[tuple]:
    """(joined_at, role, source, campaign, rank) per member, in joining order. Activity
    ranks favour members who joined before the window: the regulars are mostly old hands."""
    joined = sorted(
        start - rng.uniform(1, 365) * DAY
        if rng.random() < BEFORE_SHARE
        else start + rng.random() * (end - start - HOUR)
        for _ in range(n)
    )
    keys = [rng.random() * (0.3 if at < start else 1.0) for at in joined]
    rank = [0] * n
    for r, i in enumerate(sorted(range(n), key=keys.__getitem__)):
        rank[i] = r
    sources, weights = zip(*SOURCES, strict=True)
    plan = []
    for i, at in enumerate(joined):
        staff = rank[i] % STAFF_EVERY == 0
        role = ("admin" if rank[i] % (STAFF_EVERY * 8) == 0 else "moderator") if staff else "member"
        source = rng.choices(sources, weights)[0] if at >= start else ""
        campaign = rng.choice(CAMPAIGNS) if source else ""
        plan.append((at, role, source, campaign, rank[i]))
    return plan


class Simulation:
    """The event log of the window, in time order: members come by at random moments of the
    day (more in the afternoon, fewer at weekends) and reply, react, message, vote or start
    a topic, a question or an idea; joins, newcomers' first posts and their welcomes,
    accepted answers and idea statuses are scheduled ahead and happen when their time
    comes. Who acts is drawn from a power law over the activity ranking."""

    def __init__(self, rng: random.Random, members: Members, start: float, end: float):
        self.rng, self.members, self.start, self.end = rng, members, start, end
        self.events: list[tuple] = []  # (at, verb, actor, target, object type, id, data)
        self.queue: list[tuple] = []  # (at, sequence, method, args): scheduled actions
        self.threads: list[Thread] = []
        self.ideas: list[Thread] = []
        self.inbox: dict[int, int] = {}  # member -> who last messaged them
        self.conversations: dict[tuple[int, int], int] = {}
        self.next_id = {"topic": 0, "post": 0}
        weights = [1 / (r + 1) for r in range(len(members.ranked))]
        total, self.cumulative = 0.0, []
        for w in weights:
            total += w
            self.cumulative.append(total)
        self.veterans = [u for u in members.ids if members.joined[u] < start] or members.ids
        self.sequence = 0

    # Drawing people and things

    def actor(self, at: float, *, besides: int | None = None) -> int:
        """A member who had joined by ``at``, drawn by activity (not ``besides``)."""
        members, rng, total = self.members, self.rng, self.cumulative[-1]
        for _ in range(6):
            user = members.ranked[bisect(self.cumulative, rng.random() * total)]
            if members.joined[user] <= at and user != besides:
                return user
        user = besides
        while user == besides:
            user = self.veterans[rng.randrange(len(self.veterans))]
        return user

    def staff(self) -> int:
        staff = self.members.staff
        return staff[int(len(staff) * self.rng.random() ** 2)]

    def recent(self, threads: list[Thread]) -> Thread | None:
        if not threads:
            return None
        span = min(len(threads), RECENT_THREADS)
        return threads[len(threads) - 1 - int(span * self.rng.random() ** 3)]

    def new_id(self, kind: str) -> int:
        self.next_id[kind] += 1
        return self.next_id[kind]

    # Writing events and scheduling

    def emit(self, at, verb, actor, target=None, object_type="", object_id=None, data=None):
        self.events.append((at, verb, actor, target, object_type, object_id, data or {}))

    def later(self, at: float, method, *args) -> None:
        self.sequence += 1
        heapq.heappush(self.queue, (at, self.sequence, method, args))

    def run_until(self, until: float) -> None:
        while self.queue and self.queue[0][0] < until:
            at, _seq, method, args = heapq.heappop(self.queue)
            method(at, *args)

    # What members do

    def join(self, at: float, user: int) -> None:
        source, campaign = self.members.source[user]
        self.emit(
            at,
            "member.join",
            user,
            None,
            "communities.membership",
            self.members.membership[user],
            {"source": source, "campaign": campaign},
        )
        rng = self.rng
        if rng.random() < 0.45:  # a newcomer's first post, then perhaps a second
            first = at + rng.expovariate(1 / (18 * HOUR))
            self.later(first, self.newcomer_post, user, True)
            if rng.random() < 0.35:
                self.later(first + rng.uniform(HOUR, 30 * DAY), self.newcomer_post, user, False)

    def newcomer_post(self, at: float, user: int, first: bool) -> None:
        rng = self.rng
        if first and rng.random() < 0.6:
            thread = self.start_thread(
                at, user, "questions" if rng.random() < 0.3 else "discussion"
            )
            if rng.random() < 0.6:  # someone welcomes them
                welcomer = self.staff() if rng.random() < 0.5 else self.actor(at, besides=user)
                self.later(at + rng.expovariate(1 / (8 * HOUR)), self.reply, welcomer, thread)
        else:
            self.reply(at, user, self.recent(self.threads))

    def start_thread(self, at: float, user: int, kind: str) -> Thread:
        thread = Thread(self.new_id("topic"), user, kind, at, [(self.new_id("post"), user)])
        self.threads.append(thread)
        post_id = thread.posts[0][0]
        self.emit(
            at,
            "topic.create",
            user,
            None,
            "discussions.post",
            post_id,
            {"topic": thread.id, "kind": kind},
        )
        if kind == "questions":
            self.emit(at, "question.ask", user, None, "discussions.topic", thread.id)
        elif kind == "ideas":
            self.ideas.append(thread)
            self.emit(at, "idea.propose", user, None, "discussions.topic", thread.id)
            if self.rng.random() < 0.35:
                self.later(at + self.rng.expovariate(1 / (6 * DAY)), self.idea_status, thread)
        elif self.rng.random() < 0.15:
            self.mention(at, user, post_id, thread)
        return thread

    def reply(self, at: float, user: int, thread: Thread | None) -> None:
        if thread is None:
            return
        rng = self.rng
        if thread.kind == "questions" and user == thread.author and rng.random() < 0.8:
            user = self.staff() if rng.random() < 0.4 else self.actor(at, besides=thread.author)
        reply_to = thread.posts[0] if rng.random() < 0.5 else rng.choice(thread.posts)
        post_id = self.new_id("post")
        thread.count += 1
        target = reply_to[1] if reply_to[1] != user else None
        self.emit(
            at,
            "post.reply",
            user,
            target,
            "discussions.post",
            post_id,
            {"topic": thread.id, "reply_to": reply_to[0], "number": thread.count},
        )
        thread.posts.append((post_id, user))
        if len(thread.posts) > 30:
            del thread.posts[1]
        if thread.kind == "questions" and not thread.answered and user != thread.author:
            thread.answered = True
            self.emit(
                at,
                "question.first_response",
                user,
                thread.author,
                "discussions.post",
                post_id,
                {
                    "topic": thread.id,
                    "responder_is_staff": user in self.members.staff,
                    "seconds": int(at - thread.started),
                },
            )
            if rng.random() < 0.45:
                self.later(at + rng.expovariate(1 / (12 * HOUR)), self.accept, thread,
                           post_id, user, at)  # fmt: skip
        if rng.random() < 0.12:
            self.mention(at, user, post_id, thread)

    def mention(self, at: float, user: int, post_id: int, thread: Thread) -> None:
        self.emit(
            at,
            "post.mention",
            user,
            self.actor(at, besides=user),
            "discussions.post",
            post_id,
            {"topic": thread.id},
        )

    def accept(self, at: float, thread: Thread, post_id: int, answerer: int, answered: float):
        self.emit(
            at,
            "answer.accept",
            thread.author,
            answerer,
            "discussions.post",
            post_id,
            {
                "topic": thread.id,
                "answerer_is_staff": answerer in self.members.staff,
                "seconds_to_accept": int(at - answered),
            },
        )

    def react(self, at: float, user: int) -> None:
        thread = self.recent(self.threads)
        if thread is None:
            return
        post_id, author = self.rng.choice(thread.posts)
        if author == user:
            user = self.actor(at, besides=author)
        self.emit(
            at,
            "post.react",
            user,
            author,
            "discussions.post",
            post_id,
            {"kind": self.rng.choice(REACTIONS), "topic": thread.id},
        )

    def message(self, at: float, user: int) -> None:
        target = self.inbox.get(user)
        if target is None or self.rng.random() < 0.5:
            target = self.actor(at, besides=user)
        pair = (min(user, target), max(user, target))
        conversation = self.conversations.setdefault(pair, len(self.conversations) + 1)
        self.inbox[target] = user
        self.emit(
            at,
            "message.send",
            user,
            target,
            "conversations.conversation",
            conversation,
            {"conversation": conversation},
        )

    def vote(self, at: float, user: int) -> None:
        idea = self.recent(self.ideas)
        if idea is None:
            return
        if user in idea.voters or user == idea.author:
            user = self.actor(at, besides=idea.author)
            if user in idea.voters:
                return
        idea.voters.add(user)
        self.emit(at, "idea.vote", user, idea.author, "discussions.topic", idea.id)

    def idea_status(self, at: float, idea: Thread) -> None:
        self.emit(
            at,
            "idea.status",
            self.staff(),
            idea.author,
            "discussions.topic",
            idea.id,
            {
                "from": "new",
                "to": self.rng.choice(IDEA_STATUSES),
                "responded": self.rng.random() < 0.7,
            },
        )

    def act(self, at: float, action: str) -> None:
        user = self.actor(at)
        if action == "reply":
            self.reply(at, user, self.recent(self.threads))
        elif action == "react":
            self.react(at, user)
        elif action == "message":
            self.message(at, user)
        elif action == "vote":
            self.vote(at, user)
        else:
            kind = {"topic": "discussion", "question": "questions", "idea": "ideas"}[action]
            self.start_thread(at, user, kind)

    # The whole window

    def run(self, events: int) -> list[tuple]:
        """About ``events`` events (a little more: :func:`exactly` trims reactions)."""
        rng, members = self.rng, self.members
        for user in members.ids:
            if members.joined[user] >= self.start:
                self.later(members.joined[user], self.join, user)
        days = round((self.end - self.start) / DAY)
        weights = [
            (0.75 if datetime.fromtimestamp(self.start + d * DAY, UTC).weekday() >= 5 else 1.0)
            * (1 + 0.3 * d / days)
            for d in range(days)
        ]
        names, action_weights = zip(*ACTIONS, strict=True)
        goal, acts, per_act = events * 1.02, 0, 1.1
        for d in range(days):
            day_start = self.start + d * DAY
            wanted = (goal - len(self.events)) * weights[d] / sum(weights[d:])
            count = max(0, round(wanted / per_act))
            hours = rng.choices(range(24), HOUR_WEIGHTS, k=count)
            moments = sorted(day_start + (h + rng.random()) * HOUR for h in hours)
            for at, action in zip(
                moments, rng.choices(names, action_weights, k=count), strict=True
            ):
                self.run_until(at)
                self.act(at, action)
            self.run_until(day_start + DAY)
            acts += count
            per_act = len(self.events) / max(acts, 1)
        return self.events


def exactly(rng: random.Random, events: list[tuple], n: int) -> list[tuple]:
    """``events`` with reactions (which nothing else depends on) left out down to ``n``."""
    extra = len(events) - n
    if extra <= 0:
        return events
    reactions = [i for i, e in enumerate(events) if e[1] == "post.react"]
    drop = set(rng.sample(reactions, min(extra, len(reactions))))
    return [e for i, e in enumerate(events) if i not in drop]


# Seeding ---------------------------------------------------------------------------------


def seed(*, events: int, members: int, days: int, seed_value: int = 6) -> dict:
    """One community, its members and its event log; returns the marker's information."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from hearth.communities.models import Membership
    from hearth.communities.services import community_create
    from hearth.core.models import InteractionEvent

    rng = random.Random(seed_value)
    started = t0 = time.monotonic()
    end = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    start = end - timedelta(days=days)
    User = get_user_model()
    owner = User.objects.create_user(OWNER_USERNAME, f"{OWNER_USERNAME}@bench.invalid", None)
    community = community_create(
        user=owner,
        name="Analytics Bench",
        slug=COMMUNITY_SLUG,
        rules="Be kind.",
        tagline="A large community for the analytics benchmark",
    )
    t0 = _step("owner and community (services)", t0)

    plan = plan_members(rng, members - 1, start.timestamp(), end.timestamp())
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")  # no FK triggers
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute(
            "CREATE TEMP TABLE bench_members (i int, joined_at timestamptz, role text, "
            "source text, campaign text) ON COMMIT DROP"
        )
        with cursor.cursor.copy(
            "COPY bench_members (i, joined_at, role, source, campaign) FROM STDIN"
        ) as copy:
            for i, (at, role, source, campaign, _rank) in enumerate(plan, start=1):
                copy.write_row((i, datetime.fromtimestamp(at, UTC), role, source, campaign))
        given = (
            "password, is_superuser, username, first_name, last_name, email, is_staff, "
            "is_active, date_joined, display_name, bio, avatar, time_zone"
        )
        cols, extra = other_columns(User, given)
        cursor.execute(
            f"""INSERT INTO accounts_user ({given}{cols})
               SELECT '!', false, 'member' || i, '', '', 'member' || i || '@bench.invalid',
                   false, true, joined_at, CASE WHEN i %% 3 = 0 THEN 'Member ' || i ELSE '' END,
                   '', '', 'UTC' {_extra_values(extra)}
               FROM bench_members ORDER BY i""",  # noqa: S608 -- columns named by the models
            extra,
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
               SELECT %(community)s, %(low)s + m.i - 1, m.role, 'active',
                   least(4, floor(power(random(), 3) * 5))::int, 1, '[]'::jsonb, m.source,
                   m.campaign, '', m.joined_at, m.joined_at, m.joined_at
                   {_extra_values(extra)}
               FROM bench_members m ORDER BY m.i""",  # noqa: S608 -- columns named by the models
            {"community": community.pk, "low": low, **extra},
        )
        cursor.execute(
            "UPDATE communities_community SET member_count = (SELECT count(*) FROM "
            "communities_membership WHERE community_id = %s AND status = 'active') WHERE id = %s",
            [community.pk, community.pk],
        )
    ids = list(range(low, high + 1))
    membership = dict(Membership.objects.filter(community=community).values_list("user_id", "id"))
    ranked = [0] * len(ids)
    for user, (_at, _role, _source, _campaign, rank) in zip(ids, plan, strict=True):
        ranked[rank] = user
    roles = {user: p[1] for user, p in zip(ids, plan, strict=True)}
    people = Members(
        ids=ids,
        joined={user: p[0] for user, p in zip(ids, plan, strict=True)},
        membership=membership,
        source={user: (p[2], p[3]) for user, p in zip(ids, plan, strict=True)},
        ranked=ranked,
        staff=[user for user in ranked if roles[user] != "member"],
    )
    t0 = _step(f"{members:,} members and memberships", t0)

    simulation = Simulation(rng, people, start.timestamp(), end.timestamp())
    log = exactly(rng, simulation.run(events), events)
    t0 = _step(f"{len(log):,} events planned", t0)

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET LOCAL synchronous_commit = off")
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        cursor.execute("SELECT coalesce(max(id), 0) FROM core_interactionevent")
        next_id = cursor.fetchone()[0] + 1
        given = (
            "id, community_id, actor_id, target_user_id, verb, object_type, object_id, data, "
            "created_at"
        )
        cols, extra = other_columns(InteractionEvent, given)
        extra_values = tuple(extra.values())
        with IndexesOff(cursor, ["core_interactionevent"]):
            with cursor.cursor.copy(
                f"COPY core_interactionevent ({given}{cols}) FROM STDIN"
            ) as copy:
                for event_id, (at, verb, actor, target, otype, oid, data) in enumerate(
                    log, start=next_id
                ):
                    copy.write_row(
                        (event_id, community.pk, actor, target, verb, otype, oid,
                         json.dumps(data), datetime.fromtimestamp(at, UTC), *extra_values)
                    )  # fmt: skip
            t0 = _step("events copied", t0)
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('core_interactionevent', 'id'), max(id)) "
            "FROM core_interactionevent"
        )
        t0 = _step("event indexes rebuilt", t0)
    with connection.cursor() as cursor:
        for table in ("accounts_user", "communities_membership", "core_interactionevent"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    t0 = _step("VACUUM ANALYZE", t0)

    last_day = (end - timedelta(days=1)).timestamp()
    info = {
        "version": SEED_VERSION,
        "events": events,
        "members": members,
        "days": days,
        "community_id": community.pk,
        "end": end.isoformat(),
        "last_day_first_id": next_id + next(i for i, e in enumerate(log) if e[0] >= last_day),
        "staff": len(people.staff) + 1,
        "verbs": dict(Counter(e[1] for e in log).most_common()),
        "seconds": round(time.monotonic() - started, 1),
        "seeded_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {MARKER_TABLE} (id int PRIMARY KEY, info jsonb NOT NULL)")
        cursor.execute(f"INSERT INTO {MARKER_TABLE} VALUES (1, %s)", [json.dumps(info)])  # noqa: S608
    return info


def read_marker(url: str) -> dict | None:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=5) as conn:
            row = conn.execute(f"SELECT info FROM {MARKER_TABLE} WHERE id = 1").fetchone()  # noqa: S608
    except psycopg.errors.UndefinedTable:
        return None
    except psycopg.OperationalError as exc:
        if "does not exist" in str(exc):
            return None
        raise
    return row[0] if row else None


def prepare(url: str, *, events: int, members: int, days: int, force: bool) -> dict:
    """The database seeded with these sizes (re-created unless the marker says so)."""
    name = check_database_url(url)
    if not name.startswith("hearth_bench_"):
        sys.exit(f"bench.analytics: refusing {name!r}: its databases are hearth_bench_*.")
    marker = read_marker(url)
    wanted = (SEED_VERSION, events, members, days)
    if (
        marker
        and not force
        and ((marker["version"], marker["events"], marker["members"], marker["days"]) == wanted)
    ):
        print(f"bench.analytics: {name} is seeded (in {marker['seconds']} s): reused.")
        setup_django(url)
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        return marker
    print(f"bench.analytics: seeding {name}: {events:,} events, {members:,} members, {days} days")
    started = time.monotonic()
    recreate_database(url, name)
    setup_django(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    _step("database created and migrated", started)
    info = seed(events=events, members=members, days=days)
    print(f"bench.analytics: seeded in {info['seconds']:.0f} s")
    return info


# Measuring -------------------------------------------------------------------------------


class Meter:
    """Counts the queries run through Django's connection and the time spent in them."""

    def __init__(self):
        self.queries, self.db_seconds = 0, 0.0

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries += 1
            self.db_seconds += time.perf_counter() - started


def measured(fn, runs: int = 1) -> dict:
    """The median wall time of ``runs`` calls and the median CPU time of this process (the
    app's Python; PostgreSQL's work is in ``db_seconds``), with the queries and the time
    waiting on them of one call."""
    from django.db import connection

    times, cpu, meters = [], [], []
    for _ in range(runs):
        meter = Meter()
        with connection.execute_wrapper(meter):
            started, cpu_started = time.perf_counter(), time.process_time()
            result = fn()
            times.append(time.perf_counter() - started)
            cpu.append(time.process_time() - cpu_started)
        meters.append(meter)
    meter = meters[times.index(statistics.median_low(times))]
    return {
        "seconds": statistics.median(times),
        "cpu_seconds": statistics.median(cpu),
        "queries": meter.queries,
        "db_seconds": meter.db_seconds,
        "runs": runs,
        "result": result,
    }


def hold_back_last_day(info: dict) -> int:
    """Move the last day's events aside (rollups are then rebuilt without them)."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {HELD_TABLE} AS SELECT * FROM core_interactionevent "  # noqa: S608
            "WHERE community_id = %s AND id >= %s",
            [info["community_id"], info["last_day_first_id"]],
        )
        cursor.execute(
            "DELETE FROM core_interactionevent WHERE community_id = %s AND id >= %s",
            [info["community_id"], info["last_day_first_id"]],
        )
        return cursor.rowcount


def put_back_last_day() -> int:
    """Insert the held-back events again, ids and (past) times unchanged."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [HELD_TABLE])
        if not cursor.fetchone()[0]:
            return 0
        cursor.execute(
            f"INSERT INTO core_interactionevent SELECT * FROM {HELD_TABLE} "  # noqa: S608
            "ON CONFLICT (id) DO NOTHING"
        )
        count = cursor.rowcount
        cursor.execute(f"DROP TABLE {HELD_TABLE}")
        return count


def measure(
    info: dict, out: Path, *, reads_only: bool = False, quick: bool = False, runs: int = READ_RUNS
) -> dict:
    """Every figure of the table for this database, saved to ``out`` after each step (a
    long run that stops still leaves what it measured). ``reads_only`` measures the reads
    again and keeps the writes an earlier run saved in ``out``; ``quick`` measures only
    the two figures of issue 15: a full rebuild and the whole dashboard."""
    from django.db import connection

    from hearth.analytics import metrics, rollups
    from hearth.communities.models import STAFF_ROLES, Community, Membership
    from hearth.core.models import InteractionEvent

    community = Community.objects.get(pk=info["community_id"])
    end = datetime.fromisoformat(info["end"])
    as_of = end
    put_back_last_day()  # a run stopped half-way left them aside
    if reads_only and not out.exists():
        sys.exit(f"bench.analytics: --reads-only needs the writes of an earlier run ({out}).")
    result = json.loads(out.read_text()) if reads_only else {"info": info, "rows": {}}
    result["reads_only"] = reads_only
    result["quick"] = quick
    result["runs"] = runs
    rows: dict[str, dict] = result["rows"]

    def save(key: str, row: dict) -> None:
        row.pop("result", None)
        rows[key] = row
        out.write_text(json.dumps(result, default=str))

    def row_counts() -> dict[str, int]:
        counts = {"events": InteractionEvent.objects.filter(community=community).count()}
        for model in rollups.ROLLUP_MODELS:
            counts[model._meta.db_table] = model.objects.filter(community=community).count()
        return counts

    if quick:
        print(f"  rebuilding all {info['days']} days …", flush=True)
        save("rebuild", measured(lambda: rollups.rebuild(community)))
    elif reads_only:
        rollups.update(community, lag=timedelta(0))  # nothing to do unless a run stopped
    else:
        # The nightly case: rollups cover every day but the last, then the last day comes.
        result["held"] = held = hold_back_last_day(info)
        print(f"  rebuilding the first {info['days'] - 1} days …", flush=True)
        save("rebuild_before", measured(lambda: rollups.rebuild(community)))
        put_back_last_day()
        print(f"  updating with the last day's {held:,} events …", flush=True)
        update = measured(lambda: rollups.update(community, lag=timedelta(0)))
        if update["result"] != held:
            raise RuntimeError(f"update applied {update['result']} of {held} events")
        save("update_day", update)
    with connection.cursor() as cursor:  # as autovacuum would have by the time anyone reads
        for model in rollups.ROLLUP_MODELS:  # (VACUUM sets the new rows' hint bits too)
            cursor.execute(f"VACUUM (ANALYZE) {model._meta.db_table}")
    result["counts"] = row_counts()

    # The worker imports these once; a dashboard computed there does not pay for them.
    import networkx  # noqa: F401
    import scipy.optimize  # noqa: F401

    if quick:
        _measure_dashboard(result, save, community, end, as_of, runs)
        return result
    print("  reading …", flush=True)
    staff = frozenset(
        Membership.objects.filter(community=community, role__in=STAFF_ROLES).values_list(
            "user_id", flat=True
        )
    )
    for n in (7, 28, 90):
        start = end - timedelta(days=n)
        save(
            f"report_{n}",
            measured(
                lambda start=start: rollups.health_report(community, start, end, as_of=as_of),
                runs,
            ),
        )
    first, last = (end - timedelta(days=info["days"])).date(), end.date()
    month = (end - timedelta(days=28)).date()
    save(
        "day_figures",
        measured(
            lambda: rollups.day_figures(community, first, last, staff=staff, as_of=as_of),
            runs,
        ),
    )
    save("pair_activity", measured(lambda: rollups.pair_activity(community, month, last), runs))
    save("co_topic", measured(lambda: rollups.co_topic_presence(community, month, last), runs))
    save("active_days", measured(lambda: rollups.active_days(community, first, last), runs))
    _measure_dashboard(result, save, community, end, as_of, runs)
    print("  the raw-event report, 28 days …", flush=True)
    save(
        "raw_report_28",
        measured(
            lambda: metrics.health_report(community, end - timedelta(days=28), end, as_of=as_of)
        ),
    )

    if reads_only:
        return result
    print(f"  rebuilding all {info['days']} days …", flush=True)
    save("rebuild", measured(lambda: rollups.rebuild(community)))
    # The rebuild must come back to the rows the incremental update left.
    result["rebuild_same_rows"] = row_counts() == result["counts"]
    out.write_text(json.dumps(result, default=str))
    return result


def _measure_dashboard(result, save, community, end, as_of, runs) -> None:
    """``build_dashboard`` for the 28 days before ``end``, as the worker computes it."""
    from django.db import DatabaseError

    from hearth.analytics import dashboard, rollups

    rows = result["rows"]
    last = end.date()
    month = (end - timedelta(days=28)).date()
    # The dashboard is measured as it is: from the rollups once it imports them.
    uses_rollups = any(
        value is rollups or getattr(value, "__module__", None) == rollups.__name__
        for value in vars(dashboard).values()
    )
    result["dashboard_source"] = "rollups" if uses_rollups else "raw events"
    window = dashboard.Window(month, last - timedelta(days=1))
    print(f"  the dashboard ({result['dashboard_source']}), 28 days …", flush=True)
    if uses_rollups:  # one computation first, as in a worker that has computed before
        dashboard.build_dashboard(community, window, as_of=as_of)
    try:
        save(
            "dashboard",
            measured(
                lambda: dashboard.build_dashboard(community, window, as_of=as_of),
                runs if uses_rollups else 1,
            ),
        )
    except DatabaseError as exc:
        rows.pop("dashboard", None)
        result["dashboard_source"] = f"failed: {str(exc).splitlines()[0]}"
        print(f"  build_dashboard {result['dashboard_source']}", flush=True)


# The table -------------------------------------------------------------------------------

ROWS = [
    ("rebuild_before", "rebuild, all days but the last"),
    ("rebuild", "full rebuild, all days"),
    ("update_day", "update: the last day's events"),
    ("report_7", "health_report, 7 days"),
    ("report_28", "health_report, 28 days"),
    ("report_90", "health_report, 90 days"),
    ("day_figures", "day_figures, 90 days"),
    ("pair_activity", "pair_activity, 28 days"),
    ("co_topic", "co_topic_presence, 28 days"),
    ("active_days", "active_days, 90 days"),
    ("dashboard", "build_dashboard, 28 days"),
    ("raw_report_28", "raw metrics.health_report, 28 d"),
]


def _time(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds < 10 else f"{seconds:.1f} s"


def _rate(key: str, result: dict) -> str:
    """Events per second for the writes."""
    row = result["rows"][key]
    if key == "rebuild":
        n = result["counts"]["events"]
    elif key == "rebuild_before":
        n = result["counts"]["events"] - result["held"]
    elif key == "update_day":
        n = result["held"]
    else:
        return ""
    return f"{n:,} ev, {n / row['seconds']:,.0f}/s wall, {n / row['cpu_seconds']:,.0f}/s app cpu"


def _cells(row: dict | None) -> str:
    if row is None:
        return f"{'-':>10}{'':>10}{'':>10}{'':>8}"
    return (
        f"{_time(row['seconds']):>10}{_time(row['cpu_seconds']):>10}"
        f"{_time(row['db_seconds']):>10}{row['queries']:>8,}"
    )


def _size(result: dict) -> str:
    info = result["info"]
    return f"{info['events']:,} events, {info['members']:,} members"


def table(large: dict, small: dict | None) -> str:
    """The measures of both sizes side by side, then the rows each rollup table holds."""
    head = f"{'':<34}{'wall':>10}{'app cpu':>10}{'db wait':>10}{'queries':>8}"
    lines = [
        f"{'':<34}{_size(large):^38}" + (f"  {_size(small):^38}" if small else ""),
        head + (f"  {head[34:]}{'large/small':>13}" if small else "") + "  note",
    ]
    for key, label in ROWS:
        row, other = large["rows"].get(key), small and small["rows"].get(key)
        line = f"{label:<34}{_cells(row)}"
        if small:
            line += f"  {_cells(other)}"
            ratio = row and other and row["seconds"] / other["seconds"]
            line += f"{ratio:>12.1f}×" if ratio else f"{'':>13}"
        note = _rate(key, large) if row else ""
        if key == "dashboard":
            source = large["dashboard_source"]
            note = source if source.startswith("failed") else f"reads {source}"
        lines.append(f"{line}  {note}".rstrip())
    if large.get("quick"):
        lines += ["", "--quick: a full rebuild and the whole dashboard only."]
    if "counts" not in large:
        return "\n".join(lines)
    same = large.get("rebuild_same_rows")
    if large.get("reads_only"):
        lines += ["", "reads measured again (--reads-only); writes from the run before."]
    lines += [
        "",
        f"rollups {large.get('runs', READ_RUNS)} reads each (median), writes once; "
        "app cpu is this process's "
        "Python, db wait the time spent in queries. Full rebuild gave the same row counts "
        f"as rebuild + update: {'yes' if same else 'NO' if same is False else 'not run'}.",
        "",
        f"{'rows':<34}{'large':>11}{'per 1k events':>15}"
        + (f"{'small':>12}{'large/small':>13}" if small else ""),
    ]
    events = large["counts"]["events"]
    for table_name, n in large["counts"].items():
        line = f"{table_name:<34}{n:>11,}{1000 * n / events:>15.1f}"
        if small and "counts" in small:
            m = small["counts"][table_name]
            line += f"{m:>12,}" + (f"{n / m:>12.1f}×" if m else f"{'-':>13}")
        lines.append(line)
    return "\n".join(lines)


def run_size(args, events: int, members: int, out: Path) -> dict:
    """Seed (or reuse) and measure one size in a process of its own: Django is set up once
    per process, for one database."""
    command = [
        sys.executable, "-m", "bench.analytics", "--measure-into", str(out),
        "--events", str(events), "--members", str(members), "--days", str(args.days),
        "--pg-url", args.pg_url, *(["--force"] if args.force else []),
        *(["--reads-only"] if args.reads_only else []),
        *(["--quick"] if args.quick else []), "--runs", str(args.runs),
        "--db-prefix", args.db_prefix,
    ]  # fmt: skip
    subprocess.run(  # noqa: S603 -- our own interpreter and module
        command, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=True
    )
    return json.loads(out.read_text())


def database_url(pg_url: str, events: int, members: int, prefix: str = DB_PREFIX) -> str:
    url = _with_db(pg_url, f"{prefix}_{events}_{members}")
    check_database_url(url)
    return url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.analytics", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
        help="PostgreSQL on this machine; the databases are created next to this one",
    )
    parser.add_argument("--force", action="store_true", help="seed again even if seeded")
    parser.add_argument(
        "--no-small", action="store_true", help=f"skip the {SMALLER}× smaller database"
    )
    parser.add_argument(
        "--reads-only",
        action="store_true",
        help="measure the reads again, keep the writes of the last run (after a read change)",
    )
    parser.add_argument(
        "--report", action="store_true", help="print the table of the last run, measure nothing"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="measure a full rebuild and the whole dashboard only (issue 15's figures)",
    )
    parser.add_argument("--runs", type=int, default=READ_RUNS, help="runs of each read (median)")
    parser.add_argument(
        "--db-prefix", default=DB_PREFIX, help="name the databases <prefix>_<events>_<members>"
    )
    parser.add_argument("--measure-into", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.days < 2 or args.members < 100 or args.events < 1000:
        sys.exit("bench.analytics: at least 2 days, 100 members and 1,000 events.")
    url = database_url(args.pg_url, args.events, args.members, args.db_prefix)

    if args.measure_into:  # the child: one size
        info = prepare(
            url, events=args.events, members=args.members, days=args.days, force=args.force
        )
        measure(
            info, args.measure_into, reads_only=args.reads_only, quick=args.quick, runs=args.runs
        )
        return 0

    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    small_size = (args.events // SMALLER, args.members // SMALLER)
    kind = "_quick" if args.quick else ""
    large_path = out / f"analytics_{args.events}_{args.members}{kind}.json"
    small_path = out / f"analytics_{small_size[0]}_{small_size[1]}{kind}.json"
    small = None
    if args.report:
        if not args.no_small and small_path.exists():
            small = json.loads(small_path.read_text())
        print(table(json.loads(large_path.read_text()), small))
        return 0
    if not args.no_small:
        database_url(args.pg_url, *small_size, args.db_prefix)
        small = run_size(args, *small_size, small_path)
    large = run_size(args, args.events, args.members, large_path)
    print()
    print(table(large, small))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
