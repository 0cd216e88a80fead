"""The Messages tab's unread total, kept per member and community (a cache read on every
signed-in page instead of a query) while none of the member's conversation rows changed.

Every write to ``Participant`` rows goes through the model's queryset or its save and
delete, and each retires the kept totals of the members whose rows it touched
(``ParticipantQuerySet``, and the signals connected by ``connect``), now and again at the
commit (``hearth.core.versions``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db.models.signals import post_delete, post_save

from hearth.core import versions

KEEP_SECONDS = 3600


def _version_key(user_id: int) -> str:
    return f"hearth:dm:v:{user_id}"


def kept_total(community_id: int, user_id: int, count: Callable[[], int]) -> int:
    return versions.kept(
        f"hearth:dm:n:{community_id}:{user_id}", _version_key(user_id), count, KEEP_SECONDS
    )


def forget(user_ids: Iterable[int]) -> None:
    for user_id in set(user_ids):
        versions.bump_now_and_on_commit(_version_key(user_id))


def _on_write(sender, instance, **kwargs) -> None:
    forget([instance.user_id])


def connect() -> None:
    from hearth.conversations.models import Participant

    post_save.connect(_on_write, sender=Participant, dispatch_uid="conversations-unread-save")
    post_delete.connect(_on_write, sender=Participant, dispatch_uid="conversations-unread-del")
