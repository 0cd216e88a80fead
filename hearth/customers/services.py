"""Writing the customer list: staging a CSV, importing it (or rows pushed through the API),
and deleting every piece of customer data. Each write is one transaction: an import that
fails leaves the previous list whole."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hearth.analytics.policy import ensure_view_business_figures
from hearth.communities.services import staff_log_record
from hearth.core.actor import Actor
from hearth.customers import csv_upload, matching
from hearth.customers.hashing import hashing_key
from hearth.customers.models import (
    Customer,
    CustomerImport,
    ImportSource,
    RevenuePoint,
    StagedUpload,
)
from hearth.customers.validation import FIELDS, REQUIRED, CustomerRow, RowError, check_rows

BATCH = 2000
MAX_STORED_ERRORS = 5000
STAGED_HOURS = 1


def utc_today() -> date:
    return timezone.now().date()


def staged_cutoff(now=None):
    """Uploads staged before this are no longer offered for mapping, and are deleted."""
    return (now or timezone.now()) - timedelta(hours=STAGED_HOURS)


def _forget_stale_uploads(community) -> None:
    StagedUpload.objects.filter(community=community, created_at__lt=staged_cutoff()).delete()


def staged_uploads_forget(now, slot: str = "") -> int:
    """Periodic catch-up (every tick): delete the uploads nobody mapped within
    STAGED_HOURS, in every community (one indexed-by-time delete)."""
    deleted, _by_model = StagedUpload.objects.filter(created_at__lt=staged_cutoff(now)).delete()
    return deleted


@transaction.atomic
def upload_stage(*, actor: Actor, file_name: str, data: bytes) -> StagedUpload:
    """Read a CSV and keep it (addresses hashed) until its columns are mapped; an earlier
    upload still waiting is dropped. Raises ValidationError for an unusable file."""
    ensure_view_business_figures(actor)
    read = csv_upload.read_customer_csv(data)
    StagedUpload.objects.filter(community=actor.community).delete()
    return StagedUpload.objects.create(
        community=actor.community,
        created_by=actor.user,
        file_name=file_name[:255],
        headers=read.headers,
        preview=read.preview,
        row_count=len(read.rows),
        rows=csv_upload.pack_rows(read.rows, read.lines),
    )


def upload_cancel(*, actor: Actor, staged: StagedUpload) -> None:
    ensure_view_business_figures(actor)
    StagedUpload.objects.filter(community=actor.community, pk=staged.pk).delete()


def check_mapping(headers: list[str], mapping: dict[str, str]) -> dict[str, int]:
    """field -> column index from the form's choices (raises ValidationError per field)."""
    chosen: dict[str, int] = {}
    errors: dict[str, list[str]] = {}
    for field in FIELDS:
        value = (mapping.get(field) or "").strip()
        if not value:
            if field in REQUIRED:
                errors[field] = [_("Choose the column that holds this.")]
            continue
        if not value.isdigit() or int(value) >= len(headers):
            errors[field] = [_("Choose a column of the file.")]
            continue
        if int(value) in chosen.values():
            errors[field] = [_("This column is already used for another field.")]
            continue
        chosen[field] = int(value)
    if errors:
        raise ValidationError(errors)
    return chosen


def customers_import_staged(
    *, actor: Actor, staged: StagedUpload, mapping: dict[str, str], as_of: date
) -> CustomerImport:
    """Import a staged CSV under the chosen mapping (raises ValidationError for a bad
    mapping or date)."""
    ensure_view_business_figures(actor)
    columns = check_mapping(staged.headers, mapping)
    _check_as_of(as_of)
    rows, lines = csv_upload.unpack_rows(staged.rows)
    names = {field: staged.headers[index] or f"#{index + 1}" for field, index in columns.items()}
    accepted, errors = check_rows(
        csv_upload.numbered_cells(rows, lines, columns), names, as_of, hashing_key()
    )
    return _write(
        actor=actor,
        accepted=accepted,
        errors=errors,
        as_of=as_of,
        source=ImportSource.CSV,
        file_name=staged.file_name,
        mapping={field: staged.headers[index] for field, index in columns.items()},
        staged=staged,
    )


def customers_import_items(*, actor: Actor, items: list[dict], as_of: date) -> CustomerImport:
    """Import rows pushed through the API: each a dict of the fields; row numbers in the
    report are positions in the list, from 1."""
    ensure_view_business_figures(actor)
    _check_as_of(as_of)
    numbered = (
        # NUL marks a hashed cell of a staged CSV: never taken from outside.
        (
            n,
            {
                f: ("" if item.get(f) is None else str(item.get(f)).replace("\x00", ""))
                for f in FIELDS
            },
        )
        for n, item in enumerate(items, start=1)
    )
    accepted, errors = check_rows(numbered, {f: f for f in FIELDS}, as_of, hashing_key())
    return _write(
        actor=actor,
        accepted=accepted,
        errors=errors,
        as_of=as_of,
        source=ImportSource.API,
        file_name="",
        mapping={f: f for f in FIELDS},
    )


