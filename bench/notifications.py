"""Notifications: a reply in a topic watched by 10,000 members. Does the reply stay as fast
as in a topic nobody watches, and how long does the background fan-out take?

    .venv/bin/python -m bench.notifications                 # 10,000 watchers, 5 replies each
    .venv/bin/python -m bench.notifications --watchers 50000 --replies 5

A throwaway embedded install (SQLite in a temporary data directory, the django-tasks
database backend as in production, no worker running) gets a community, its owner, and
``--watchers`` members (bulk-written) each watching one topic at "every reply"; a second
topic has no watchers. The owner replies ``--replies`` times to each through
``discussions.services.post_reply`` (the whole service call, its transaction and its
after-commit consumers: announcing to live pages, queueing the notification task). Then one
more reply to the watched topic, and the fan-out the worker would run for it
(``notifications.tasks.deliver_notifications``) is called in this process and timed: it
reads the committed events from the cursor and makes one notification per watcher, then
announces each recipient's unread count to live pages. Prints; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup_install(data_dir: Path, watchers: int) -> dict:
    """Migrate a fresh embedded database; the community, its owner, two topics, and
    ``watchers`` members watching the first."""
    os.environ.update(
        HEARTH_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="hearth.settings",
        HEARTH_ENV="embedded",
        HEARTH_LIVE_BACKEND="memory",
    )
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from hearth.accounts.models import User
    from hearth.communities.models import Community, Membership
    from hearth.discussions import services
    from hearth.discussions.models import Category, Watch, WatchLevel
    from hearth.notifications import fanout
    from hearth.testing.factories import actor_for, community_factory, user_factory

    owner = user_factory(username="owner")
    community = community_factory(owner=owner, slug="watched", name="Watched bench")
    general = Category.objects.get(community=community, slug="general")
    actor = actor_for(owner, community)
    watched = services.topic_create(
        actor=actor, category=general, title="Everyone watches this", body="Tell me everything"
    )
    quiet = services.topic_create(
        actor=actor, category=general, title="Nobody watches this", body="Quiet here"
    )
    started = time.perf_counter()
    users = User.objects.bulk_create(
        [
            User(username=f"w{n}", email=f"w{n}@example.com", display_name=f"W{n}", password="!")
            for n in range(watchers)
        ],
        batch_size=2000,
    )
    if users and users[0].pk is None:  # backends that do not return ids from bulk inserts
        users = list(User.objects.filter(username__startswith="w").order_by("pk"))
    Membership.objects.bulk_create(
        [
            Membership(
                community=community,
                user=u,
                trust_level=1,
                rules_version_accepted=community.rules_version,
            )
            for u in users
        ],
        batch_size=2000,
    )
    Watch.objects.bulk_create(
        [
            Watch(community=community, user=u, topic=watched, level=WatchLevel.WATCHING)
            for u in users
        ],
        batch_size=2000,
    )
    Community.objects.filter(pk=community.pk).update(member_count=watchers + 1)
    fanout.process(community)  # the topics' own events, so each timed run starts level
    return {
        "actor": actor,
        "community": community,
        "watched": watched,
        "quiet": quiet,
        "seeded_in": time.perf_counter() - started,
    }


def measure(setup: dict, replies: int) -> dict:
    from django.db.models import Max

    from hearth.core.models import InteractionEvent
    from hearth.discussions import services
    from hearth.live.consumers import announce_unread_counts
    from hearth.notifications.models import Notification, NotificationState
    from hearth.notifications.signals import notifications_created
    from hearth.notifications.tasks import deliver_notifications

    actor, community = setup["actor"], setup["community"]

    def reply(topic, n: int) -> float:
        started = time.perf_counter()
        services.post_reply(actor=actor, topic=topic, body=f"Reply {n} to {topic.title}")
        return (time.perf_counter() - started) * 1000

    announcing = []

    def timed_announce(sender, notifications, **kwargs):
        started = time.perf_counter()
        announce_unread_counts(sender, notifications, **kwargs)
        announcing.append(time.perf_counter() - started)

    # The live app's receiver, timed: it counts each recipient's unread notifications.
    notifications_created.disconnect(dispatch_uid="live-unread-counts")
    notifications_created.connect(timed_announce, dispatch_uid="live-unread-counts")

    def fan_out() -> tuple[float, float, int]:
        before = Notification.objects.count()
        announcing.clear()
        started = time.perf_counter()
        deliver_notifications.call(community.pk)
        took = time.perf_counter() - started
        return took, sum(announcing), Notification.objects.count() - before

    reply(setup["quiet"], 0)  # warm-up: first-call imports and caches
    fan_out()
    quiet_ms, watched_ms = [], []
    for n in range(1, replies + 1):
        quiet_ms.append(reply(setup["quiet"], n))
        watched_ms.append(reply(setup["watched"], n))
    # Those replies' fan-out is skipped (moving the cursor past them), so one reply's is
    # timed alone and the run stays short.
    NotificationState.objects.filter(community_id=community.pk).update(
        last_event_id=InteractionEvent.objects.aggregate(last=Max("id"))["last"]
    )
    reply(setup["watched"], replies + 1)
    seconds, announced, made = fan_out()
    return {
        "quiet": quiet_ms,
        "watched": watched_ms,
        "fanout": seconds,
        "announce": announced,
        "made": made,
    }


def report(watchers: int, setup: dict, result: dict) -> str:
    def cell(values):
        return f"{statistics.median(values):7.1f} {max(values):7.1f}"

    replies = len(result["quiet"])
    return "\n".join(
        [
            f"{watchers:,} watchers seeded in {setup['seeded_in']:.1f} s",
            f"  {f'the reply itself, {replies} each (ms)':44} {'median':>7} {'max':>7}",
            f"  {'topic nobody watches':44} {cell(result['quiet'])}",
            f"  {f'topic {watchers:,} members watch':44} {cell(result['watched'])}",
            f"  fan-out of one reply on the worker: {result['made']:,} notifications in "
            f"{result['fanout']:.1f} s ({result['made'] / result['fanout']:.0f}/s), of which "
            f"{result['announce']:.1f} s announcing each recipient's unread count",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.notifications")
    parser.add_argument("--watchers", type=int, default=10_000)
    parser.add_argument("--replies", type=int, default=5)
    args = parser.parse_args(argv)
    data_dir = Path(tempfile.mkdtemp(prefix="hearth-bench-notifications-"))
    try:
        setup = setup_install(data_dir, args.watchers)
        result = measure(setup, args.replies)
        print(report(args.watchers, setup, result), flush=True)
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
