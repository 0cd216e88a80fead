"""Discourse categories as Hearth categories (a subcategory becomes "Parent › Child"), and
the tidying once topics are in: each category's last post, unused starter categories."""

from __future__ import annotations

from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from hearth.archive.discourse.convert import category_slug, color, free_slug, get, plain_text
from hearth.archive.discourse.dump import parse_bool, parse_int, parse_time
from hearth.archive.discourse.state import State


def import_categories(state: State) -> None:
    from hearth.discussions.models import Category, ReadAccess

    rows = list(
        state.db.execute(
            "SELECT * FROM categories ORDER BY CAST(COALESCE(position, 0) AS INTEGER), "
            "CAST(id AS INTEGER)"
        )
    )
    by_id = {parse_int(r["id"]): r for r in rows}
    existing = {c.slug: c for c in Category.objects.filter(community=state.community)}
    position = max((c.position for c in existing.values()), default=-1) + 1
    # Parents first, so a subcategory can be named after its parent.
    ordered = sorted(rows, key=lambda r: get(r, "parent_category_id") is not None)
    for row in ordered:
        d_id = parse_int(row["id"])
        parent = by_id.get(parse_int(get(row, "parent_category_id")))
        name = (row["name"] or "").strip() or f"Category {d_id}"
        slug = category_slug(row["slug"] or "", name, f"category-{d_id}")
        if parent is not None:
            parent_name = (parent["name"] or "").strip()
            name = f"{parent_name} › {name}"
            parent_slug = category_slug(
                parent["slug"] or "", parent_name, f"category-{parent['id']}"
            )
            slug = category_slug(f"{parent_slug}-{slug}", "", f"category-{d_id}")
        fields = {
            "name": name[:60],
            "description": plain_text(get(row, "description"))[:300],
            "color": color(get(row, "color")),
            "read_access": (
                ReadAccess.STAFF if parse_bool(get(row, "read_restricted")) else ReadAccess.EVERYONE
            ),
        }
        category = existing.get(slug)
        if category is not None and category.pk not in {c.pk for c in state.categories.values()}:
            # An empty category of the same slug (a new community's "general"): reuse it.
            for key, value in fields.items():
                setattr(category, key, value)
            category.save(update_fields=list(fields))
        else:
            slug = free_slug(slug, existing)
            category = Category.objects.create(
                community=state.community,
                slug=slug,
                position=position,
                created_at=parse_time(get(row, "created_at")) or timezone.now(),
                **fields,
            )
            position += 1
            existing[slug] = category
            state.summary.categories += 1
        state.categories[d_id] = category


def fallback(state: State):
    """Where topics without a category go (Discourse's "uncategorized" is a category of
    its own, so this is rare)."""
    from hearth.discussions.models import Category

    if None not in state.categories:
        category, created = Category.objects.get_or_create(
            community=state.community,
            slug="uncategorized",
            defaults={"name": "Uncategorized", "position": 9999},
        )
        state.summary.categories += int(created)
        state.categories[None] = category
    return state.categories[None]


def set_last_posted(state: State) -> None:
    from hearth.discussions.models import Category, Topic

    Category.objects.filter(community=state.community).update(
        last_posted_at=Subquery(
            Topic.objects.filter(category_id=OuterRef("pk"), deleted_at=None)
            .order_by()
            .values("category_id")
            .annotate(m=Max("last_posted_at"))
            .values("m")
        )
    )


def drop_unused_defaults(state: State) -> None:
    """A community made for the import loses the starter categories nothing went into."""
    from hearth.discussions.models import Category, Topic
    from hearth.discussions.services import DEFAULT_CATEGORIES

    used = {c.pk for c in state.categories.values()}
    starters = Category.objects.filter(
        community=state.community, slug__in=[slug for slug, *_ in DEFAULT_CATEGORIES]
    ).exclude(pk__in=used)
    starters.exclude(pk__in=Topic.objects.values("category_id")).delete()
