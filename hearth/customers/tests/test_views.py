"""The customer pages: upload → map → import → report; figures, drill-downs, exports,
delete; and who may not see any of it (404)."""

import csv
import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hearth.communities.models import Role
from hearth.customers.models import Customer, CustomerImport, StagedUpload
from hearth.customers.tests.conftest import HEADER, csv_bytes, joined_member
from hearth.testing.factories import community_factory, membership_factory, user_factory

pytestmark = pytest.mark.django_db


def url(name, *args, slug="garden"):
    return reverse(f"customers:{name}", args=[slug, *args])


def upload(client, rows, *, name="list.csv", header=HEADER, bom=False):
    data = csv_bytes([header, *rows], bom=bom)
    return client.post(url("customers"), {"file": SimpleUploadedFile(name, data, "text/csv")})


def map_and_import(client, staged, **overrides):
    mapping = {
        "email": "0", "customer_since": "1", "plan": "2", "revenue": "3", "churned_at": "4",
        "as_of": "2025-06-30",
    }  # fmt: skip
    mapping.update(overrides)
    return client.post(url("mapping", staged.pk), mapping)


def test_the_owner_uploads_maps_and_imports(client, owner, community):
    joined_member(community, "vera", "2024-06-01")
    client.force_login(owner)
    response = upload(
        client,
        [
            ["vera@example.com", "2023-01-01", "pro", "100", ""],
            ["other@example.com", "2023-01-01", "basic", "40", "2023-05-01"],
            ["bad@example.com", "01/02/2023", "", "-3", ""],
        ],
        header=[*HEADER, "Favourite colour"],
        bom=True,
    )
    staged = StagedUpload.objects.get(community=community)
    assert response.status_code == 302 and response.url == url("mapping", staged.pk)
    page = client.get(response.url)
    html = page.content.decode()
    assert "v…@example.com" in html and "vera@example.com" not in html
    assert "not used" in html  # the colour column
    assert page.context["form"]["email"].value() == "0"
    response = map_and_import(client, staged)
    record = CustomerImport.objects.get(community=community)
    assert response.url == url("import", record.pk)
    report = client.get(response.url).content.decode()
    assert "Rows rejected" in report and "not a date" in report and "negative" in report
    assert Customer.objects.filter(community=community).count() == 2
    errors = client.get(url("import-errors", record.pk))
    rows = list(csv.reader(io.StringIO(errors.content.decode())))
    assert rows[0] == ["row", "column", "problem"]
    assert {(r[0], r[1]) for r in rows[1:]} == {("4", "Customer since"), ("4", "Revenue")}
    figures = client.get(url("customers")).content.decode()
    assert "Members versus other customers" in figures and "association, not proof" in figures


def test_a_bad_file_is_shown_in_the_form(client, owner, community):
    client.force_login(owner)
    response = client.post(
        url("customers"),
        {"file": SimpleUploadedFile("book.xlsx", b"PK\x03\x04....", "application/zip")},
    )
    assert response.status_code == 400
    assert "This is not a CSV file" in response.content.decode()


def test_a_bad_mapping_is_shown_in_the_form(client, owner, community):
    client.force_login(owner)
    upload(client, [["a@example.com", "2023-01-01", "", "1", ""]])
    staged = StagedUpload.objects.get(community=community)
    response = map_and_import(client, staged, revenue="", customer_since="0")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose the column that holds this." in html
    assert "already used for another field" in html
    assert not Customer.objects.exists()


def test_a_formula_is_escaped_in_every_export(client, owner, community):
    client.force_login(owner)
    upload(
        client,
        [["a@example.com", "=cmd()", "", "1", ""]],
        header=["Email", "=HYPERLINK(1)", "Plan", "Revenue", "Churned"],
    )
    staged = StagedUpload.objects.get(community=community)
    map_and_import(client, staged, customer_since="1")
    record = CustomerImport.objects.get(community=community)
    body = client.get(url("import-errors", record.pk)).content.decode()
    assert "'=HYPERLINK(1)" in body
    assert "\n=HYPERLINK" not in body and ",=HYPERLINK" not in body


def test_the_export_lists_the_figures(client, owner, community):
    joined_member(community, "vera", "2024-06-01")
    client.force_login(owner)
    upload(
        client,
        [
            ["vera@example.com", "2023-01-01", "pro", "100", ""],
            ["x@example.com", "2023-01-01", "", "40", ""],
        ],
    )
    map_and_import(client, StagedUpload.objects.get(community=community))
    response = client.get(url("export"))
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["figure", "band", "horizon_months", "group"]
    retention = [r for r in rows if r[0] == "retention" and r[2] == "12"]
    assert {r[3] for r in retention} == {"members", "others"}


def test_after_delete_the_figures_say_no_customer_data(client, owner, community):
    client.force_login(owner)
    upload(client, [["a@example.com", "2023-01-01", "", "1", ""]])
    map_and_import(client, StagedUpload.objects.get(community=community))
    response = client.post(url("delete"))
    assert response.status_code == 302
    assert not Customer.objects.exists() and not CustomerImport.objects.exists()
    assert "No customer data" in client.get(url("customers")).content.decode()
    assert client.get(url("export")).content.decode().splitlines()[1].startswith("no customer data")


