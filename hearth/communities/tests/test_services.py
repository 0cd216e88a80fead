from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from hearth.communities import services
from hearth.communities.models import (
    Community,
    Invite,
    JoinPolicy,
    Membership,
    MembershipStatus,
    Role,
    RulesVersion,
    StaffAction,
    Visibility,
)
from hearth.core.models import InteractionEvent
from hearth.testing.factories import actor_for, community_factory, image_upload, user_factory


def _create(user, **overrides):
    fields = {"name": "Birders", "slug": "birders", "rules": "Be kind."}
    fields.update(overrides)
    return services.community_create(user=user, **fields)


class TestCommunityCreate:
    def test_creator_becomes_owner_with_rules_v1(self, db):
        user = user_factory()
        community = _create(user, tagline="Birds!", accent_color="#AABBCC", join_questions=["Why?"])
        membership = Membership.objects.get(community=community, user=user)
        assert membership.role == Role.OWNER
        assert membership.status == MembershipStatus.ACTIVE
        assert membership.rules_version_accepted == 1
        assert community.accent_color == "#aabbcc"
        assert community.member_count == 1
        assert RulesVersion.objects.get(community=community).html.startswith("<p>Be kind.")
        assert StaffAction.objects.filter(community=community, action="community.create").exists()
        assert InteractionEvent.objects.filter(community=community, verb="member.join").count() == 1

    @pytest.mark.parametrize(
        "slug",
        [
            "new",
            "admin",
            "api",
            "static",
            "Birders",
            "bird ers",
            "vögel",
            "-birds",
            "birds-",
            "a--b",
            "",
            "x" * 49,
        ],
    )
    def test_rejects_bad_or_reserved_slugs(self, db, slug):
        with pytest.raises(ValidationError) as exc:
            _create(user_factory(), slug=slug)
        assert "slug" in exc.value.message_dict
        assert not Community.objects.exists()

    def test_rejects_duplicate_slug(self, db):
        _create(user_factory())
        with pytest.raises(ValidationError) as exc:
            _create(user_factory())
        assert "already taken" in exc.value.message_dict["slug"][0]
        assert Community.objects.count() == 1

    @pytest.mark.parametrize("color", ["red", "#12345", "#1234567", "#GGGGGG", "", "javascript:1"])
    def test_rejects_invalid_colour(self, db, color):
        with pytest.raises(ValidationError) as exc:
            _create(user_factory(), accent_color=color)
        assert "accent_color" in exc.value.message_dict

    @pytest.mark.parametrize("rules", ["", "   \n\t "])
    def test_rejects_empty_rules(self, db, rules):
        with pytest.raises(ValidationError) as exc:
            _create(user_factory(), rules=rules)
        assert "rules" in exc.value.message_dict
        assert not Membership.objects.exists()

    @pytest.mark.parametrize(
        "field, value", [("name", "n" * 81), ("name", "  "), ("tagline", "t" * 161)]
    )
    def test_rejects_overlong_or_empty_text(self, db, field, value):
        with pytest.raises(ValidationError) as exc:
            _create(user_factory(), **{field: value})
        assert field in exc.value.message_dict
        assert not Community.objects.exists()

    def test_rejects_more_than_five_join_questions(self, db):
        with pytest.raises(ValidationError) as exc:
            _create(user_factory(), join_questions=[f"Q{i}" for i in range(6)])
        assert "join_questions" in exc.value.message_dict

    def test_rejects_non_image_logo(self, db):
        fake = image_upload("logo.png")
        fake.file.seek(0)
        fake.file.write(b"this is not a png at all")
        fake.file.truncate()
        with pytest.raises(ValidationError) as exc:
            _create(user_factory(), logo=fake)
        assert "logo" in exc.value.message_dict
        assert not Community.objects.exists()

    def test_logo_is_reencoded(self, db):
        community = _create(user_factory(), logo=image_upload("logo.png", size=(2000, 1000)))
        assert community.logo.name.startswith("logos/")
        from PIL import Image

        with Image.open(community.logo.path) as img:
            assert max(img.size) == 512

    def test_rules_markdown_is_sanitised(self, db):
        community = _create(
            user_factory(), rules="Hi <script>alert(1)</script> [x](javascript:alert(1))"
        )
        html = RulesVersion.objects.get(community=community).html
        assert "<script" not in html
        assert 'href="javascript' not in html


