"""Members finding each other in headless Chromium: a member fills in her community profile
(an interest from the community's list, a profile question, a location), finds another
member in the directory by that interest, opens his profile, follows him, and sees his new
topic in her following feed; "members like you" names him with the reason."""

import os
import re

import pytest

if not os.path.exists("/usr/bin/chromium"):
    pytest.skip("/usr/bin/chromium is not installed", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

from hearth.communities.models import Community  # noqa: E402
from hearth.discussions import services as discussion_services  # noqa: E402
from hearth.discussions.models import Category  # noqa: E402
from hearth.members import services  # noqa: E402
from hearth.members.models import Follow, MemberProfile, QuestionKind  # noqa: E402
from hearth.testing.factories import (  # noqa: E402
    PASSWORD,
    actor_for,
    community_factory,
    membership_factory,
    user_factory,
)

from .pages import sign_in  # noqa: E402

pytestmark = pytest.mark.browser

SLUG = "stargazers"
NAMES = {
    "ada": "Ada Lovelace",
    "bruno": "Bruno Costa",
    "cleo": "Cleo Martin",
    "dev": "Dev Patel",
    "emma": "Emma Schulz",
    "farid": "Farid Haddad",
}


@pytest.fixture
def club(db):
    """Stargazers with an interest list and a profile question; Bruno already lists
    Astrophotography, the others other interests."""
    owner = user_factory(username="olivia", display_name="Olivia Owner")
    community = community_factory(owner=owner, slug=SLUG, name="Stargazers")
    people = {
        name: membership_factory(
            community, user=user_factory(username=name, display_name=full), trust_level=1
        ).user
        for name, full in NAMES.items()
    }
    Community.objects.filter(pk=community.pk).update(member_count=len(people) + 1)
    staff = actor_for(owner, community)
    services.interest_list_set(
        actor=staff, names=["Astrophotography", "Telescopes", "Meteor showers", "Planets"]
    )
    question = services.profile_question_save(
        actor=staff,
        text="Where do you observe from?",
        kind=QuestionKind.CHOICE,
        choices=["City", "Suburbs", "Dark-sky site"],
    )
    others = {"cleo": ["Planets"], "dev": ["Telescopes", "Planets"], "emma": ["Meteor showers"],
              "farid": ["Telescopes"]}  # fmt: skip
    for name, interests in {"bruno": ["Astrophotography", "Telescopes"], **others}.items():
        user = people[name]
        services.profile_update(
            actor=actor_for(user, community),
            profile=MemberProfile.objects.get(community=community, user=user),
            interests=interests,
            location="Lisbon" if name == "bruno" else "",
            bio="Chasing galaxies from the Alentejo." if name == "bruno" else "",
            links=["https://bruno.example.com/astro"] if name == "bruno" else [],
            answers={question.pk: "Dark-sky site" if name == "bruno" else "City"},
        )
    return community, people


def test_two_members_find_each_other_by_interest_and_follow(
    live_server, new_context, shot_both, club
):
    community, people = club
    base = live_server.url
    ada = new_context().new_page()
    sign_in(ada, base, "ada", PASSWORD)

    # Ada fills in her profile: an interest from the list, her own one, the question.
    ada.goto(f"{base}/c/{SLUG}/profile/edit")
    ada.get_by_label("Astrophotography").check()
    ada.get_by_label("Your own interests").fill("Sketching the Moon")
    ada.get_by_label("Location").fill("Porto")
    ada.get_by_label("Where do you observe from?").select_option("Dark-sky site")
    ada.get_by_role("button", name="Save profile").click()
    expect(ada.get_by_text("Your profile is saved.")).to_be_visible()
    expect(ada.get_by_role("heading", name="Ada Lovelace")).to_be_visible()
    like_you = ada.locator(".members-like-you")
    expect(like_you.get_by_text("Bruno Costa")).to_be_visible()
    expect(like_you.get_by_text("Also into Astrophotography")).to_be_visible()

    # The directory, filtered by the shared interest, lists Bruno and not the others.
    ada.goto(f"{base}/c/{SLUG}/members/")
    expect(ada.locator(".directory-card")).to_have_count(len(NAMES) + 1)
    ada.get_by_label("Interest").select_option(value="astrophotography")
    ada.get_by_role("button", name="Find members").click()
    cards = ada.locator(".directory-card")
    expect(cards).to_have_count(2)  # Bruno and Ada herself
    expect(cards.filter(has_text="Bruno Costa").locator(".chip--shared")).to_have_text(
        "Astrophotography"
    )
    shot_both(ada, "members-directory")

    # Ada opens Bruno's profile and follows him.
    cards.filter(has_text="Bruno Costa").get_by_role("link").click()
    expect(ada.get_by_role("heading", name="Bruno Costa")).to_be_visible()
    expect(ada.get_by_text("Chasing galaxies from the Alentejo.")).to_be_visible()
    link = ada.get_by_role("link", name="bruno.example.com/astro")
    expect(link).to_have_attribute("rel", "nofollow ugc noopener")
    ada.get_by_role("button", name="Follow", exact=True).click()
    expect(ada.get_by_text("You follow Bruno Costa")).to_be_visible()
    expect(ada.get_by_role("button", name="Unfollow")).to_be_visible()
    assert Follow.objects.filter(follower=people["ada"], followed=people["bruno"]).exists()
    shot_both(ada, "members-profile")

    # She writes to him from his profile; he reads it and answers.
    ada.get_by_role("link", name="Message", exact=True).click()
    ada.get_by_label("Message").fill("Which site do you use in the Alentejo?")
    ada.get_by_role("button", name="Send").click()
    expect(ada.get_by_text("Message sent.")).to_be_visible()
    bruno = new_context().new_page()
    sign_in(bruno, base, "bruno", PASSWORD)
    bruno.goto(f"{base}/c/{SLUG}/messages/")
    bruno.locator("li.dm-row", has_text="Ada Lovelace").get_by_role("link").first.click()
    expect(bruno.get_by_text("Which site do you use in the Alentejo?")).to_be_visible()
    bruno.get_by_label("Reply").fill("Alqueva: join me next new moon!")
    bruno.get_by_role("button", name="Send").click()
    ada.reload()
    expect(ada.get_by_text("Alqueva: join me next new moon!")).to_be_visible()

    # Bruno starts a topic: it appears in Ada's following feed.
    discussion_services.topic_create(
        actor=actor_for(people["bruno"], community),
        category=Category.objects.get(community=community, slug="general"),
        title="Andromeda from a dark site, 40 × 30 s",
        body="Stacked in Siril.",
    )
    ada.goto(f"{base}/c/{SLUG}/")
    ada.locator(".members-like-you").get_by_role("link", name="Following feed").click()
    expect(ada.get_by_role("link", name=re.compile("Andromeda from a dark site"))).to_be_visible()
    shot_both(ada, "members-feed")

    # Her own profile shows "members like you" (phone width checked in the screenshot).
    ada.goto(f"{base}/c/{SLUG}/u/ada/")
    shot_both(ada, "members-own-profile")