def _check_as_of(as_of: date) -> None:
    if as_of > utc_today():
        raise ValidationError({"as_of": [_("The figures cannot be as of a day in the future.")]})


def _latest_as_of(community) -> date | None:
    return (
        CustomerImport.objects.filter(community=community, replaced_list=True)
        .order_by("-as_of")
        .values_list("as_of", flat=True)
        .first()
    )


def _insert_many(model, columns: list[str], rows) -> None:
    """One INSERT run over every row (``executemany``): 100,000 customers are written in a
    second or two, where building model instances for ``bulk_create`` took most of the
    request. Values are passed as parameters, never formatted into the SQL."""
    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    adapt = [_adapter(model._meta.get_field(c.removesuffix("_id"))) for c in columns]
    # Names from the model's own metadata, quoted; values are parameters.
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
    rows = iter(rows)
    with connection.cursor() as cursor:
        while batch := [
            [adapt_value(v) for adapt_value, v in zip(adapt, row, strict=True)]
            for row in itertools.islice(rows, BATCH * 10)
        ]:
            cursor.executemany(sql, batch)


def _adapter(field):
    """The database value of a Python value for ``field`` (dates and decimals as the
    backend stores them)."""
    if isinstance(field, models.DecimalField):
        return lambda v: connection.ops.adapt_decimalfield_value(
            v, field.max_digits, field.decimal_places
        )
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    return lambda v: v


@transaction.atomic
def _write(
    *,
    actor: Actor,
    accepted: list[CustomerRow],
    errors: list[RowError],
    as_of: date,
    source: str,
    file_name: str,
    mapping: dict[str, str],
    staged: StagedUpload | None = None,
) -> CustomerImport:
    """Replace the list with ``accepted`` and add its revenue to the history. An export
    older than the current list only adds history; nothing accepted changes nothing."""
    community = actor.community
    latest = _latest_as_of(community)
    replaces = bool(accepted) and (latest is None or as_of >= latest)
    if replaces:
        Customer.objects.filter(community=community).delete()
        matched = matching.member_hashes(community)
        _insert_many(
            Customer,
            ["community_id", "email_hash", "customer_since", "plan", "revenue", "churned_at",
             "matched_user_id"],
            (
                (community.pk, row.email_hash, row.customer_since, row.plan, row.revenue,
                 row.churned_at, matched.get(row.email_hash))
                for row in accepted
            ),
        )  # fmt: skip
    if accepted:
        RevenuePoint.objects.filter(community=community, as_of=as_of).delete()
        _insert_many(
            RevenuePoint,
            ["community_id", "email_hash", "as_of", "revenue"],
            ((community.pk, row.email_hash, as_of, row.revenue) for row in accepted),
        )
    record = CustomerImport.objects.create(
        community=community,
        created_by=actor.user,
        source=source,
        file_name=file_name,
        as_of=as_of,
        rows_accepted=len(accepted),
        rows_rejected=len({e.row for e in errors}),
        mapping=mapping,
        errors=[
            {"row": e.row, "column": e.column, "message": str(e.message)}
            for e in errors[:MAX_STORED_ERRORS]
        ],
        replaced_list=replaces,
    )
    if staged is not None:
        StagedUpload.objects.filter(community=community, pk=staged.pk).delete()
    _forget_stale_uploads(community)
    staff_log_record(
        actor,
        community,
        "customers.import",
        details={
            "source": source,
            "accepted": record.rows_accepted,
            "rejected": record.rows_rejected,
            "as_of": as_of.isoformat(),
            "replaced_list": replaces,
        },
    )
    return record


@transaction.atomic
def customers_delete(*, actor: Actor) -> int:
    """Remove every piece of customer data of the community: the list, its revenue
    history, the import records and any staged upload. Returns how many customers went."""
    ensure_view_business_figures(actor)
    community = actor.community
    count = Customer.objects.filter(community=community).count()
    Customer.objects.filter(community=community).delete()
    RevenuePoint.objects.filter(community=community).delete()
    CustomerImport.objects.filter(community=community).delete()
    StagedUpload.objects.filter(community=community).delete()
    staff_log_record(actor, community, "customers.delete", details={"customers": count})
    return count