class TestJoin:
    def test_open_join_records_rules_version_source_and_event(self, community):
        user = user_factory()
        membership = services.membership_join(
            actor=actor_for(user, community),
            community=community,
            accept_rules=True,
            source="newsletter",
        )
        assert membership.status == MembershipStatus.ACTIVE
        assert membership.rules_version_accepted == community.rules_version
        assert membership.source == "newsletter"
        event = InteractionEvent.objects.get(community=community, actor=user, verb="member.join")
        assert event.data["source"] == "newsletter"
        community.refresh_from_db()
        assert community.member_count == 2

    def test_join_requires_accepting_rules(self, community):
        user = user_factory()
        with pytest.raises(ValidationError) as exc:
            services.membership_join(
                actor=actor_for(user, community), community=community, accept_rules=False
            )
        assert "accept_rules" in exc.value.message_dict
        assert not Membership.objects.filter(user=user).exists()

    def test_joining_twice_is_refused(self, community, member):
        with pytest.raises(PermissionDenied, match="already a member"):
            services.membership_join(
                actor=actor_for(member, community), community=community, accept_rules=True
            )
        community.refresh_from_db()
        assert Membership.objects.filter(community=community, user=member).count() == 1

    def test_banned_member_cannot_rejoin(self, community, banned):
        with pytest.raises(PermissionDenied, match="cannot rejoin"):
            services.membership_join(
                actor=actor_for(banned, community), community=community, accept_rules=True
            )
        assert (
            Membership.objects.get(community=community, user=banned).status
            == MembershipStatus.BANNED
        )

    def test_approval_creates_pending_request_with_answers(self, owner):
        community = community_factory(
            owner=owner, join_policy=JoinPolicy.APPROVAL, join_questions=["Camera?"]
        )
        user = user_factory()
        membership = services.membership_join(
            actor=actor_for(user, community), community=community, accept_rules=True, answers=["X2"]
        )
        assert membership.status == MembershipStatus.PENDING
        assert membership.join_answers == [{"question": "Camera?", "answer": "X2"}]
        assert InteractionEvent.objects.filter(verb="member.request", actor=user).exists()

    @pytest.mark.parametrize("answers", [[], [""], ["  "], ["a", "b"], ["x" * 1001]])
    def test_approval_requires_every_answer(self, owner, answers):
        community = community_factory(
            owner=owner, join_policy=JoinPolicy.APPROVAL, join_questions=["Camera?"]
        )
        user = user_factory()
        with pytest.raises(ValidationError) as exc:
            services.membership_join(
                actor=actor_for(user, community),
                community=community,
                accept_rules=True,
                answers=answers,
            )
        assert "answers" in exc.value.message_dict
        assert not Membership.objects.filter(user=user).exists()

    def test_invite_only_without_code_is_refused(self, owner):
        community = community_factory(owner=owner, join_policy=JoinPolicy.INVITE)
        with pytest.raises(PermissionDenied, match="invite only"):
            services.membership_join(
                actor=actor_for(user_factory(), community), community=community, accept_rules=True
            )

    def test_private_without_code_is_refused(self, owner):
        community = community_factory(owner=owner, visibility=Visibility.PRIVATE)
        with pytest.raises(PermissionDenied, match="private"):
            services.membership_join(
                actor=actor_for(user_factory(), community), community=community, accept_rules=True
            )

    def test_valid_invite_admits_and_counts_a_use(self, owner):
        community = community_factory(
            owner=owner, join_policy=JoinPolicy.INVITE, visibility=Visibility.PRIVATE
        )
        invite = services.invite_create(
            actor=actor_for(owner, community), source="podcast", max_uses=2
        )
        user = user_factory()
        membership = services.membership_join(
            actor=actor_for(user, community),
            community=community,
            accept_rules=True,
            invite_code=invite.code,
        )
        assert membership.status == MembershipStatus.ACTIVE
        assert membership.source == "podcast"
        assert membership.invite == invite
        invite.refresh_from_db()
        assert invite.use_count == 1

    @pytest.mark.parametrize("state", ["wrong", "used_up", "revoked", "expired", "other_community"])
    def test_bad_invite_codes_are_refused(self, owner, state):
        community = community_factory(owner=owner, join_policy=JoinPolicy.INVITE)
        invite = services.invite_create(actor=actor_for(owner, community), max_uses=1)
        code = invite.code
        if state == "wrong":
            code = "nope-nope"
        elif state == "used_up":
            Invite.objects.filter(pk=invite.pk).update(use_count=1)
        elif state == "revoked":
            Invite.objects.filter(pk=invite.pk).update(revoked_at=timezone.now())
        elif state == "expired":
            Invite.objects.filter(pk=invite.pk).update(
                expires_at=timezone.now() - timedelta(minutes=1)
            )
        elif state == "other_community":
            other = community_factory(owner=owner)
            code = services.invite_create(actor=actor_for(owner, other)).code
        user = user_factory()
        with pytest.raises((ValidationError, PermissionDenied)):
            services.membership_join(
                actor=actor_for(user, community),
                community=community,
                accept_rules=True,
                invite_code=code,
            )
        assert not Membership.objects.filter(user=user).exists()

    def test_rejoin_after_leaving(self, community, member):
        services.membership_leave(actor=actor_for(member, community))
        membership = services.membership_join(
            actor=actor_for(member, community), community=community, accept_rules=True
        )
        assert membership.status == MembershipStatus.ACTIVE
        assert Membership.objects.filter(community=community, user=member).count() == 1


