import re

import pytest
from django.test import Client
from django.urls import reverse

from hearth.communities import services
from hearth.communities.forms import STARTER_RULES
from hearth.communities.models import (
    Community,
    JoinPolicy,
    Membership,
    MembershipStatus,
    Role,
    Visibility,
)
from hearth.communities.selectors import current_rules
from hearth.testing.factories import (
    actor_for,
    community_factory,
    image_upload,
    membership_factory,
    user_factory,
)
from hearth.testing.uploads import UPLOAD_FAILED, disk_full, stored_files


def url(name, community, *args):
    return reverse(f"communities:{name}", args=[community.slug, *args])


@pytest.fixture
def as_user(client):
    def login(user):
        client.force_login(user)
        return client

    return login


class TestHome:
    def test_public_home_renders_brand(self, client, community):
        response = client.get(url("home", community))
        assert response.status_code == 200
        body = response.content.decode()
        assert "Garden Club" in body and "--accent:#2f6f4e" in body
        assert "Join this community" in body

    def test_unknown_and_private_communities_look_alike(self, client, owner):
        private = community_factory(
            owner=owner, visibility=Visibility.PRIVATE, name="Secret Society"
        )
        missing = client.get("/c/no-such-thing/")
        hidden = client.get(url("home", private))
        assert missing.status_code == hidden.status_code == 404
        assert "Secret Society" not in hidden.content.decode()

    def test_private_rules_members_and_profiles_are_hidden(self, client, owner, outsider):
        private = community_factory(owner=owner, visibility=Visibility.PRIVATE)
        client.force_login(outsider)
        for name, args in [
            ("rules", []),
            ("members", []),
            ("profile", [owner.username]),
            ("join", []),
        ]:
            assert client.get(url(name, private, *args)).status_code == 404

    def test_banned_member_sees_the_reason(self, as_user, community, banned):
        body = as_user(banned).get(url("home", community)).content.decode()
        assert "Spam in every category." in body

    def test_stale_rules_banner(self, as_user, community, owner, member):
        services.rules_update(actor=actor_for(owner, community), text="New rules")
        body = as_user(member).get(url("home", community)).content.decode()
        assert "The rules have changed" in body

    def test_home_query_count_is_flat(self, client, community, django_assert_max_num_queries):
        for _ in range(3):
            membership_factory(community)
        # Community, rules, categories, topics, staff, newest members, spotlight, highlights…
        with django_assert_max_num_queries(10) as small:
            client.get(url("home", community))
        for _ in range(30):
            membership_factory(community)
        with django_assert_max_num_queries(len(small.captured_queries)):
            client.get(url("home", community))


class TestJoinView:
    def test_anonymous_is_sent_to_the_landing_page(self, client, community):
        response = client.get(url("join", community) + "?source=newsletter")
        assert response.status_code == 302
        assert response["Location"] == f"/c/{community.slug}/welcome?source=newsletter"

    def test_join_records_source_from_link(self, as_user, community, outsider):
        c = as_user(outsider)
        c.get(url("home", community) + "?utm_source=instagram&utm_campaign=spring")
        response = c.post(url("join", community), {"accept_rules": "on"})
        assert response.status_code == 302
        membership = Membership.objects.get(community=community, user=outsider)
        assert (membership.source, membership.campaign) == ("instagram", "spring")

    def test_join_without_accepting_rules_shows_error(self, as_user, community, outsider):
        response = as_user(outsider).post(url("join", community), {})
        assert response.status_code == 200
        assert "Accept the rules to join." in response.content.decode()
        assert not Membership.objects.filter(user=outsider).exists()

    def test_joining_twice_shows_message(self, as_user, community, member):
        response = as_user(member).post(url("join", community), {"accept_rules": "on"})
        assert "already a member" in response.content.decode()

    def test_banned_rejoin_is_refused(self, as_user, community, banned):
        response = as_user(banned).post(url("join", community), {"accept_rules": "on"})
        assert "cannot rejoin" in response.content.decode()
        assert (
            Membership.objects.get(user=banned, community=community).status
            == MembershipStatus.BANNED
        )

    def test_private_with_valid_invite_link(self, as_user, owner, outsider):
        private = community_factory(
            owner=owner, visibility=Visibility.PRIVATE, join_policy=JoinPolicy.INVITE
        )
        invite = services.invite_create(actor=actor_for(owner, private), source="email")
        c = as_user(outsider)
        assert c.get(url("join", private) + f"?invite={invite.code}").status_code == 200
        response = c.post(url("join", private), {"accept_rules": "on", "invite_code": invite.code})
        assert response.status_code == 302
        assert Membership.objects.get(community=private, user=outsider).is_active

    def test_private_with_wrong_invite_is_404(self, as_user, owner, outsider):
        private = community_factory(owner=owner, visibility=Visibility.PRIVATE)
        response = as_user(outsider).get(url("join", private) + "?invite=wrong")
        assert response.status_code == 404

    def test_invite_only_with_wrong_code_shows_error(self, as_user, owner, outsider):
        closed = community_factory(owner=owner, join_policy=JoinPolicy.INVITE)
        response = as_user(outsider).post(
            url("join", closed), {"accept_rules": "on", "invite_code": "bogus"}
        )
        assert response.status_code == 200
        assert "not valid" in response.content.decode()
        assert not Membership.objects.filter(user=outsider).exists()

    def test_double_submit_creates_one_membership(self, as_user, community, outsider):
        c = as_user(outsider)
        c.post(url("join", community), {"accept_rules": "on"})
        c.post(url("join", community), {"accept_rules": "on"})
        assert Membership.objects.filter(community=community, user=outsider).count() == 1
        community.refresh_from_db()
        assert community.member_count == 2

    def test_csrf_is_enforced(self, community, outsider):
        c = Client(enforce_csrf_checks=True)
        c.force_login(outsider)
        response = c.post(url("join", community), {"accept_rules": "on"})
        assert response.status_code == 403
        assert not Membership.objects.filter(user=outsider).exists()


