import pytest
from django.urls import reverse

from hearth.communities.models import Membership, StaffAction
from hearth.core.models import InteractionEvent
from hearth.trust.models import MemberTrust, TrustSettings

SETTINGS_URL = reverse("trust:settings", args=["garden"])


def trust_url(user):
    return reverse("trust:member", args=["garden", user.username])


def valid_settings(**changes):
    data = {
        f.name: getattr(TrustSettings(), f.name)
        for f in TrustSettings._meta.get_fields()
        if f.name not in ("community", "updated_at")
    }
    data["members_may_invite"] = "on" if data["members_may_invite"] else ""
    return {**data, **changes}


class TestSettingsPage:
    def test_the_owner_changes_a_threshold(self, client, owner, community):
        client.force_login(owner)
        response = client.post(SETTINGS_URL, valid_settings(tl2_replies=5))
        assert response.status_code == 302
        assert TrustSettings.objects.get(community=community).tl2_replies == 5
        line = StaffAction.objects.get(community=community, action="trust.settings")
        assert line.details == {"fields": ["tl2_replies"]}

    @pytest.mark.parametrize(
        "field, value, message",
        [
            ("tl1_posts_read", "-1", "greater than or equal to 0"),
            ("tl1_posts_read", "lots", "Enter a whole number"),
            ("tl3_days_visited_percent", "150", "less than or equal to 100"),
            ("tl3_window_days", "3", "greater than or equal to 7"),
            ("tl2_posts_read", "10", "Level 2 cannot need less than level 1 (30)"),
            ("new_max_links", "", "This field is required"),
        ],
    )
    def test_bad_input_is_shown_and_nothing_saved(
        self, client, owner, community, field, value, message
    ):
        client.force_login(owner)
        response = client.post(SETTINGS_URL, valid_settings(**{field: value}))
        assert response.status_code == 400
        assert message in response.content.decode()
        assert not TrustSettings.objects.filter(community=community).exists()

    @pytest.mark.parametrize("who, status", [("admin", 200), ("moderator", 403), ("member", 403)])
    def test_only_owners_and_admins(self, client, personas, who, status):
        client.force_login(personas[who])
        assert client.get(SETTINGS_URL).status_code == status
        assert client.post(SETTINGS_URL, valid_settings()).status_code in (status, 302)

    def test_a_moderator_cannot_save(self, client, moderator, community):
        client.force_login(moderator)
        assert client.post(SETTINGS_URL, valid_settings(tl2_replies=9)).status_code == 403
        assert not TrustSettings.objects.filter(community=community).exists()

    def test_outsiders_are_sent_away(self, client, outsider):
        client.force_login(outsider)
        assert client.get(SETTINGS_URL).status_code in (403, 404)


class TestProgressPage:
    def test_the_member_sees_their_level_and_progress(self, client, member, community):
        client.force_login(member)
        body = client.get(trust_url(member)).content.decode()
        assert "Your trust level" in body and "To reach level 2" in body
        assert "Replies" in body and "0/3" in body
        assert "Set the level" not in body

    def test_their_profile_links_to_it(self, client, member):
        client.force_login(member)
        body = client.get(reverse("communities:profile", args=["garden", "mel"])).content.decode()
        assert trust_url(member) in body and "Trust level 1" in body

    @pytest.mark.parametrize("who", ["newcomer", "outsider"])
    def test_other_people_do_not_see_it(self, client, personas, member, who):
        client.force_login(personas[who])
        assert client.get(trust_url(member)).status_code == 404
        profile = client.get(reverse("communities:profile", args=["garden", "mel"]))
        assert "Trust level" not in profile.content.decode()

    def test_anonymous_visitors_sign_in_first(self, client, member):
        assert client.get(trust_url(member)).status_code == 302

    def test_staff_see_it_and_the_form(self, client, moderator, member):
        client.force_login(moderator)
        body = client.get(trust_url(member)).content.decode()
        assert "Set the level" in body

    def test_query_count_is_flat(self, client, member, django_assert_max_num_queries):
        client.force_login(member)
        client.get(trust_url(member))
        with django_assert_max_num_queries(14):
            client.get(trust_url(member))


class TestSetLevel:
    def test_staff_grant_level_4_with_a_reason(self, client, moderator, member, community):
        client.force_login(moderator)
        response = client.post(
            trust_url(member), {"level": "4", "locked": "on", "reason": "Keeps things tidy"}
        )
        assert response.status_code == 302
        membership = Membership.objects.get(community=community, user=member)
        assert membership.trust_level == 4
        assert MemberTrust.objects.get(user=member).is_locked
        event = InteractionEvent.objects.get(verb="trust.level_changed", target_user=member)
        assert event.data == {"from": 1, "to": 4, "reason": "manual"} and event.actor == moderator
        line = StaffAction.objects.get(action="trust.level", target_user=member)
        assert line.reason == "Keeps things tidy" and line.actor == moderator

    @pytest.mark.parametrize(
        "data, message",
        [
            ({"level": "5", "reason": "x"}, "Select a valid choice"),
            ({"level": "two", "reason": "x"}, "Select a valid choice"),
            ({"level": "2", "reason": "  "}, "This field is required"),
            ({"level": "2", "reason": "x" * 501}, "at most 500 characters"),
        ],
    )
    def test_bad_input(self, client, moderator, member, community, data, message):
        client.force_login(moderator)
        response = client.post(trust_url(member), data)
        assert response.status_code == 400 and message in response.content.decode()
        assert Membership.objects.get(community=community, user=member).trust_level == 1
        assert not StaffAction.objects.filter(action="trust.level").exists()

    def test_a_member_cannot_set_their_own_level(self, client, member, community):
        client.force_login(member)
        response = client.post(trust_url(member), {"level": "4", "reason": "me"})
        assert response.status_code == 403
        assert Membership.objects.get(community=community, user=member).trust_level == 1

    def test_staff_cannot_set_their_own(self, client, moderator):
        client.force_login(moderator)
        assert "Set the level" not in client.get(trust_url(moderator)).content.decode()
        response = client.post(trust_url(moderator), {"level": "0", "reason": "x"})
        assert response.status_code == 403