class TestLeave:
    def test_member_leaves_and_event_is_recorded(self, community, member):
        services.membership_leave(actor=actor_for(member, community))
        assert (
            Membership.objects.get(community=community, user=member).status == MembershipStatus.LEFT
        )
        assert InteractionEvent.objects.filter(verb="member.leave", actor=member).exists()

    def test_last_owner_cannot_leave(self, community, owner):
        with pytest.raises(PermissionDenied, match="only owner"):
            services.membership_leave(actor=actor_for(owner, community))
        assert (
            Membership.objects.get(community=community, user=owner).status
            == MembershipStatus.ACTIVE
        )


class TestRules:
    def test_new_version_requires_reacceptance(self, community, owner, member):
        services.rules_update(actor=actor_for(owner, community), text="1. Be kinder.")
        community.refresh_from_db()
        assert community.rules_version == 2
        assert not actor_for(owner, community).needs_rules_acceptance
        member_actor = actor_for(member, community)
        assert member_actor.needs_rules_acceptance
        services.membership_accept_rules(actor=member_actor)
        assert not actor_for(member, community).needs_rules_acceptance
        assert RulesVersion.objects.filter(community=community).count() == 2

    def test_unchanged_text_makes_no_new_version(self, community, owner):
        text = RulesVersion.objects.get(community=community).text
        services.rules_update(actor=actor_for(owner, community), text=text)
        community.refresh_from_db()
        assert community.rules_version == 1

    def test_empty_rules_are_refused(self, community, owner):
        with pytest.raises(ValidationError):
            services.rules_update(actor=actor_for(owner, community), text="  ")

    def test_moderator_cannot_edit_rules(self, community, moderator):
        with pytest.raises(PermissionDenied):
            services.rules_update(actor=actor_for(moderator, community), text="Anarchy")


