"""What backups, community archives and the Discourse import share: checksums, progress
bars, the schema an archive was made with and the check that this code knows that schema,
and what an import needs once its rows are written (free usernames, the kept counters)."""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from tqdm import tqdm

CHUNK = 1024 * 1024


class ArchiveError(Exception):
    """An archive that cannot be written or read back; the message says why, for people."""


def hearth_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("hearth")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "0+unknown"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def progress(*, total: int | None = None, desc: str = "", unit: str = "B", enabled: bool = True):
    """A progress bar on stderr (nothing at all when ``enabled`` is false)."""
    scale = unit == "B"
    return tqdm(
        total=total,
        desc=desc,
        unit=unit,
        unit_scale=scale,
        unit_divisor=1024 if scale else 1000,
        file=sys.stderr,
        disable=not enabled,
        leave=False,
        dynamic_ncols=True,
    )


def known_migrations() -> set[tuple[str, str]]:
    """Every migration this code has on disk, as (app label, name)."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    return set(loader.disk_migrations)


def schema_summary(applied: Iterable[tuple[str, str]]) -> tuple[dict, dict]:
    """(latest applied migration per app, every applied migration per app), sorted."""
    per_app: dict[str, list[str]] = {}
    for app, name in applied:
        per_app.setdefault(app, []).append(name)
    every = {app: sorted(names) for app, names in sorted(per_app.items())}
    latest = {app: names[-1] for app, names in every.items()}
    return latest, every


def manifest_head(format_name: str, format_version: int, applied) -> dict:
    """What every archive's manifest starts with: its format, the Hearth that wrote it and
    when, and the schema (latest applied migration per app, every applied migration)."""
    latest, every = schema_summary(applied)
    return {
        "format": format_name,
        "format_version": format_version,
        "hearth_version": hearth_version(),
        "created_at": datetime.now(UTC).isoformat(),
        "schema": latest,
        "migrations": every,
    }


def check_schema(manifest: dict) -> None:
    """Refuse an archive made by newer code: one naming a migration this code lacks."""
    migrations = manifest.get("migrations")
    if not isinstance(migrations, dict):
        raise ArchiveError("The manifest does not say which schema the archive was made with.")
    known = known_migrations()
    unknown = sorted(
        f"{app}.{name}"
        for app, names in migrations.items()
        for name in (names if isinstance(names, list) else [])
        if (app, name) not in known
    )
    if unknown:
        shown = ", ".join(unknown[:5]) + (" …" if len(unknown) > 5 else "")
        raise ArchiveError(
            f"This archive was made by a newer Hearth (version "
            f"{manifest.get('hearth_version', '?')}): its schema has migrations this code does "
            f"not know ({shown}). Upgrade Hearth to that version or later, then try again."
        )


def free_username(wanted: str) -> str:
    """``wanted``, or ``wanted-2``, ``-3``…: the first no account holds (or looks like)."""
    from hearth.accounts import usernames
    from hearth.accounts.models import User

    base = wanted[:140] or "member"
    candidate, n = base, 1
    while User.objects.filter(username_key=usernames.key(candidate)).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def recount(community) -> None:
    """Set the kept counters from the rows themselves, as the services count them: active
    members; each topic's published, undeleted posts (discussions.services._recount); each
    category's undeleted topics and counted posts."""
    from django.db.models import Count, OuterRef, Q, Subquery
    from django.db.models.functions import Coalesce

    from hearth.communities.models import Community, Membership, MembershipStatus
    from hearth.discussions.models import Category, Post, ReviewState, Topic
    from hearth.discussions.services import _recount

    active = Membership.objects.filter(community=community, status=MembershipStatus.ACTIVE)
    Community.objects.filter(pk=community.pk).update(member_count=active.count())
    for topic in Topic.objects.filter(community=community).iterator():
        _recount(topic)
    counted = Q(deleted_at=None) & (Q(review_state=ReviewState.PUBLISHED) | Q(number=1))

    def per_category(qs):
        return Subquery(
            qs.filter(category_id=OuterRef("pk"))
            .order_by()
            .values("category_id")
            .annotate(n=Count("pk"))
            .values("n")
        )

    Category.objects.filter(community=community).update(
        topic_count=Coalesce(per_category(Topic.objects.filter(deleted_at=None)), 0),
        post_count=Coalesce(
            Subquery(
                Post.objects.filter(counted, topic__category_id=OuterRef("pk"))
                .order_by()
                .values("topic__category_id")
                .annotate(n=Count("pk"))
                .values("n")
            ),
            0,
        ),
    )
    community.refresh_from_db()