class TestRulesAndLeave:
    def test_member_reaccepts_rules(self, as_user, community, owner, member):
        services.rules_update(actor=actor_for(owner, community), text="v2")
        c = as_user(member)
        assert c.post(url("rules", community), {"accept_rules": "1"}).status_code == 302
        assert Membership.objects.get(user=member, community=community).rules_version_accepted == 2

    def test_outsider_cannot_accept_rules(self, as_user, community, outsider):
        assert (
            as_user(outsider).post(url("rules", community), {"accept_rules": "1"}).status_code
            == 403
        )

    def test_last_owner_cannot_leave(self, as_user, community, owner):
        response = as_user(owner).post(url("leave", community))
        assert response.status_code == 403
        assert "only owner" in response.content.decode()

    def test_member_leaves(self, as_user, community, member):
        assert as_user(member).post(url("leave", community)).status_code == 302
        assert (
            Membership.objects.get(user=member, community=community).status == MembershipStatus.LEFT
        )


class TestStaffPages:
    PAGES = ["manage-members", "manage-requests", "manage-log"]
    ADMIN_PAGES = ["manage-settings", "manage-rules", "manage-invites"]

    @pytest.mark.parametrize(
        "persona, status", [("member", 403), ("newcomer", 403), ("banned", 403), ("outsider", 403)]
    )
    def test_non_staff_are_refused(self, as_user, community, personas, persona, status):
        c = as_user(personas[persona])
        for name in self.PAGES + self.ADMIN_PAGES:
            assert c.get(url(name, community)).status_code == status, name

    def test_anonymous_is_sent_to_login(self, client, community):
        assert client.get(url("manage-members", community)).status_code == 302

    def test_moderator_sees_members_but_not_settings(self, as_user, community, moderator):
        c = as_user(moderator)
        for name in self.PAGES:
            assert c.get(url(name, community)).status_code == 200, name
        for name in self.ADMIN_PAGES:
            assert c.get(url(name, community)).status_code == 403, name

    def test_owner_sees_everything(self, as_user, community, owner, personas):
        c = as_user(owner)
        for name in self.PAGES + self.ADMIN_PAGES:
            assert c.get(url(name, community)).status_code == 200, name

    def test_member_list_query_count_is_flat(
        self, as_user, community, owner, django_assert_max_num_queries
    ):
        c = as_user(owner)
        for _ in range(3):
            membership_factory(community)
        with django_assert_max_num_queries(30) as few:
            c.get(url("manage-members", community))
        for _ in range(25):
            membership_factory(community)
        # Per-row policy flags must not query: the same count for 4 or 29 rows, give or take the
        # last-owner check that only the owner's own row makes.
        with django_assert_max_num_queries(len(few.captured_queries)):
            c.get(url("manage-members", community))

    def test_approve_via_htmx(self, as_user, owner):
        community = community_factory(owner=owner, join_policy=JoinPolicy.APPROVAL)
        pending = services.membership_join(
            actor=actor_for(user_factory(), community), community=community, accept_rules=True
        )
        response = as_user(owner).post(
            url("request-approve", community, pending.pk), HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 200
        assert "is now a member" in response.content.decode()
        pending.refresh_from_db()
        assert pending.status == MembershipStatus.ACTIVE

    def test_approve_needs_post(self, as_user, owner):
        community = community_factory(owner=owner, join_policy=JoinPolicy.APPROVAL)
        pending = services.membership_join(
            actor=actor_for(user_factory(), community), community=community, accept_rules=True
        )
        assert as_user(owner).get(url("request-approve", community, pending.pk)).status_code == 405

    def test_cannot_act_on_another_communitys_member(self, as_user, community, owner):
        other = community_factory()
        stranger = membership_factory(other)
        c = as_user(owner)
        assert c.post(url("member-ban", community, stranger.pk), {"reason": "x"}).status_code == 404
        assert (
            c.post(url("member-role", community, stranger.pk), {"role": "admin"}).status_code == 404
        )
        stranger.refresh_from_db()
        assert stranger.is_active and stranger.role == Role.MEMBER

    def test_moderator_cannot_ban_owner(self, as_user, community, owner, moderator):
        target = Membership.objects.get(community=community, user=owner)
        response = as_user(moderator).post(
            url("member-ban", community, target.pk), {"reason": "coup"}
        )
        assert response.status_code == 403
        target.refresh_from_db()
        assert target.is_active

    def test_ban_without_reason_shows_error(self, as_user, community, moderator, member):
        target = Membership.objects.get(community=community, user=member)
        response = as_user(moderator).post(url("member-ban", community, target.pk), {"reason": ""})
        assert response.status_code == 200
        assert "This field is required" in response.content.decode()
        target.refresh_from_db()
        assert target.is_active

    def test_role_change_by_admin_and_invalid_role(self, as_user, community, admin, member):
        target = Membership.objects.get(community=community, user=member)
        c = as_user(admin)
        c.post(url("member-role", community, target.pk), {"role": "emperor"})
        target.refresh_from_db()
        assert target.role == Role.MEMBER
        c.post(url("member-role", community, target.pk), {"role": "owner"})
        target.refresh_from_db()
        assert target.role == Role.MEMBER
        c.post(url("member-role", community, target.pk), {"role": "moderator"})
        target.refresh_from_db()
        assert target.role == Role.MODERATOR

    def test_settings_bad_colour_and_logo(self, as_user, community, owner):
        response = as_user(owner).post(
            url("manage-settings", community),
            {
                "name": "Garden",
                "accent_color": "nope",
                "join_policy": "open",
                "visibility": "public",
                "logo": image_upload("x.png", fmt="GIF"),
            },
        )
        assert response.status_code == 200
        assert "six hex digits" in response.content.decode()
        community.refresh_from_db()
        assert community.name == "Garden Club"

    def test_settings_logo_on_a_full_disk(self, as_user, community, owner):
        with disk_full():
            response = as_user(owner).post(
                url("manage-settings", community),
                {
                    "name": "Renamed",
                    "accent_color": "#2f6f4e",
                    "join_policy": "open",
                    "visibility": "public",
                    "logo": image_upload("logo.png"),
                },
            )
        assert response.status_code == 200
        assert UPLOAD_FAILED in response.content.decode()
        community.refresh_from_db()
        assert community.name == "Garden Club" and not community.logo
        assert stored_files() == []

    def test_staff_log_lists_actions(self, as_user, community, owner, member):
        target = Membership.objects.get(community=community, user=member)
        services.membership_ban(
            actor=actor_for(owner, community), membership=target, reason="Rule 3"
        )
        body = as_user(owner).get(url("manage-log", community)).content.decode()
        assert "Removed a member" in body and "Rule 3" in body


class TestWizard:
    def _post(self, client, **overrides):
        data = {
            "name": "Birders",
            "slug": "birders",
            "tagline": "Birds",
            "accent_color": "#336699",
            "rules": "Be kind",
            "join_policy": "open",
            "visibility": "public",
        }
        data.update(overrides)
        return client.post(reverse("core:community-new"), data)

    def test_creates_and_redirects(self, as_user, outsider):
        response = self._post(as_user(outsider))
        assert response.status_code == 302 and response["Location"] == "/c/birders/"
        assert Membership.objects.get(community__slug="birders", user=outsider).role == Role.OWNER

    def test_requires_login(self, client, db):
        assert client.get(reverse("core:community-new")).status_code == 302

    def test_the_rules_box_starts_with_a_template(self, as_user, outsider):
        form = as_user(outsider).get(reverse("core:community-new")).context["form"]
        rules = form["rules"].value()
        assert rules == str(STARTER_RULES)
        for rule in ("Be kind", "Stay on topic", "self-promotion", "privacy", "staff"):
            assert rule in rules

    def test_a_community_created_with_the_template_gets_those_rules(self, as_user, outsider):
        response = self._post(as_user(outsider), rules=str(STARTER_RULES))
        assert response.status_code == 302
        community = Community.objects.get(slug="birders")
        rules = current_rules(community)
        assert rules.version == 1 and rules.text == str(STARTER_RULES).strip()
        # Markdown: five numbered rules, each with a bold lead.
        assert rules.html.count("<li>") == 5 and "<strong>Be kind.</strong>" in rules.html
        page = as_user(outsider).get(reverse("communities:rules", args=[community.slug]))
        html = page.content.decode()
        assert "<strong>Respect privacy.</strong>" in html

    def test_the_colour_input_has_no_maxlength_or_required(self, as_user, outsider):
        html = as_user(outsider).get(reverse("core:community-new")).content.decode()
        colour = re.search(r"<input type=\"color\"[^>]*>", html).group(0)
        assert "maxlength" not in colour and "required" not in colour
        assert 'value="#2f6f4e"' in colour
        # A refused colour is explained, not put back into the input (invalid there).
        html = self._post(as_user(outsider), accent_color="blue").content.decode()
        colour = re.search(r"<input type=\"color\"[^>]*>", html).group(0)
        assert "blue" not in colour and "six hex digits" in html

    @pytest.mark.parametrize(
        "overrides, message",
        [
            ({"slug": "admin"}, "reserved"),
            ({"slug": "Big Birds"}, "lowercase"),
            ({"accent_color": "blue"}, "six hex digits"),
            ({"rules": "   "}, "This field is required"),
            ({"join_policy": "whatever"}, "Select a valid choice"),
        ],
    )
    def test_bad_input_shows_message_and_creates_nothing(
        self, as_user, outsider, overrides, message
    ):
        response = self._post(as_user(outsider), **overrides)
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not Community.objects.exists()

    def test_oversize_logo(self, as_user, outsider, settings):
        settings.HEARTH_MAX_UPLOAD_BYTES = 1000
        c = as_user(outsider)
        response = c.post(
            reverse("core:community-new"),
            {
                "name": "Birders",
                "slug": "birders",
                "accent_color": "#336699",
                "rules": "Be kind",
                "join_policy": "open",
                "visibility": "public",
                "logo": image_upload("big.png", size=(400, 400)),
            },
        )
        assert response.status_code == 200
        assert "the limit is" in response.content.decode()
        assert not Community.objects.exists()

    def test_logo_on_a_full_disk(self, as_user, outsider):
        with disk_full():
            response = self._post(as_user(outsider), logo=image_upload("logo.png"))
        assert response.status_code == 200
        assert UPLOAD_FAILED in response.content.decode()
        assert not Community.objects.exists()
        assert stored_files() == []

    def test_slug_check(self, as_user, community, outsider):
        c = as_user(outsider)
        assert (
            "already taken"
            in c.get(reverse("core:slug-check"), {"slug": "garden"}).content.decode()
        )
        assert (
            "Available" in c.get(reverse("core:slug-check"), {"slug": "free-one"}).content.decode()
        )


def test_platform_home_lists_public_only(client, community, owner):
    community_factory(owner=owner, visibility=Visibility.PRIVATE, name="Hidden Hollow")
    body = client.get("/").content.decode()
    assert "Garden Club" in body and "Hidden Hollow" not in body


def test_platform_home_query_count_is_flat(client, db, django_assert_max_num_queries):
    for _ in range(2):
        community_factory()
    with django_assert_max_num_queries(6) as few:
        client.get("/")
    for _ in range(10):
        community_factory()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/")


def test_times_show_in_the_viewers_time_zone(client, community, owner):
    from datetime import UTC, datetime

    from hearth.communities.models import StaffAction

    StaffAction.objects.filter(community=community).update(
        created_at=datetime(2026, 1, 15, 23, 30, tzinfo=UTC)
    )
    owner.time_zone = "Asia/Tokyo"
    owner.save()
    client.force_login(owner)
    body = client.get("/c/garden/manage/log/").content.decode()
    assert "2026-01-16T08:30:00+09:00" in body
