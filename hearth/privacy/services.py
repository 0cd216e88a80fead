"""Writes for a member's own data: asking for an export, building it, letting it expire.
Deleting an account lives in ``erasure.py``."""

from __future__ import annotations

import logging
import secrets
import tempfile
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone

from hearth.core.uploads import UploadFailed, private_storage, store_upload
from hearth.privacy import export, policy
from hearth.privacy.models import EXPORT_LIFETIME, DataExport, ExportStatus, PrivacySettings

if TYPE_CHECKING:
    from hearth.accounts.models import User

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ExportRequest:
    export: DataExport
    created: bool  # False: one was already being prepared, and this is it


def export_request(*, user: User) -> ExportRequest:
    """Ask for a new archive of the member's data. One at a time: while one is being
    prepared, the request answers with that one instead of starting another."""
    from django.core.exceptions import PermissionDenied

    if not policy.can_request_export(user):
        raise PermissionDenied
    pending = DataExport.objects.filter(user=user, status=ExportStatus.PENDING).first()
    if pending is not None:
        return ExportRequest(pending, created=False)
    try:
        with transaction.atomic():
            created = DataExport.objects.create(user=user)
            transaction.on_commit(lambda: _enqueue_build(created.pk))
    except IntegrityError:
        # Two requests at once (a double click): the partial unique index let one through.
        pending = DataExport.objects.get(user=user, status=ExportStatus.PENDING)
        return ExportRequest(pending, created=False)
    return ExportRequest(created, created=True)


def _enqueue_build(export_id: int) -> None:
    from hearth.privacy.tasks import build_export

    build_export.enqueue(export_id)


def export_build(*, export_id: int) -> DataExport | None:
    """Write the archive of a pending export, then tell its owner. Idempotent: an export
    that is no longer pending (built, failed, its owner deleted) is left alone."""
    item = DataExport.objects.select_related("user").filter(pk=export_id).first()
    if item is None or not item.is_pending:
        return item
    user = item.user
    if user.is_deleted:
        DataExport.objects.filter(pk=item.pk).update(status=ExportStatus.FAILED)
        return None
    now = timezone.now()
    name = f"exports/{secrets.token_urlsafe(12)}/hearth-data-{now:%Y-%m-%d}.zip"
    try:
        with tempfile.TemporaryFile() as handle:
            export.write_archive(user, handle, site=settings.SITE_URL)
            size = handle.tell()
            handle.seek(0)
            stored = store_upload(private_storage(), name, File(handle, name=name))
    except (UploadFailed, OSError):
        logger.exception("Could not write data export %s", item.pk)
        DataExport.objects.filter(pk=item.pk).update(status=ExportStatus.FAILED, finished_at=now)
        item.status = ExportStatus.FAILED
        return item
    finished = timezone.now()
    updated = DataExport.objects.filter(pk=item.pk, status=ExportStatus.PENDING).update(
        status=ExportStatus.READY,
        file=stored,
        size=size,
        finished_at=finished,
        expires_at=finished + EXPORT_LIFETIME,
    )
    if not updated:  # the account was deleted meanwhile: the archive must not stay
        private_storage().delete(stored)
        return None
    item.refresh_from_db()
    _tell_owner(item)
    return item


def _tell_owner(item: DataExport) -> None:
    from django.core.mail import EmailMultiAlternatives
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from hearth.notifications.emails import send

    user = item.user
    if not user.email:
        return
    context = {
        "user": user,
        "export": item,
        "url": settings.SITE_URL + reverse("privacy:home"),
        "site_url": settings.SITE_URL,
    }
    message = EmailMultiAlternatives(
        subject=_("Your data is ready to download"),
        body=render_to_string("privacy/email/export_ready.txt", context),
        to=[user.email],
    )
    send(message)


def export_remove_file(item: DataExport, *, status: str = ExportStatus.EXPIRED) -> None:
    """Delete an export's archive from the disk and mark the row (the row stays, as the
    member's history of requests)."""
    if item.file:
        try:
            item.file.storage.delete(item.file.name)
        except OSError:
            logger.exception("Could not remove the export %s", item.file.name)
    DataExport.objects.filter(pk=item.pk).update(status=status, file="", size=0)


def exports_expire(*, now=None) -> int:
    """Remove the archives whose seven days have passed. Returns how many."""
    now = now or timezone.now()
    expired = DataExport.objects.filter(status=ExportStatus.READY, expires_at__lte=now)
    count = 0
    for item in expired.iterator():
        export_remove_file(item)
        count += 1
    return count


@transaction.atomic
def privacy_settings_update(*, actor, deleted_posts: str, deleted_messages: str) -> PrivacySettings:
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    from hearth.communities.services import staff_log_record
    from hearth.privacy.models import DeletedMessages, DeletedPosts

    policy.ensure_manage_privacy_settings(actor)
    if deleted_posts not in DeletedPosts.values:
        raise ValidationError({"deleted_posts": [_("Choose one of the options.")]})
    if deleted_messages not in DeletedMessages.values:
        raise ValidationError({"deleted_messages": [_("Choose one of the options.")]})
    row, _created = PrivacySettings.objects.update_or_create(
        community=actor.community,
        defaults={"deleted_posts": deleted_posts, "deleted_messages": deleted_messages},
    )
    staff_log_record(
        actor,
        actor.community,
        "community.update",
        details={"deleted_posts": deleted_posts, "deleted_messages": deleted_messages},
    )
    return row