def test_drilldowns_list_the_members_behind_a_figure_with_flat_queries(
    client, owner, community, django_assert_max_num_queries
):
    client.force_login(owner)
    rows = []
    for i in range(3):
        joined_member(community, f"m{i}", "2024-06-01")
        rows.append([f"m{i}@example.com", "2023-01-01", "", "10", ""])
    upload(client, rows)
    map_and_import(client, StagedUpload.objects.get(community=community))
    with django_assert_max_num_queries(20) as few:
        response = client.get(url("drilldown", "members"))
    assert response.status_code == 200 and len(response.context["rows"]) == 3
    more = [joined_member(community, f"m{i}", "2024-06-01") for i in range(3, 40)]
    Customer.objects.bulk_create(
        Customer(
            community=community, email_hash=f"h{user.pk}", customer_since=date(2023, 1, 1),
            revenue=1, matched_user=user,
        )
        for user in more
    )  # fmt: skip
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("drilldown", "members"))
    assert len(response.context["rows"]) == 30
    assert client.get(url("drilldown", "nonsense")).status_code == 404


@pytest.mark.parametrize("persona", ["moderator", "member", "outsider", "anonymous"])
@pytest.mark.parametrize(
    "name, args, method",
    [
        ("customers", (), "get"),
        ("customers", (), "post"),
        ("export", (), "get"),
        ("delete", (), "post"),
        ("drilldown", ("members",), "get"),
    ],
)
def test_who_may_not_see_customer_data_gets_404(
    client, personas, community, persona, name, args, method
):
    if personas[persona] is not None:
        client.force_login(personas[persona])
    response = getattr(client, method)(url(name, *args))
    assert response.status_code == 404


def test_a_moderator_given_the_permission_may(client, analyst, community):
    client.force_login(analyst)
    assert client.get(url("customers")).status_code == 200


def test_another_communitys_admin_gets_404_on_its_uploads_and_reports(client, owner, community):
    client.force_login(owner)
    upload(client, [["a@example.com", "2023-01-01", "", "1", ""]])
    staged = StagedUpload.objects.get(community=community)
    other = community_factory(slug="other")
    admin = membership_factory(other, user=user_factory(username="oz"), role=Role.ADMIN).user
    client.force_login(admin)
    assert client.get(url("mapping", staged.pk)).status_code == 404
    assert client.get(url("mapping", staged.pk, slug="other")).status_code == 404
    client.force_login(owner)
    map_and_import(client, staged)
    record = CustomerImport.objects.get(community=community)
    client.force_login(admin)
    assert client.get(url("import", record.pk, slug="other")).status_code == 404
    assert client.get(url("import-errors", record.pk)).status_code == 404


def test_a_member_facing_page_never_shows_customer_data(client, member, community, owner):
    client.force_login(owner)
    joined_member(community, "vera", "2024-06-01")
    upload(client, [["vera@example.com", "2023-01-01", "gold-plan", "100", ""]])
    map_and_import(client, StagedUpload.objects.get(community=community))
    client.force_login(member)
    for path in (
        reverse("communities:home", args=["garden"]),
        reverse("communities:profile", args=["garden", "vera"]),
    ):
        html = client.get(path).content.decode()
        assert "gold-plan" not in html and "customer" not in html.lower()


def test_the_weekly_email_lines_and_the_section_without_data(community):
    from hearth.customers import display, selectors

    assert display.email_lines(selectors.benefits_figures(community)) == []
    section = display.section(community)
    assert section["has_data"] is False and "association" in section["warning"]
    vera = joined_member(community, "vera", "2024-06-01")
    for i, user in enumerate([vera, None]):
        Customer.objects.create(
            community=community, email_hash=f"h{i}", customer_since=date(2023, 1, 1),
            revenue=100 * (i + 1), matched_user=user,
        )  # fmt: skip
    CustomerImport.objects.create(community=community, source="api", as_of=date(2025, 6, 30))
    lines = display.email_lines(selectors.benefits_figures(community))
    assert lines[0] == "Customers who are members: 1 of 2 (list as of 2025-06-30)."
    assert "Revenue per customer: members 100, others 200 (same tenure)." in lines
    assert lines[-1].startswith("Members chose to join")


def test_an_upload_older_than_an_hour_is_no_longer_offered(client, owner, community):
    from datetime import timedelta

    from django.utils import timezone

    client.force_login(owner)
    upload(client, [["a@example.com", "2023-01-01", "", "1", ""]])
    staged = StagedUpload.objects.get(community=community)
    assert client.get(url("mapping", staged.pk)).status_code == 200
    StagedUpload.objects.filter(pk=staged.pk).update(created_at=timezone.now() - timedelta(hours=2))
    assert client.get(url("mapping", staged.pk)).status_code == 404
