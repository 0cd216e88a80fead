"""Importing, replacing, matching and deleting the customer list."""

from datetime import date
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hearth.communities.models import StaffAction
from hearth.customers import services
from hearth.customers.hashing import email_hash
from hearth.customers.models import Customer, CustomerImport, RevenuePoint, StagedUpload
from hearth.customers.tests.conftest import HEADER, csv_bytes, joined_member
from hearth.testing.factories import actor_for, community_factory

pytestmark = pytest.mark.django_db
MAPPING = {"email": "0", "customer_since": "1", "plan": "2", "revenue": "3", "churned_at": "4"}
AS_OF = date(2025, 6, 30)


def _import(actor, rows, as_of=AS_OF):
    staged = services.upload_stage(
        actor=actor, file_name="list.csv", data=csv_bytes([HEADER, *rows])
    )
    return services.customers_import_staged(
        actor=actor, staged=staged, mapping=MAPPING, as_of=as_of
    )


def test_an_upload_replaces_the_list_and_keeps_the_revenue_history(community, owner_actor):
    first = _import(
        owner_actor, [["a@example.com", "2024-01-01", "pro", "10", ""]], date(2025, 1, 1)
    )
    assert first.rows_accepted == 1 and first.replaced_list
    second = _import(
        owner_actor,
        [
            ["b@example.com", "2024-02-01", "", "5", ""],
            ["a@example.com", "2024-01-01", "", "30", ""],
        ],
    )
    assert second.rows_accepted == 2
    assert Customer.objects.filter(community=community).count() == 2
    history = RevenuePoint.objects.filter(
        community=community, email_hash=email_hash("a@example.com")
    )
    assert sorted(history.values_list("as_of", "revenue")) == [
        (date(2025, 1, 1), 10), (AS_OF, 30),
    ]  # fmt: skip
    assert not StagedUpload.objects.filter(community=community).exists()
    log = StaffAction.objects.filter(community=community, action="customers.import")
    assert log.count() == 2


def test_an_older_export_only_adds_history(community, owner_actor):
    _import(owner_actor, [["a@example.com", "2024-01-01", "", "30", ""]])
    older = _import(owner_actor, [["z@example.com", "2024-01-01", "", "5", ""]], date(2024, 6, 1))
    assert not older.replaced_list
    assert Customer.objects.filter(community=community).get().email_hash == email_hash(
        "a@example.com"
    )
    assert RevenuePoint.objects.filter(community=community, as_of=date(2024, 6, 1)).count() == 1


def test_an_upload_with_no_usable_row_changes_nothing(community, owner_actor):
    _import(owner_actor, [["a@example.com", "2024-01-01", "", "30", ""]])
    record = _import(owner_actor, [["a@example.com", "bad", "", "-1", ""]])
    assert record.rows_accepted == 0 and record.rows_rejected == 1 and not record.replaced_list
    assert {e["column"] for e in record.errors} == {"Customer since", "Revenue"}
    assert Customer.objects.filter(community=community).count() == 1


def test_a_failed_write_leaves_the_previous_list_whole(community, owner_actor):
    _import(owner_actor, [["a@example.com", "2024-01-01", "", "30", ""]])
    real = services._insert_many

    def fail_on_history(model, columns, rows):
        if model is RevenuePoint:
            raise RuntimeError("the disk is full")
        real(model, columns, rows)

    failing = mock.patch.object(services, "_insert_many", side_effect=fail_on_history)
    with failing, pytest.raises(RuntimeError):
        _import(owner_actor, [["b@example.com", "2024-01-01", "", "5", ""]])
    assert list(
        Customer.objects.filter(community=community).values_list("email_hash", flat=True)
    ) == [email_hash("a@example.com")]
    assert CustomerImport.objects.filter(community=community).count() == 1


def test_the_raw_email_is_never_stored(community, owner_actor):
    _import(owner_actor, [["secret.person@example.com", "2024-01-01", "pro", "30", ""]])
    customer = Customer.objects.get(community=community)
    assert "secret" not in str(vars(customer))
    record = CustomerImport.objects.get(community=community)
    assert "secret" not in str(vars(record))


def test_only_verified_addresses_of_members_are_matched(community, owner_actor):
    verified = joined_member(community, "vera", "2024-01-01")
    joined_member(community, "ursula", "2024-01-01", verified=False)
    stranger = joined_member(community_factory(), "sam", "2024-01-01")
    _import(
        owner_actor,
        [
            ["vera@example.com", "2023-01-01", "", "10", ""],
            ["ursula@example.com", "2023-01-01", "", "10", ""],
            ["sam@example.com", "2023-01-01", "", "10", ""],
        ],
    )
    matched = dict(
        Customer.objects.filter(community=community).values_list("email_hash", "matched_user_id")
    )
    assert matched[email_hash("vera@example.com")] == verified.pk
    assert matched[email_hash("ursula@example.com")] is None
    assert matched[email_hash("sam@example.com")] is None
    assert stranger.pk not in matched.values()


