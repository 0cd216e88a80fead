"""The site chrome and the community home: the header's menus (what a visitor, a member and
staff see), the favicon, one member count everywhere, the rules card, newest members, the
membership menu and the folding welcome message."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from hearth.communities import selectors, services
from hearth.communities.models import Community, Membership, MembershipStatus, RulesVersion
from hearth.members.services import profile_for_membership
from hearth.onboarding import services as onboarding_services
from hearth.testing.factories import actor_for, user_factory

HOME = "/c/garden/"


def html_of(client, path=HOME):
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, start: str, end: str) -> str:
    """The markup between the first ``start`` and the next ``end`` after it."""
    i = html.index(start)
    return html[i : html.index(end, i)]


def join(community, username):
    user = user_factory(username=username)
    services.membership_join(
        actor=actor_for(user, community), community=community, accept_rules=True
    )
    return Membership.objects.get(community=community, user=user)


# Favicon -------------------------------------------------------------------------------


def test_favicon_ico_redirects_to_the_static_icon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"].endswith("hearth/favicon.svg")
    assert "max-age" in response["Cache-Control"]
    assert finders.find("hearth/favicon.svg")


def test_every_page_links_the_icon(client, community):
    for path in ("/", HOME):
        assert re.search(
            r'<link rel="icon" href="[^"]*favicon\.svg" type="image/svg\+xml">',
            html_of(client, path),
        )


def test_favicon_only_answers_get(client, db):
    assert client.post("/favicon.ico").status_code in (302, 405)


# Header menus ----------------------------------------------------------------------------

STAFF_LINKS = ("/c/garden/review", "/c/garden/manage/members/", "/c/garden/health/")


@pytest.mark.parametrize(
    "persona, sees",
    [
        ("anonymous", set()),
        ("outsider", set()),
        ("member", set()),
        ("moderator", {"Review", "Manage", "Health"}),
        ("admin", {"Review", "Manage", "Health"}),
        ("owner", {"Review", "Manage", "Health"}),
    ],
)
def test_staff_links_only_for_staff(client, personas, persona, sees):
    if personas[persona] is not None:
        client.force_login(personas[persona])
    html = html_of(client)
    shown = {name for name in ("Review", "Manage", "Health") if f">{name}</a>" in html}
    assert shown == sees
    # Staff pages sit in a "Staff" menu on the desktop row and under a label in the phone menu.
    assert ('class="menu staff-menu"' in html) == bool(sees)
    assert ('id="staff-menu-label"' in html) == bool(sees)
    for name in sees:
        assert html.count(f">{name}</a>") == 2  # desktop Staff menu + phone menu


def test_visitor_header_offers_sign_in_and_sign_up_and_no_user_menu(client, community):
    html = html_of(client)
    header = section(html, '<header class="site-header">', "</header>")
    assert ">Sign in</a>" in header and ">Sign up</a>" in header
    assert "user-menu" not in header and "Sign out" not in html
    # The community menu button has a name; each section is reachable from it.
    assert '<span class="visually-hidden">Garden Club menu</span>' in header
    for name in ("Home", "Discussions", "Rules", "Members", "Search"):
        assert f">{name}</a>" in section(header, 'class="menu__panel nav-menu__panel"', "</nav>")


def test_sign_out_lives_in_the_user_menu(client, member):
    client.force_login(member)
    html = html_of(client)
    menu = section(html, '<details class="menu user-menu" data-menu>', "</details>")
    assert re.search(r'<button class="menu__item" type="submit">Sign out</button>', menu)
    assert html.count("Sign out") == 1
    assert "account menu" in menu  # the avatar button is named
    assert 'href="/c/garden/u/mel/"' in menu and "/c/garden/notifications/preferences" in menu
    assert reverse("accounts:profile-edit") in menu


def test_aria_current_marks_the_open_section(client, community):
    html = html_of(client, "/c/garden/rules")
    assert html.count('href="/c/garden/rules" aria-current="page"') == 2  # row and menu
    assert 'href="/c/garden/" aria-current' not in html


def test_messages_tab_is_in_both_navs(client, member):
    client.force_login(member)
    html = html_of(client)
    assert html.count(">Messages") == 2


# One member count -------------------------------------------------------------------------


def test_home_and_directory_give_the_same_member_count(client, community, owner, outsider):
    stays = [join(community, f"m{i}") for i in range(4)]
    hidden = profile_for_membership(stays[0])
    hidden.hide_from_directory = True
    hidden.save()
    leaver = join(community, "lee")
    services.membership_leave(actor=actor_for(leaver.user, community))
    banned = join(community, "bob")
    services.membership_ban(actor=actor_for(owner, community), membership=banned, reason="Spam.")
    Membership.objects.create(community=community, user=outsider, status=MembershipStatus.PENDING)

    active = Membership.objects.filter(community=community, status=MembershipStatus.ACTIVE).count()
    assert active == 5  # the owner and four who stayed
    assert selectors.member_count(Community.objects.get(pk=community.pk)) == active

    for viewer in (None, owner):
        if viewer is not None:
            client.force_login(viewer)
        home = html_of(client)
        directory = html_of(client, "/c/garden/members/")
        assert f">{active} members</a>" in home
        count = section(directory, 'class="meta directory__count"', "</p>")
        assert f"{active} members · 1 not listed here" in count


def test_filtered_directory_counts_its_matches(client, community, owner):
    join(community, "alma")
    client.force_login(owner)
    count = section(html_of(client, "/c/garden/members/?q=alm"), "directory__count", "</p>")
    assert "1 member" in count and "not listed" not in count


# The home's cards ------------------------------------------------------------------------


def test_rules_card_lists_each_rule_headline(client, community):
    RulesVersion.objects.filter(community=community).update(
        text="Intro line.\n\n1. **Be kind.** Never attack people.\n"
        "2. **No spam or self-promotion** outside Showcase.\n"
        "- Keep it [on topic](https://example.com) and *search* first\n\nThanks."
    )
    html = html_of(client)
    card = section(html, 'id="about-rules"', "</section>")
    assert re.findall(r"<li>(.*?)</li>", card) == [
        "Be kind",
        "No spam or self-promotion",
        "Keep it on topic and search first",
    ]
    assert "Read all the rules" in card


def test_rules_without_a_list_give_no_headlines(community):
    rules = RulesVersion(community=community, version=9, text="Be nice. That is all.")
    assert selectors.rules_headlines(rules) == []
    assert selectors.rules_headlines(None) == []


def test_newest_members_show_names_and_respect_privacy(client, community, owner):
    join(community, "ana")
    shy = join(community, "shy")
    profile = profile_for_membership(shy)
    profile.hide_from_non_members = True
    profile.save()
    card = section(html_of(client), 'id="newest-heading"', "</section>")
    assert '<span class="person__name">Ana</span>' in card and "Shy" not in card
    client.force_login(owner)
    card = section(html_of(client), 'id="newest-heading"', "</section>")
    assert "Shy" in card


def test_staff_pills_are_spaced_from_names(client, community, admin):
    card = section(html_of(client), 'id="staff-heading"', "</section>")
    assert (
        '<span class="person__name">Adam</span> <span class="role-badge role-badge--admin">' in card
    )


# Membership menu and the newcomer's first screen -----------------------------------------


def test_leave_is_inside_the_membership_menu(client, member):
    client.force_login(member)
    html = html_of(client)
    menu = section(html, '<details class="menu member-menu" data-menu>', "</details>")
    assert 'href="/c/garden/leave"' in menu and "Leave this community" in menu
    assert html.count('href="/c/garden/leave"') == 1
    assert re.search(r"You(&#x27;|&#39;|')re a member", menu)


def test_visitors_have_no_membership_menu(client, community):
    html = html_of(client)
    assert "member-menu" not in html and "/c/garden/leave" not in html


def test_welcome_message_is_open_once_then_folded(client, community, owner, newcomer):
    onboarding_services.welcome_message_save(
        actor=actor_for(owner, community),
        body="Hello and welcome!",
        show_on_first_visit=True,
        send_as_message=False,
    )
    client.force_login(newcomer)
    first = html_of(client)
    assert '<details class="welcome-card__message" open>' in first
    again = html_of(client)
    assert '<details class="welcome-card__message">' in again
    assert "Hello and welcome!" in again  # folded, not gone


# Profiles: staff show their role, not a trust level --------------------------------------


def test_staff_profile_shows_the_role_not_a_trust_level(client, community, owner, admin, member):
    client.force_login(owner)
    staff_page = html_of(client, "/c/garden/u/adam/")
    assert "role-badge--admin" in staff_page and "Trust level" not in staff_page
    member_page = html_of(client, "/c/garden/u/mel/")
    assert "Trust level 1" in member_page
    trust_page = html_of(client, "/c/garden/u/adam/trust/")
    assert "Staff are not limited by trust levels" in trust_page
