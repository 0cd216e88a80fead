"""``/api/v1/communities/{slug}/customers``: the organisation's customer list, for a key
with the ``analytics`` scope (or a session) of staff who may see the business figures
(owners, admins, moderators with the analytics permission); anyone else gets 404.

- ``PUT …/customers``: replace the list (the same checks as the CSV upload; the rejected
  rows come back as a report; when no row is usable, 422 and the list is unchanged);
- ``DELETE …/customers``: remove every piece of customer data;
- ``GET …/customers/figures``: the figures of the Benefits tab."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from hearth.analytics.policy import can_view_business_figures
from hearth.api.access import community_actor
from hearth.api.auth import API_AUTH
from hearth.api.errors import ApiError
from hearth.api.models import Scope
from hearth.api.schemas import READ_ERRORS, WRITE_ERRORS, errors
from hearth.customers import selectors, services
from hearth.customers.csv_upload import MAX_ROWS
from hearth.discussions.api import Strict

router = Router(tags=["customers"], auth=API_AUTH)

Cell = str | int | float | None


class CustomerIn(Strict):
    email: Cell = Field(
        None, description="Matched to members' verified addresses; only a keyed hash is kept."
    )
    customer_since: Cell = Field(None, description="YYYY-MM-DD")
    plan: Cell = Field(None, description="A short plan name (optional).")
    revenue: Cell = Field(None, description="Revenue to date, 0 or more.")
    churned_at: Cell = Field(None, description="YYYY-MM-DD (optional).")


class CustomersIn(Strict):
    as_of: date | None = Field(
        None, description="The day the revenue figures are as of (default: today, UTC)."
    )
    customers: list[CustomerIn] = Field(..., max_length=MAX_ROWS)


class RowErrorOut(Schema):
    row: int = Field(..., description="The customer's position in the list, from 1.")
    column: str
    message: str


class ImportOut(Schema):
    id: int
    as_of: date
    accepted: int
    rejected: int
    replaced_list: bool = Field(
        ..., description="False when the export is older than the current list: history only."
    )
    errors: list[RowErrorOut]


class DeletedOut(Schema):
    deleted: int


def _actor(request, slug: str):
    _community, actor = community_actor(request, slug, Scope.ANALYTICS)
    if not can_view_business_figures(actor):
        raise Http404
    return actor


@router.put("/{slug}/customers", response={200: ImportOut, **errors(*WRITE_ERRORS)})
def customers_replace(request, slug: str, payload: CustomersIn):
    """Replace the customer list. Rows with problems are left out and reported (row,
    column, what is wrong); a repeated email keeps its first row."""
    actor = _actor(request, slug)
    record = services.customers_import_items(
        actor=actor,
        items=[item.model_dump() for item in payload.customers],
        as_of=payload.as_of or services.utc_today(),
    )
    if not record.rows_accepted:
        fields: dict[str, list[str]] = {}
        for error in record.errors:
            fields.setdefault(f"customers.{error['row']}.{error['column']}", []).append(
                error["message"]
            )
        raise ApiError(
            422, _("No customer could be imported: the list is unchanged."), fields=fields
        )
    return {
        "id": record.pk,
        "as_of": record.as_of,
        "accepted": record.rows_accepted,
        "rejected": record.rows_rejected,
        "replaced_list": record.replaced_list,
        "errors": record.errors,
    }


@router.delete("/{slug}/customers", response={200: DeletedOut, **errors(*WRITE_ERRORS)})
def customers_delete(request, slug: str):
    """Delete the list, its revenue history and every upload's record."""
    actor = _actor(request, slug)
    return {"deleted": services.customers_delete(actor=actor)}


@router.get("/{slug}/customers/figures", response={200: dict[str, Any], **errors(*READ_ERRORS)})
def customers_figures(request, slug: str):
    """The customer figures (definitions: docs/community-health.md, "Benefits:
    customers"); ``{"has_data": false}`` when there is no customer data."""
    actor = _actor(request, slug)
    return selectors.benefits_figures(actor.community)
