"""The Benefits tab's pages: who may open them, the estimate and its assumptions, the
settings form's bad input, drill-downs, the CSV export and flat query counts."""

import csv
import io
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from hearth.analytics.forms import utc_today
from hearth.benefits.models import BenefitSettings
from hearth.communities.models import Membership, Role, StaffAction
from hearth.testing.factories import community_factory, membership_factory, user_factory


def url(community, name="benefits", *args, **params):
    path = reverse(f"benefits:{name}", args=[community.slug, *args])
    return f"{path}?{urlencode(params)}" if params else path


def signed_in(client, user):
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def as_owner(client, owner):
    return signed_in(client, owner)


@pytest.fixture
def solved(ask, view, newcomer, member, admin):
    """Two questions solved yesterday (one by a member, one by staff), read 40 times."""
    yesterday = timezone.now() - timedelta(days=1)
    q1 = ask(newcomer, member, yesterday, title="Roses in winter")
    q2 = ask(newcomer, admin, yesterday, title="Tulip bulbs")
    view(q1, utc_today(), None, n=30)
    view(q2, utc_today(), member, n=10)
    return [q1, q2]


def granted(moderator, community):
    Membership.objects.filter(user=moderator, community=community).update(analytics_access=True)
    return moderator


PAGES = [
    ("benefits", []),
    ("export", []),
    ("settings", []),
    ("drilldown", ["solved"]),
    ("drilldown", ["members"]),
    ("drilldown", ["viewed"]),
]


# Who may look --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona, status",
    [
        ("owner", 200),
        ("admin", 200),
        ("moderator", 404),  # without the analytics permission
        ("member", 404),
        ("newcomer", 404),
        ("banned", 404),
        ("outsider", 404),
        ("anonymous", 404),
    ],
)
@pytest.mark.parametrize("name, args", PAGES)
def test_only_those_with_the_business_figures_may_look(
    client, community, personas, persona, status, name, args
):
    response = signed_in(client, personas[persona]).get(url(community, name, *args))
    assert response.status_code == status


@pytest.mark.parametrize("name, args", PAGES)
def test_a_moderator_given_the_analytics_permission_may_look(
    client, community, moderator, name, args
):
    granted(moderator, community)
    assert signed_in(client, moderator).get(url(community, name, *args)).status_code == 200


def test_another_communitys_admin_gets_404(client, community):
    elsewhere = community_factory(slug="elsewhere")
    admin = membership_factory(elsewhere, role=Role.ADMIN).user
    for name, args in PAGES:
        assert signed_in(client, admin).get(url(community, name, *args)).status_code == 404


def test_an_unknown_drilldown_is_404(as_owner, community):
    assert as_owner.get(url(community, "drilldown", "nothing")).status_code == 404


def test_the_benefits_tab_shows_only_to_those_who_may_open_it(client, community, moderator):
    health = reverse("analytics:health", args=[community.slug])
    tab = reverse("benefits:benefits", args=[community.slug])
    page = signed_in(client, moderator).get(health)
    assert tab not in page.content.decode()
    granted(moderator, community)
    page = client.get(health)
    assert f'href="{tab}?days=28"' in page.content.decode()


# The page ---------------------------------------------------------------------------------


def test_the_page_shows_the_figures_and_labels_the_estimate(as_owner, community, solved):
    page = as_owner.get(url(community)).content.decode()
    # 40 views × 5% = 2 tickets; × $15 = $30. Printed as an estimate, with its assumptions.
    assert 'data-estimate="cost">$30<' in page
    assert 'data-estimate="tickets">2<' in page
    assert "Estimate" in page and "not a measurement" in page
    assert "Assumes 5% of the 40 answer views would otherwise have been a support ticket" in page
    assert "at $15 a ticket" in page
    assert url(community, "settings", days=28) in page
    assert "No customer data" in page
    assert 'id="customers"' in page


def test_a_granted_moderator_sees_the_assumptions_but_no_change_button(
    client, community, moderator, solved
):
    page = signed_in(client, granted(moderator, community)).get(url(community)).content.decode()
    assert "Change the assumptions" not in page
    assert "The owner and admins set these assumptions." in page


def test_an_empty_window_says_what_to_do(as_owner, community):
    page = as_owner.get(url(community)).content.decode()
    assert "No question was solved or read in this window." in page


def test_a_bad_window_shows_the_message_and_the_default(as_owner, community):
    response = as_owner.get(url(community, start="2026-02-10", end="2026-01-01"))
    assert response.status_code == 200
    assert "The end date is before the start date." in response.content.decode()


# Settings -------------------------------------------------------------------------------


def _post(client, community, **data):
    values = {"ticket_share_percent": "5", "ticket_cost": "15", "currency": "USD", **data}
    return client.post(url(community, "settings"), values)


