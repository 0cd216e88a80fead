"""Groups in headless Chromium: a member creates a private group, invites another who
accepts, they post in the group's category, and a third member sees the post nowhere: the
group page shows no content, the topic's address is a 404 and search finds nothing."""

import os

import pytest

if not os.path.exists("/usr/bin/chromium"):
    pytest.skip("/usr/bin/chromium is not installed", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

from hearth.communities.models import Community  # noqa: E402
from hearth.discussions.models import Topic  # noqa: E402
from hearth.groups.models import GroupSettings  # noqa: E402
from hearth.testing.factories import (  # noqa: E402
    PASSWORD,
    community_factory,
    membership_factory,
    user_factory,
)

from .pages import fill_topic_title, sign_in  # noqa: E402

pytestmark = pytest.mark.browser

SLUG = "allotment"
GROUP = "Greenhouse crew"
TITLE = "Seed order for the heated greenhouse"
BODY = "Shall we try the purple tomatillos this year? Order closes Friday."
WORD = "tomatillos"


@pytest.fixture
def allotment(db):
    """Allotment Society: owner Olivia; Gina (trust level 2, may create groups), Gus and
    Mel (trust level 1)."""
    owner = user_factory(username="olivia")
    community = community_factory(owner=owner, slug=SLUG, name="Allotment Society")
    for name, level in (("gina", 2), ("gus", 1), ("mel", 1)):
        membership_factory(community, user=user_factory(username=name), trust_level=level)
    Community.objects.filter(pk=community.pk).update(member_count=4)
    GroupSettings.objects.create(community=community, create_trust_level=2)
    return community


def test_a_private_groups_post_is_seen_nowhere_outside_it(
    live_server, new_context, shot_both, allotment
):
    base = live_server.url
    groups = f"{base}/c/{SLUG}/groups/"

    # Gina creates a private, invitation-only group and invites Gus.
    gina = new_context().new_page()
    sign_in(gina, base, "gina", PASSWORD)
    gina.goto(groups)
    gina.get_by_role("link", name="New group").first.click()
    gina.get_by_label("Name").fill(GROUP)
    gina.get_by_label("Description").fill("Who waters what, and **seed orders**.")
    gina.get_by_label("Private: listed, but only its members read it").check()
    gina.get_by_label("By invitation only").check()
    gina.get_by_role("button", name="Create group").click()
    expect(gina.get_by_role("heading", name=GROUP, level=1)).to_be_visible()
    gina.get_by_label("Invite a member (username)").fill("gus")
    gina.get_by_role("button", name="Invite").click()
    expect(gina.get_by_text("Invited @gus.")).to_be_visible()
    shot_both(gina, "groups-owner")

    # Gus sees the invitation, accepts and starts a topic in the group's category.
    gus = new_context().new_page()
    sign_in(gus, base, "gus", PASSWORD)
    gus.goto(groups)
    expect(gus.get_by_text("You are invited")).to_be_visible()
    gus.get_by_role("link", name=GROUP).click()
    gus.get_by_role("button", name="Accept the invitation").click()
    expect(gus.get_by_text(f"Welcome to {GROUP}!")).to_be_visible()
    gus.get_by_role("link", name="New topic").first.click()
    fill_topic_title(gus, TITLE)
    gus.get_by_label("Message").fill(BODY)
    gus.get_by_role("button", name="Post topic").click()
    expect(gus.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    topic_url = gus.url
    gus.goto(groups + "greenhouse-crew/")
    expect(gus.get_by_role("link", name=TITLE)).to_be_visible()
    shot_both(gus, "groups-member")
    topic = Topic.objects.get(title=TITLE)
    assert topic.category.group.name == GROUP

    # Mel, a member of the community but not of the group, sees it nowhere.
    mel = new_context().new_page()
    sign_in(mel, base, "mel", PASSWORD)
    mel.goto(groups)
    mel.get_by_role("link", name=GROUP).click()
    expect(mel.get_by_text("Only the group's members read its discussions.")).to_be_visible()
    expect(mel.get_by_text(TITLE)).to_have_count(0)
    expect(mel.get_by_role("button", name="Ask to join")).to_have_count(0)  # invitation only
    shot_both(mel, "groups-outsider")
    response = mel.goto(topic_url)
    assert response.status == 404
    mel.goto(f"{base}/c/{SLUG}/search?q={WORD}")
    expect(mel.get_by_text(TITLE)).to_have_count(0)
    shot_both(mel, "groups-outsider-search")
    for path in (f"/c/{SLUG}/", f"/c/{SLUG}/latest", f"/search?q={WORD}"):
        mel.goto(base + path)
        expect(mel.get_by_text(TITLE)).to_have_count(0)
    # Gus finds it by search, so the search above had something to miss.
    gus.goto(f"{base}/c/{SLUG}/search?q={WORD}")
    expect(gus.get_by_role("link", name=TITLE).first).to_be_visible()
