"""Fixtures of the customer tests: members with verified (and unverified) addresses, CSV
files, and the staff who may and may not see the business figures."""

import csv
import io
from datetime import UTC, datetime

import pytest
from allauth.account.models import EmailAddress

from hearth.communities.models import Role
from hearth.testing.factories import actor_for, membership_factory, user_factory


def csv_bytes(rows: list[list[str]], *, bom: bool = False) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + out.getvalue().encode()


HEADER = ["Email", "Customer since", "Plan", "Revenue", "Churned at"]


def joined_member(community, username: str, joined: str, *, verified=True, **fields):
    """An active member who joined on ``joined`` (YYYY-MM-DD), with an address."""
    user = user_factory(username=username)
    EmailAddress.objects.create(
        user=user, email=f"{username}@example.com", verified=verified, primary=True
    )
    day = datetime.fromisoformat(joined).replace(tzinfo=UTC)
    membership_factory(community, user=user, joined_at=day, requested_at=day, **fields)
    return user


@pytest.fixture
def analyst(community):
    """A moderator the owner gave the analytics permission."""
    return membership_factory(
        community,
        user=user_factory(username="ana"),
        role=Role.MODERATOR,
        analytics_access=True,
    ).user


@pytest.fixture
def owner_actor(owner, community):
    return actor_for(owner, community)