def test_the_owner_changes_the_assumptions_and_the_estimate_moves(
    as_owner, community, owner, solved
):
    response = _post(as_owner, community, ticket_share_percent="10", ticket_cost="22.5",
                     currency="eur")  # fmt: skip
    assert response.status_code == 302 and response["Location"].startswith(url(community))
    row = BenefitSettings.objects.get(community=community)
    assert (row.ticket_share_percent, row.ticket_cost, row.currency) == (
        Decimal("10"),
        Decimal("22.5"),
        "EUR",
    )
    assert row.updated_by == owner
    log = StaffAction.objects.get(community=community, action="benefits.settings")
    assert log.details["currency"] == ["USD", "EUR"]
    page = as_owner.get(url(community)).content.decode()
    # 40 × 10% = 4 tickets × €22.50 = €90.
    assert 'data-estimate="cost">€90<' in page and "at €22.50 a ticket" in page


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("ticket_cost", "-5", "The cost of a ticket cannot be negative."),
        ("ticket_cost", "lots", "Enter the cost as a number, such as 15."),
        ("ticket_cost", "2000000", "Enter a cost of at most 1,000,000."),
        ("ticket_cost", "1.234", "Use at most two decimal places for the cost."),
        ("ticket_cost", "NaN", "Enter the cost as a number, such as 15."),
        ("ticket_share_percent", "120", "Enter a share from 0 to 100 percent."),
        ("ticket_share_percent", "-1", "Enter a share from 0 to 100 percent."),
        ("ticket_share_percent", "five", "Enter the share as a number, such as 5."),
        ("ticket_share_percent", "Infinity", "Enter the share as a number, such as 5."),
        ("currency", "EURO", "Enter a three-letter ISO 4217 currency code"),
        ("currency", "XYZ", "Enter a three-letter ISO 4217 currency code"),
        ("currency", "=1+1", "Enter a three-letter ISO 4217 currency code"),
        ("currency", "", "This field is required."),
    ],
)
def test_bad_input_is_shown_next_to_the_field(as_owner, community, field, value, message):
    response = _post(as_owner, community, **{field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not BenefitSettings.objects.exists()


def test_a_granted_moderator_may_not_change_the_assumptions(client, community, moderator):
    signed_in(client, granted(moderator, community))
    page = client.get(url(community, "settings")).content.decode()
    assert "Only the owner and admins can change these assumptions." in page
    assert "<form" not in page.split('class="benefits-settings__layout"')[1]
    assert _post(client, community, ticket_cost="99").status_code == 403
    assert not BenefitSettings.objects.exists()


@pytest.mark.parametrize("persona", ["moderator", "member", "outsider", "anonymous"])
def test_others_cannot_post_the_settings(client, community, personas, persona):
    response = _post(signed_in(client, personas[persona]), community, ticket_cost="99")
    assert response.status_code == 404
    assert not BenefitSettings.objects.exists()


# Drill-downs --------------------------------------------------------------------------------


def test_the_solved_drilldown_names_questions_answerers_and_views(as_owner, community, solved):
    page = as_owner.get(url(community, "drilldown", "solved")).content.decode()
    assert "Roses in winter" in page and "Tulip bulbs" in page
    assert "30 views" in page and "10 views" in page
    assert "answered by Mel" in page


def test_the_members_drilldown_lists_members_not_staff(as_owner, community, solved):
    page = as_owner.get(url(community, "drilldown", "members")).content.decode()
    assert "@mel" in page and "@adam" not in page
    assert "1 question solved" in page


def test_the_viewed_drilldown_lists_the_most_read_first(as_owner, community, solved):
    page = as_owner.get(url(community, "drilldown", "viewed")).content.decode()
    assert page.index("Roses in winter") < page.index("Tulip bulbs")


def test_a_question_in_a_category_the_viewer_cannot_read_is_counted_not_named(
    client, community, moderator, owner, ask, newcomer, member
):
    from hearth.discussions import services as discussion_services
    from hearth.testing.factories import actor_for

    hidden = discussion_services.category_create(
        actor=actor_for(owner, community), name="Admins", kind="questions", read_access="admins"
    )
    topic = ask(newcomer, member, timezone.now() - timedelta(hours=2), title="Secret plans")
    topic.category = hidden
    topic.save(update_fields=["category"])
    signed_in(client, granted(moderator, community))
    page = client.get(url(community, "drilldown", "solved")).content.decode()
    assert "Secret plans" not in page
    assert "1 more question is counted in the figures but not listed here" in page


# CSV ---------------------------------------------------------------------------------------


def test_the_export_has_a_row_per_day_with_the_estimate_and_its_assumptions(
    as_owner, community, solved
):
    response = as_owner.get(url(community, "export", days=7))
    assert response["Content-Type"].startswith("text/csv")
    assert "garden-benefits-" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:5] == [
        "day",
        "questions_solved",
        "solved_by_members",
        "solved_by_staff",
        "answer_views",
    ]
    assert len(rows) == 1 + 7
    today = rows[-1]
    assert today[0] == utc_today().isoformat()
    assert today[4:] == ["40", "2.00", "30.00", "USD", "5.00", "15.00"]
    assert sum(int(r[1]) for r in rows[1:]) == 2


def test_every_exported_cell_goes_through_the_formula_guard(as_owner, community, monkeypatch):
    from hearth.benefits import display

    monkeypatch.setattr(display, "csv_rows", lambda figures, estimate: [["=1+1", "@SUM(A1)"]])
    rows = list(csv.reader(io.StringIO(as_owner.get(url(community, "export")).content.decode())))
    assert rows[1] == ["'=1+1", "'@SUM(A1)"]


# Query counts --------------------------------------------------------------------------------


def _queries(client, path):
    client.get(path)  # the bell's count kept (hearth.notifications.bell), as on any visit
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "name, args",
    [("benefits", []), ("export", []), ("drilldown", ["solved"]), ("drilldown", ["members"]),
     ("drilldown", ["viewed"])],
)  # fmt: skip
def test_query_counts_do_not_grow_with_the_questions(
    as_owner, community, ask, view, newcomer, django_assert_num_queries, name, args
):
    path = url(community, name, *args)
    yesterday = timezone.now() - timedelta(days=1)
    answerers = [user_factory() for _ in range(6)]
    for user in answerers:
        membership_factory(community, user=user)
    view(ask(newcomer, answerers[0], yesterday, title="First one"), utc_today(), None, n=2)
    small = _queries(as_owner, path)
    for i, user in enumerate(answerers * 2):
        view(ask(newcomer, user, yesterday, title=f"Question {i}"), utc_today(), None, n=i + 1)
    with django_assert_num_queries(small):
        as_owner.get(path)
