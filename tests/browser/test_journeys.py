"""End-to-end journeys through Hearth in headless Chromium against pytest-django's
live_server: starting a community, joining an open one, asking to join an approval one
and a keyboard-only, no-JavaScript join."""

import os
import re

import pytest

if not os.path.exists("/usr/bin/chromium"):
    pytest.skip("/usr/bin/chromium is not installed", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

from hearth.communities import services  # noqa: E402
from hearth.communities.models import Community, Membership, MembershipStatus  # noqa: E402
from hearth.testing.factories import (  # noqa: E402
    PASSWORD,
    actor_for,
    community_factory,
    user_factory,
)

from .conftest import shot  # noqa: E402
from .pages import fill_wizard, sign_in, sign_up  # noqa: E402

pytestmark = pytest.mark.browser

NEW_PASSWORD = "Plenty-of-Light-42"


def test_owner_creates_community_through_wizard(page, live_server, shot_both):
    base = live_server.url
    sign_up(page, base, "fiona", "fiona@example.com", NEW_PASSWORD)

    page.goto(f"{base}/new")
    expect(page.get_by_role("heading", name="Start a community", level=1)).to_be_visible()
    wizard = {
        "name": "Film Photographers",
        "slug": "film-photo",
        "tagline": "Develop, scan and share your negatives.",
        "rules": "1. Be kind.\n2. Credit the photographer.\n3. No gear flame wars.",
        "accent": "#8a3ffc",
        "join_policy": "open",
    }

    def fill(p):
        fill_wizard(p, **wizard)
        expect(p.locator("#slug-status")).to_contain_text("Available")

    fill(page)
    shot_both(page, "wizard", prepare=fill)

    page.get_by_role("button", name="Create the community").click()
    expect(page).to_have_url(f"{base}/c/film-photo/")
    expect(page.get_by_role("heading", name="Film Photographers", level=1)).to_be_visible()
    expect(page.get_by_text("Film Photographers is live.")).to_be_visible()
    expect(page.get_by_text("You're a member · Owner")).to_be_visible()
    expect(page.get_by_text(wizard["tagline"])).to_be_visible()

    community = Community.objects.get(slug="film-photo")
    assert community.name == "Film Photographers"
    assert community.accent_color == "#8a3ffc"
    assert community.join_policy == "open"
    shot_both(page, "community-home")


def test_visitor_signs_up_reads_rules_and_joins_open_community(page, live_server, shot_both):
    base = live_server.url
    owner = user_factory(username="olivia")
    community = community_factory(
        owner=owner, name="Garden Club", slug="garden", accent_color="#2f6f4e"
    )
    community.tagline = "Seeds, soil and slugs."
    community.save(update_fields=["tagline"])
    # A second rules version, so the accepted version is not just the default.
    services.rules_update(
        actor=actor_for(owner, community),
        text="1. Be kind.\n2. Stay on topic.\n3. Share your harvest photos.",
    )
    community.refresh_from_db()
    assert community.rules_version == 2

    sign_up(page, base, "sam", "sam@example.com", NEW_PASSWORD)
    page.goto(f"{base}/")
    card = page.get_by_role("link", name=re.compile("Garden Club"))
    expect(card).to_be_visible()
    shot_both(page, "platform-home")

    card.click()
    expect(page).to_have_url(f"{base}/c/garden/")
    page.get_by_role("navigation", name="Garden Club").get_by_role("link", name="Rules").click()
    expect(page).to_have_url(f"{base}/c/garden/rules")
    expect(page.get_by_role("heading", name="Rules of Garden Club")).to_be_visible()
    expect(page.get_by_text("Share your harvest photos.")).to_be_visible()
    shot_both(page, "rules")

    page.get_by_role("link", name="Join and accept these rules").click()
    expect(page).to_have_url(f"{base}/c/garden/join")
    expect(page.get_by_role("heading", name="Join Garden Club")).to_be_visible()
    shot_both(page, "join")

    page.get_by_label("I have read the rules and agree to follow them").check()
    page.get_by_role("button", name="Accept the rules and join").click()
    expect(page).to_have_url(f"{base}/c/garden/")
    expect(page.get_by_text("Welcome to Garden Club!")).to_be_visible()
    expect(page.get_by_text("You're a member", exact=True)).to_be_visible()
    expect(page.locator(".hero .meta")).to_contain_text("2 members")

    membership = Membership.objects.get(community=community, user__username="sam")
    assert membership.status == MembershipStatus.ACTIVE
    assert membership.rules_version_accepted == community.rules_version


def test_approval_request_is_answered_and_approved(live_server, new_context, shot_both):
    base = live_server.url
    owner = user_factory(username="olivia")
    community = community_factory(
        owner=owner,
        name="Darkroom",
        slug="darkroom",
        join_policy="approval",
        join_questions=["Which camera?"],
    )
    user_factory(username="rita")  # display name "Rita"

    requester = new_context().new_page()
    sign_in(requester, base, "rita", PASSWORD)
    requester.goto(f"{base}/c/darkroom/")
    requester.get_by_role("link", name="Ask to join").click()
    expect(requester).to_have_url(f"{base}/c/darkroom/join")
    requester.get_by_label("Which camera?").fill("A Pentax K1000 with a 50mm lens")
    requester.get_by_label("I have read the rules and agree to follow them").check()
    requester.get_by_role("button", name="Send my request").click()
    expect(requester).to_have_url(f"{base}/c/darkroom/")
    expect(
        requester.get_by_text("Your request to join is waiting for review by the staff.")
    ).to_be_visible()
    expect(requester.get_by_text("You're a member")).to_have_count(0)
    shot_both(requester, "pending-home")

    staff = new_context().new_page()
    sign_in(staff, base, "olivia", PASSWORD)
    staff.goto(f"{base}/c/darkroom/")
    staff.get_by_role("link", name=re.compile("1 person is waiting to join")).click()
    expect(staff).to_have_url(f"{base}/c/darkroom/manage/requests/")
    request_row = staff.locator("li.request").filter(has_text="@rita")
    expect(request_row.get_by_text("Which camera?")).to_be_visible()
    expect(request_row.get_by_text("A Pentax K1000 with a 50mm lens")).to_be_visible()
    shot_both(staff, "requests")

    request_row.get_by_role("button", name="Approve").click()
    done = staff.get_by_role("status").filter(has_text="Rita is now a member.")
    expect(done).to_be_visible()
    expect(staff.get_by_role("button", name="Approve")).to_have_count(0)
    # htmx swapped the row in place: no navigation happened.
    expect(staff).to_have_url(f"{base}/c/darkroom/manage/requests/")
    shot(staff, "requests-approved")

    requester.reload()
    expect(requester.get_by_text("You're a member", exact=True)).to_be_visible()
    expect(requester.locator(".hero .meta")).to_contain_text("2 members")
    expect(
        requester.get_by_text("Your request to join is waiting for review by the staff.")
    ).to_have_count(0)

    membership = Membership.objects.get(community=community, user__username="rita")
    assert membership.status == MembershipStatus.ACTIVE
    assert membership.join_answers == [
        {"question": "Which camera?", "answer": "A Pentax K1000 with a 50mm lens"}
    ]


def test_join_works_with_keyboard_and_without_javascript(live_server, new_context):
    base = live_server.url
    community = community_factory(name="Quiet Readers", slug="readers")
    user_factory(username="kim")

    page = new_context(java_script_enabled=False).new_page()
    sign_in(page, base, "kim", PASSWORD)
    page.goto(f"{base}/c/readers/")
    page.get_by_role("link", name="Join this community").click()
    expect(page).to_have_url(f"{base}/c/readers/join")

    # Submitting without accepting the rules is refused by the server, not by JS.
    submit = page.get_by_role("button", name="Accept the rules and join")
    submit.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Accept the rules to join.")).to_be_visible()
    assert not Membership.objects.filter(community=community, user__username="kim").exists()

    checkbox = page.get_by_label("I have read the rules and agree to follow them")
    checkbox.focus()
    page.keyboard.press("Space")
    expect(checkbox).to_be_checked()
    submit.focus()
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{base}/c/readers/")
    expect(page.get_by_text("You're a member", exact=True)).to_be_visible()
    membership = Membership.objects.get(community=community, user__username="kim")
    assert membership.status == MembershipStatus.ACTIVE
    assert membership.rules_version_accepted == community.rules_version