class TestStaffActions:
    def test_approve_and_decline(self, owner):
        community = community_factory(owner=owner, join_policy=JoinPolicy.APPROVAL)
        a, b = user_factory(), user_factory()
        ma = services.membership_join(
            actor=actor_for(a, community), community=community, accept_rules=True
        )
        mb = services.membership_join(
            actor=actor_for(b, community), community=community, accept_rules=True
        )
        staff = actor_for(owner, community)
        services.join_request_approve(actor=staff, membership=ma)
        services.join_request_decline(actor=staff, membership=mb)
        ma.refresh_from_db()
        mb.refresh_from_db()
        assert ma.status == MembershipStatus.ACTIVE and ma.joined_at is not None
        assert mb.status == MembershipStatus.DECLINED
        actions = set(
            StaffAction.objects.filter(community=community).values_list("action", flat=True)
        )
        assert {"request.approve", "request.decline"} <= actions
        with pytest.raises(PermissionDenied, match="already been handled"):
            services.join_request_approve(actor=staff, membership=ma)

    def test_moderator_cannot_approve(self, owner):
        community = community_factory(owner=owner, join_policy=JoinPolicy.APPROVAL)
        mod = user_factory()
        Membership.objects.create(
            community=community, user=mod, role=Role.MODERATOR, rules_version_accepted=1
        )
        pending = services.membership_join(
            actor=actor_for(user_factory(), community), community=community, accept_rules=True
        )
        with pytest.raises(PermissionDenied):
            services.join_request_approve(actor=actor_for(mod, community), membership=pending)
        pending.refresh_from_db()
        assert pending.status == MembershipStatus.PENDING

    def test_role_change_is_logged_and_recorded(self, community, owner, member):
        membership = Membership.objects.get(community=community, user=member)
        services.membership_set_role(
            actor=actor_for(owner, community), membership=membership, role=Role.MODERATOR
        )
        membership.refresh_from_db()
        assert membership.role == Role.MODERATOR
        log = StaffAction.objects.get(community=community, action="member.role")
        assert log.details == {"from": "member", "to": "moderator"} and log.target_user == member
        assert InteractionEvent.objects.filter(
            verb="member.role_change", target_user=member
        ).exists()

    def test_member_cannot_change_roles(self, community, member, newcomer):
        target = Membership.objects.get(community=community, user=newcomer)
        with pytest.raises(PermissionDenied):
            services.membership_set_role(
                actor=actor_for(member, community), membership=target, role=Role.ADMIN
            )
        target.refresh_from_db()
        assert target.role == Role.MEMBER

    def test_ban_needs_reason_and_is_shown(self, community, moderator, member):
        target = Membership.objects.get(community=community, user=member)
        with pytest.raises(ValidationError):
            services.membership_ban(
                actor=actor_for(moderator, community), membership=target, reason=" "
            )
        services.membership_ban(
            actor=actor_for(moderator, community), membership=target, reason="Rule 1"
        )
        target.refresh_from_db()
        assert target.status == MembershipStatus.BANNED and target.ban_reason == "Rule 1"
        assert StaffAction.objects.filter(action="member.ban", reason="Rule 1").exists()
        assert InteractionEvent.objects.filter(verb="member.ban", target_user=member).exists()
        banned_actor = actor_for(member, community)
        assert banned_actor.is_banned and not banned_actor.is_member

    @pytest.mark.parametrize("target", ["admin", "owner"])
    def test_moderator_cannot_ban_admin_or_owner(self, community, moderator, personas, target):
        membership = Membership.objects.get(community=community, user=personas[target])
        with pytest.raises(PermissionDenied):
            services.membership_ban(
                actor=actor_for(moderator, community), membership=membership, reason="x"
            )
        membership.refresh_from_db()
        assert membership.status == MembershipStatus.ACTIVE

    def test_unban_lets_them_rejoin(self, community, owner, banned):
        membership = Membership.objects.get(community=community, user=banned)
        services.membership_unban(actor=actor_for(owner, community), membership=membership)
        services.membership_join(
            actor=actor_for(banned, community), community=community, accept_rules=True
        )
        membership.refresh_from_db()
        assert membership.status == MembershipStatus.ACTIVE and membership.ban_reason == ""

    def test_invite_bounds(self, community, owner):
        actor = actor_for(owner, community)
        with pytest.raises(ValidationError):
            services.invite_create(actor=actor, max_uses=0)
        with pytest.raises(ValidationError):
            services.invite_create(actor=actor, expires_in_days=400)
        assert not Invite.objects.exists()


def test_community_update_changes_settings_and_logs(community, owner):
    services.community_update(
        actor=actor_for(owner, community),
        name="Garden Club 2",
        tagline="New",
        accent_color="#123456",
        join_policy=JoinPolicy.APPROVAL,
        visibility=Visibility.PRIVATE,
        join_questions=["Favourite plant?"],
    )
    community.refresh_from_db()
    assert (community.name, community.join_policy, community.visibility) == (
        "Garden Club 2",
        JoinPolicy.APPROVAL,
        Visibility.PRIVATE,
    )
    log = StaffAction.objects.get(action="community.update")
    assert "join_questions" in log.details["fields"]


def test_community_update_by_moderator_is_refused(community, moderator):
    with pytest.raises(PermissionDenied):
        services.community_update(
            actor=actor_for(moderator, community),
            name="Hijacked",
            tagline="",
            accent_color="#000000",
            join_policy=JoinPolicy.OPEN,
            visibility=Visibility.PUBLIC,
            join_questions=[],
        )
    community.refresh_from_db()
    assert community.name == "Garden Club"
