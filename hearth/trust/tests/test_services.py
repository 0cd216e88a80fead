import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hearth.communities.models import Membership, MembershipStatus, StaffAction
from hearth.testing.factories import actor_for
from hearth.trust import services


def membership(community, user):
    return Membership.objects.get(community=community, user=user)


def test_setting_the_same_level_and_lock_writes_nothing(community, moderator, member):
    services.trust_level_set(
        actor=actor_for(moderator, community), membership=membership(community, member),
        level=1, locked=False, reason="no change",
    )  # fmt: skip
    assert not StaffAction.objects.filter(action="trust.level").exists()


def test_locking_alone_is_logged(community, moderator, member):
    services.trust_level_set(
        actor=actor_for(moderator, community), membership=membership(community, member),
        level=1, locked=True, reason="Under watch",
    )  # fmt: skip
    assert StaffAction.objects.get(action="trust.level").details == {
        "from": 1, "to": 1, "locked": True,
    }  # fmt: skip


@pytest.mark.parametrize("who", ["member", "newcomer", "banned", "outsider"])
def test_only_staff_set_levels(community, personas, member, who):
    with pytest.raises(PermissionDenied):
        services.trust_level_set(
            actor=actor_for(personas[who], community), membership=membership(community, member),
            level=4, locked=False, reason="please",
        )  # fmt: skip
    assert membership(community, member).trust_level == 1


def test_a_removed_member_has_no_level_to_set(community, moderator, banned):
    with pytest.raises(PermissionDenied):
        services.trust_level_set(
            actor=actor_for(moderator, community),
            membership=Membership.objects.get(user=banned, status=MembershipStatus.BANNED),
            level=2, locked=False, reason="x",
        )  # fmt: skip


@pytest.mark.parametrize("level", [-1, 5])
def test_levels_are_0_to_4(community, moderator, member, level):
    with pytest.raises(PermissionDenied, match="from 0 to 4"):
        services.trust_level_set(
            actor=actor_for(moderator, community), membership=membership(community, member),
            level=level, locked=False, reason="x",
        )  # fmt: skip


def test_a_reason_is_required(community, moderator, member):
    with pytest.raises(ValidationError):
        services.trust_level_set(
            actor=actor_for(moderator, community), membership=membership(community, member),
            level=2, locked=False, reason=" ",
        )  # fmt: skip
