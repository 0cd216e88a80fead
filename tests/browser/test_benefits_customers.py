"""The owner uploads the organisation's customer list, maps its columns (one header is
not guessed), reads the upload report and sees members against other customers, on a
desktop and on a phone."""

import os
import random
from datetime import UTC, datetime, timedelta

import pytest

if not os.path.exists("/usr/bin/chromium"):
    pytest.skip("/usr/bin/chromium is not installed", allow_module_level=True)

from allauth.account.models import EmailAddress  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from hearth.customers import services  # noqa: E402
from hearth.testing.factories import (  # noqa: E402
    PASSWORD,
    actor_for,
    community_factory,
    membership_factory,
    user_factory,
)

from .conftest import PHONE, shot  # noqa: E402
from .pages import sign_in  # noqa: E402

pytestmark = pytest.mark.browser
HEADER = "Customer Email,Signup date,Tier,Total paid (USD),Cancelled at,Notes"


def _customers(community, today):
    """30 members (joined 30–200 days ago) and 40 other customers; members stay longer
    and spend more. Returns the CSV's lines and an older export's items."""
    rng = random.Random(19)
    lines, older = [HEADER], []
    for i in range(70):
        member = i < 30
        email = f"person{i}@example.com"
        since = today - timedelta(days=rng.randint(250, 800))
        if member:
            user = user_factory(username=f"person{i}", display_name=f"Person {i}")
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            joined = datetime.combine(
                today - timedelta(days=rng.randint(30, 200)), datetime.min.time(), tzinfo=UTC
            )
            membership_factory(community, user=user, joined_at=joined, requested_at=joined)
        churn = None
        if rng.random() < (0.15 if member else 0.5):
            churn = since + timedelta(days=rng.randint(30, (today - since).days))
        monthly = rng.uniform(20, 30) * (1.4 if member else 1.0)
        revenue = monthly * ((churn or today) - since).days / 30.4375
        lines.append(
            f"{email},{since},{rng.choice(['Care', 'Pro'])},{revenue:.2f},{churn or ''},=note{i}"
        )
        older_day = today - timedelta(days=260)
        if since < older_day:
            older.append(
                {
                    "email": email,
                    "customer_since": since.isoformat(),
                    "revenue": round(monthly / 1.4 * (older_day - since).days / 30.4375, 2)
                    if member
                    else round(monthly * (older_day - since).days / 30.4375, 2),
                }
            )
    return lines, older


def test_the_owner_uploads_maps_and_sees_members_against_others(new_context, live_server, tmp_path):
    base = live_server.url
    owner = user_factory(username="carmen", display_name="Carmen")
    community = community_factory(owner=owner, slug="ceramics", name="Ceramics Circle")
    today = datetime.now(UTC).date()
    lines, older = _customers(community, today)
    # An export from before the members joined, so the before/after figure has history.
    services.customers_import_items(
        actor=actor_for(owner, community), items=older, as_of=today - timedelta(days=260)
    )
    path = tmp_path / "customers.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")

    page = new_context().new_page()
    sign_in(page, base, "carmen", PASSWORD)
    page.goto(f"{base}/c/ceramics/health/customers/")
    page.get_by_label("Customer list (CSV)").set_input_files(str(path))
    page.get_by_role("button", name="Upload and map the columns").click()

    expect(page.get_by_role("heading", name="Map the columns")).to_be_visible()
    expect(page.get_by_text("p…@example.com").first).to_be_visible()
    expect(page.locator(".customers-preview th", has_text="Notes")).to_contain_text("not used")
    expect(page.locator(".customers-preview th", has_text="Signup date")).to_contain_text(
        "Customer since"
    )
    # "Total paid (USD)" is not a header Hearth knows: the owner picks it.
    expect(page.get_by_label("Email")).to_have_value("0")
    expect(page.get_by_label("Revenue to date")).to_have_value("")
    page.get_by_label("Revenue to date").select_option(label="Total paid (USD)")
    shot(page, "customers-mapping")
    phone = new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, storage_state=page.context.storage_state()
    ).new_page()
    phone.goto(page.url)
    shot(phone, "customers-mapping")
    page.get_by_role("button", name="Import and replace the list").click()

    expect(page.get_by_role("heading", name="Upload report")).to_be_visible()
    expect(page.get_by_text("The customer list was replaced.")).to_be_visible()
    page.get_by_role("link", name="See the figures").click()

    section = page.locator("#customers")
    expect(section.get_by_role("heading", name="Members versus other customers")).to_be_visible()
    expect(section.get_by_text("association, not proof")).to_be_visible()
    expect(section.locator("#customers-matched .health-card__value")).to_have_text("30")
    expect(section.get_by_text("Still a customer after 12 months, by tenure")).to_be_visible()
    expect(section.locator(".bars__bar--members").first).to_be_visible()
    expect(section.locator("#customers-before-after .health-card__value")).not_to_have_text("—")
    shot(page, "customers-figures")
    phone.goto(page.url)
    shot(phone, "customers-figures")
    section.get_by_role("link", name="See the members").first.click()
    expect(page.get_by_role("heading", name="Customers who are members")).to_be_visible()
    expect(page.locator(".rows .row")).to_have_count(30)

    # The same figures on the Benefits tab, beside support deflection.
    page.goto(f"{base}/c/ceramics/health/benefits/")
    expect(page.get_by_role("heading", name="Benefits", exact=True)).to_be_visible()
    tab = page.locator("#customers")
    expect(tab.get_by_role("heading", name="Members versus other customers")).to_be_visible()
    expect(tab.locator("#customers-matched .health-card__value")).to_have_text("30")