def test_a_member_who_confirms_an_address_later_is_matched(
    community, owner_actor, django_capture_on_commit_callbacks
):
    user = joined_member(community, "lena", "2024-01-01", verified=False)
    _import(owner_actor, [["lena@example.com", "2023-01-01", "", "10", ""]])
    address = EmailAddress.objects.get(user=user)
    with django_capture_on_commit_callbacks(execute=True):
        address.verified = True
        address.save()
        from allauth.account.signals import email_confirmed

        email_confirmed.send(sender=EmailAddress, request=None, email_address=address)
    assert Customer.objects.get(community=community).matched_user == user


def test_someone_who_joins_later_is_matched(community, owner_actor):
    from hearth.communities import services as community_services
    from hearth.core.models import InteractionEvent
    from hearth.customers.tasks import enqueue_matching
    from hearth.testing.factories import user_factory

    _import(owner_actor, [["jo@example.com", "2023-01-01", "", "10", ""]])
    user = user_factory(username="jo")
    EmailAddress.objects.create(user=user, email="jo@example.com", verified=True, primary=True)
    community_services.membership_join(
        actor=actor_for(user, community), community=community, accept_rules=True
    )
    # What the event log hands its consumers once the join commits.
    enqueue_matching(list(InteractionEvent.objects.filter(verb="member.join", actor=user)))
    assert Customer.objects.get(community=community).matched_user == user


def test_delete_removes_every_piece_of_customer_data(community, owner_actor):
    _import(owner_actor, [["a@example.com", "2024-01-01", "", "30", ""]])
    services.upload_stage(
        actor=owner_actor,
        file_name="x.csv",
        data=csv_bytes([HEADER, ["a@example.com", "2024-01-01", "", "1", ""]]),
    )
    assert services.customers_delete(actor=owner_actor) == 1
    for model in (Customer, RevenuePoint, CustomerImport, StagedUpload):
        assert not model.objects.filter(community=community).exists()
    assert StaffAction.objects.filter(community=community, action="customers.delete").exists()


def test_a_mapping_needs_the_required_fields_once_each(community, owner_actor):
    staged = services.upload_stage(
        actor=owner_actor,
        file_name="x.csv",
        data=csv_bytes([HEADER, ["a@example.com", "2024-01-01", "", "1", ""]]),
    )
    with pytest.raises(ValidationError) as raised:
        services.customers_import_staged(
            actor=owner_actor,
            staged=staged,
            mapping={"email": "0", "customer_since": "0", "revenue": "", "plan": "9"},
            as_of=AS_OF,
        )
    assert set(raised.value.message_dict) == {"customer_since", "revenue", "plan"}


def test_as_of_cannot_be_in_the_future(community, owner_actor):
    with pytest.raises(ValidationError):
        _import(owner_actor, [["a@example.com", "2024-01-01", "", "1", ""]], date(2999, 1, 1))


def test_a_moderator_without_the_permission_cannot_import(community, moderator):
    from django.http import Http404

    with pytest.raises(Http404):
        _import(actor_for(moderator, community), [["a@example.com", "2024-01-01", "", "1", ""]])


def test_100000_rows_import_with_bulk_writes(community, owner_actor):
    rows = [[f"c{i}@example.com", "2023-01-01", "pro", str(i % 500), ""] for i in range(100_000)]
    with CaptureQueriesContext(connection) as stage_queries:
        staged = services.upload_stage(
            actor=owner_actor, file_name="big.csv", data=csv_bytes([HEADER, *rows])
        )
    with CaptureQueriesContext(connection) as import_queries:
        record = services.customers_import_staged(
            actor=owner_actor, staged=staged, mapping=MAPPING, as_of=AS_OF
        )
    assert record.rows_accepted == 100_000
    assert Customer.objects.filter(community=community).count() == 100_000
    # Bulk writes: batches (of up to 2,000 rows; SQLite's parameter limit makes them
    # smaller), never a query per row.
    assert len(stage_queries) < 10
    assert len(import_queries) < 100_000 / 50


def test_an_upload_nobody_maps_is_forgotten_after_an_hour(community, owner_actor):
    from datetime import timedelta

    from django.utils import timezone

    staged = services.upload_stage(
        actor=owner_actor,
        file_name="x.csv",
        data=csv_bytes([HEADER, ["a@example.com", "2024-01-01", "", "1", ""]]),
    )
    assert services.staged_uploads_forget(timezone.now()) == 0
    later = timezone.now() + timedelta(hours=services.STAGED_HOURS, minutes=1)
    assert services.staged_uploads_forget(later) == 1
    assert not StagedUpload.objects.filter(pk=staged.pk).exists()
