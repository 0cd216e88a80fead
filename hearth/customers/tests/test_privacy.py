"""A member's own data export says only whether the organisation matched them as a
customer; nobody can ask for another member's match."""

from datetime import date

import pytest
from django.urls import reverse

from hearth.customers.models import Customer
from hearth.customers.tests.conftest import joined_member
from hearth.privacy.export import CUSTOMER_MATCH, memberships

pytestmark = pytest.mark.django_db


def test_the_export_has_the_one_line_when_matched_and_nothing_otherwise(community, member):
    vera = joined_member(community, "vera", "2024-06-01")
    Customer.objects.create(
        community=community, email_hash="h", customer_since=date(2023, 1, 1), plan="gold",
        revenue=999, matched_user=vera,
    )  # fmt: skip
    [row] = [r for r in memberships(vera) if r["community"]["slug"] == "garden"]
    assert row["customer"] == CUSTOMER_MATCH
    assert "gold" not in str(row) and "999" not in str(row)
    [other] = memberships(member)
    assert "customer" not in other


def test_a_member_cannot_ask_for_another_members_match(client, community, member):
    vera = joined_member(community, "vera", "2024-06-01")
    Customer.objects.create(
        community=community, email_hash="h", customer_since=date(2023, 1, 1), revenue=1,
        matched_user=vera,
    )  # fmt: skip
    client.force_login(member)
    for path in (
        reverse("customers:drilldown", args=["garden", "members"]),
        "/api/v1/communities/garden/customers/figures",
    ):
        assert client.get(path).status_code == 404
    profile = client.get(reverse("communities:profile", args=["garden", "vera"]))
    assert "customer" not in profile.content.decode().lower()
