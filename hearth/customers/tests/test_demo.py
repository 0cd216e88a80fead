"""The demo's customer list tells its story: members stay longer and spend more, and
there is history enough to measure revenue before and after joining."""

import pytest

from hearth.customers import selectors
from hearth.demo import build_demo

pytestmark = pytest.mark.django_db


def test_the_demo_members_stay_longer_and_spend_more():
    lumen = build_demo(members=40, days=60, seed=7)
    data = selectors.benefits_figures(lumen)
    assert data["has_data"] and data["members"] >= 10
    assert data["revenue_adjusted"]["members"] > data["revenue_adjusted"]["others"]
    assert data["retention_12_adjusted"]["members"] > data["retention_12_adjusted"]["others"]
    assert data["before_after"]["measured"] >= 5 and data["before_after"]["change"] > 0
