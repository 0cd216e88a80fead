"""Members over the API: the directory and profiles (privacy as on the pages, staff details
for staff only), and the staff's role and trust level changes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from hearth.api.tests.test_resources import BASE, call, error, key
from hearth.communities.models import Membership, MembershipStatus, StaffAction, Visibility
from hearth.members import services as member_services
from hearth.members.models import MemberProfile, QuestionKind
from hearth.members.services import profile_for_membership
from hearth.moderation import services as moderation_services
from hearth.testing.factories import actor_for, community_factory, membership_factory


@pytest.fixture
def silenced(community, owner, newcomer):
    membership = Membership.objects.get(community=community, user=newcomer)
    moderation_services.sanction_create(
        actor=actor_for(owner, community),
        membership=membership,
        kind="silence",
        reason="Too loud",
        ends_at=timezone.now() + timedelta(days=2),
    )
    return newcomer


def test_a_profile(client, community, member, owner):
    token = key(owner, community, scopes=["read"])
    profile = profile_for_membership(Membership.objects.get(community=community, user=member))
    MemberProfile.objects.filter(pk=profile.pk).update(location="Lyon")
    response = call(client, "get", f"{BASE}/members/{member.username}", token)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["username"] == member.username and body["location"] == "Lyon"
    # A community key without the moderate scope sees no staff details.
    assert body["staff"] is None


def test_staff_details_for_staff_only(client, community, owner, member, silenced):
    path = f"{BASE}/members/{silenced.username}"
    moderator_key = key(owner, community, scopes=["read", "moderate"])
    staff = call(client, "get", path, moderator_key).json()["staff"]
    assert staff["role"] == "member" and staff["trust_level"] >= 0
    assert [s["kind"] for s in staff["sanctions"]] == ["silence"]
    assert staff["sanctions"][0]["reason"] == "Too loud"
    member_key = key(member, community, kind="member", scopes=["read", "write"])
    seen_by_member = call(client, "get", path, member_key).json()
    assert seen_by_member["staff"] is None
    assert "sanctions" not in str(seen_by_member) and "trust_level" not in str(seen_by_member)


def test_privacy_as_on_the_pages(client, community, owner, member, newcomer, outsider):
    membership = Membership.objects.get(community=community, user=member)
    profile = profile_for_membership(membership)
    MemberProfile.objects.filter(pk=profile.pk).update(hide_from_non_members=True)
    path = f"{BASE}/members/{member.username}"
    client.force_login(outsider)
    error(call(client, "get", path), 404)
    client.logout()
    error(call(client, "get", path), 401)
    Membership.objects.filter(pk=membership.pk).update(status=MembershipStatus.LEFT)
    other_member = key(newcomer, community, kind="member", scopes=["read"])
    error(call(client, "get", path, other_member), 404)  # a past member: staff only
    staff_key = key(owner, community, scopes=["read"])
    assert call(client, "get", path, staff_key).status_code == 200


def test_denials(client, community, owner, member):
    other = community_factory(slug="other", owner=owner)
    foreign = key(owner, other, scopes=["read", "moderate"])
    error(call(client, "get", f"{BASE}/members/{member.username}", foreign), 404)
    token = key(owner, community, scopes=["read"])
    error(call(client, "get", f"{BASE}/members/nobody-here", token), 404)
    error(call(client, "get", f"{BASE}/members/{'x' * 151}", token), 422)
    writer_only = key(owner, community, scopes=["write"])
    error(call(client, "get", f"{BASE}/members/{member.username}", writer_only), 403)


# The directory -----------------------------------------------------------------------------


def edit(community, user, **fields):
    profile = MemberProfile.objects.select_related("membership", "user").get(
        community=community, user=user
    )
    return member_services.profile_update(
        actor=actor_for(user, community), profile=profile, **fields
    )


def names(response):
    assert response.status_code == 200, response.content
    return [item["username"] for item in response.json()["items"]]


def walk(client, path, token, limit=2):
    """Every page of a list, following next_cursor."""
    seen, cursor = [], None
    for _ in range(50):
        url = f"{path}{'&' if '?' in path else '?'}limit={limit}"
        if cursor:
            url += f"&cursor={cursor}"
        body = call(client, "get", url, token).json()
        seen += [item["username"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            return seen
    raise AssertionError("the cursor never ended")


@pytest.fixture
def reader(owner, community):
    return key(owner, community, scopes=["read"])


def test_the_directory_lists_whom_the_page_lists(
    client, community, owner, admin, member, newcomer, banned, reader
):
    edit(community, newcomer, hide_from_directory=True)
    edit(community, member, location="Lyon", interests=["Roses", "Owls"])
    listed = names(call(client, "get", f"{BASE}/members", reader))
    assert set(listed) == {owner.username, admin.username, member.username}
    # The cursor walks the same list, each member once.
    assert walk(client, f"{BASE}/members", reader) == listed
    card = next(
        i
        for i in call(client, "get", f"{BASE}/members", reader).json()["items"]
        if i["username"] == member.username
    )
    assert card["location"] == "Lyon" and card["role"] == "member"
    assert {i["key"] for i in card["interests"]} == {"roses", "owls"}
    admin_card = call(client, "get", f"{BASE}/members?q=ad", reader).json()["items"]
    assert [(c["username"], c["role"]) for c in admin_card] == [(admin.username, "admin")]


def test_the_directory_filters(client, community, owner, member, newcomer, reader):
    edit(community, member, interests=["Owls"])
    question = member_services.profile_question_save(
        actor=actor_for(owner, community), text="Camera?", kind=QuestionKind.CHOICE,
        choices=["X1", "X2"],
    )  # fmt: skip
    edit(community, newcomer, answers={question.pk: "X2"})
    assert names(call(client, "get", f"{BASE}/members?interest=owls", reader)) == ["mel"]
    assert names(call(client, "get", f"{BASE}/members?answer={question.pk}:X2", reader)) == ["nico"]
    assert names(call(client, "get", f"{BASE}/members?q=ni", reader)) == ["nico"]
    MemberProfile.objects.filter(community=community, user=member).update(helped_count=3)
    assert names(call(client, "get", f"{BASE}/members?show=helpful", reader)) == ["mel"]
    MemberProfile.objects.filter(community=community, user=newcomer).update(
        last_active_at=timezone.now() + timedelta(minutes=1)
    )
    active = names(call(client, "get", f"{BASE}/members?sort=active", reader))
    assert active[0] == "nico"
    assert walk(client, f"{BASE}/members?sort=active", reader, limit=1) == active


@pytest.mark.parametrize(
    "query, field",
    [
        ("show=everyone", "show"),
        ("sort=random", "sort"),
        ("interest=unheard-of", "interest"),
        ("answer=x:y", "answer"),
        ("answer=99999:X1", "answer"),
        ("q=" + "x" * 61, "q"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
    ],
)
def test_directory_bad_filters(client, member, reader, query, field):
    body = error(call(client, "get", f"{BASE}/members?{query}", reader), 422)
    assert field in body["fields"]


def test_directory_cursors_are_per_order(client, community, owner, admin, member, reader):
    listed = call(client, "get", f"{BASE}/members?limit=1", reader).json()
    cursor = listed["next_cursor"]
    error(call(client, "get", f"{BASE}/members?sort=active&cursor={cursor}", reader), 422)
    error(call(client, "get", f"{BASE}/members?cursor={cursor}x", reader), 422, "invalid_cursor")


def test_directory_denials(client, community, owner, member, newcomer, outsider):
    edit(community, member, hide_from_non_members=True)
    path = f"{BASE}/members"
    error(call(client, "get", path), 401)
    client.force_login(outsider)
    assert "mel" not in names(call(client, "get", path))
    client.logout()
    member_key = key(newcomer, community, kind="member", scopes=["read"])
    assert "mel" in names(call(client, "get", path, member_key))
    writer_only = key(owner, community, scopes=["write"])
    error(call(client, "get", path, writer_only), 403, "insufficient_scope")
    other = community_factory(slug="other", owner=owner)
    error(call(client, "get", path, key(owner, other, scopes=["read"])), 404)
    private = community_factory(slug="hidden", owner=owner, visibility=Visibility.PRIVATE)
    client.force_login(outsider)
    error(call(client, "get", f"/api/v1/communities/{private.slug}/members"), 404)


def test_directory_query_count_is_flat(
    client, community, owner, member, reader, django_assert_max_num_queries
):
    def add(n):
        for _ in range(n):
            user = membership_factory(community).user
            edit(community, user, interests=["owls", "stars"])

    urls = [
        f"{BASE}/members", f"{BASE}/members?interest=owls", f"{BASE}/members?sort=active",
        f"{BASE}/members?show=helpful", f"{BASE}/members?q=user&show=new",
    ]  # fmt: skip
    add(3)
    counts = {}
    for url in urls:
        with django_assert_max_num_queries(12) as few:
            assert call(client, "get", url, reader).status_code == 200
        counts[url] = len(few.captured_queries)
    add(20)
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            assert call(client, "get", url, reader).status_code == 200


# Staff: role and trust ---------------------------------------------------------------------


@pytest.fixture
def moderating(owner, community):
    return key(owner, community, scopes=["read", "moderate"])


def test_an_owner_changes_a_role(client, community, member, moderating):
    path = f"{BASE}/members/{member.username}/role"
    response = call(client, "put", path, moderating, {"role": "moderator"})
    assert response.status_code == 200, response.content
    assert response.json()["role"] == "moderator" and response.json()["username"] == "mel"
    assert Membership.objects.get(community=community, user=member).role == "moderator"
    assert StaffAction.objects.filter(community=community, action="member.role").count() == 1
    # The same role again changes nothing.
    assert call(client, "put", path, moderating, {"role": "moderator"}).status_code == 200
    assert StaffAction.objects.filter(community=community, action="member.role").count() == 1


def test_role_rules_are_the_pages(client, community, owner, admin, moderator, member):
    path = f"{BASE}/members/{member.username}/role"
    admin_key = key(admin, community, scopes=["moderate"])
    # Admins make moderators, not admins; only owners touch owners and admins.
    assert call(client, "put", path, admin_key, {"role": "moderator"}).status_code == 200
    error(call(client, "put", path, admin_key, {"role": "admin"}), 403, "forbidden")
    error(call(client, "put", f"{BASE}/members/{owner.username}/role", admin_key,
               {"role": "member"}), 403)  # fmt: skip
    # A moderator changes no roles; the last owner stays an owner.
    client.force_login(moderator)
    error(call(client, "put", path, None, {"role": "member"}), 403, "forbidden")
    client.logout()
    owner_key = key(owner, community, scopes=["moderate"])
    error(call(client, "put", f"{BASE}/members/{owner.username}/role", owner_key,
               {"role": "admin"}), 403)  # fmt: skip
    assert Membership.objects.get(community=community, user=owner).role == "owner"


def test_role_bad_input(client, community, owner, member, banned, moderating):
    path = f"{BASE}/members/{member.username}/role"
    error(call(client, "put", path, moderating, {"role": "king"}), 422)
    error(call(client, "put", path, moderating, {"role": "admin", "extra": 1}), 422)
    error(call(client, "put", path, moderating, {}), 422)
    error(call(client, "put", f"{BASE}/members/nobody/role", moderating, {"role": "admin"}), 404)
    long = f"{BASE}/members/{'x' * 151}/role"
    error(call(client, "put", long, moderating, {"role": "admin"}), 422)
    banned_path = f"{BASE}/members/{banned.username}/role"
    error(call(client, "put", banned_path, moderating, {"role": "moderator"}), 403)
    assert Membership.objects.get(community=community, user=member).role == "member"


def test_staff_changes_are_refused_to_others(client, community, owner, member, newcomer):
    role = f"{BASE}/members/{newcomer.username}/role"
    trust = f"{BASE}/members/{newcomer.username}/trust"
    trust_body = {"level": 2, "reason": "Helpful"}
    reader = key(owner, community, scopes=["read", "write"])
    error(call(client, "put", role, reader, {"role": "moderator"}), 403, "insufficient_scope")
    error(call(client, "put", trust, reader, trust_body), 403, "insufficient_scope")
    member_key = key(member, community, kind="member", scopes=["read", "write"])
    error(call(client, "put", role, member_key, {"role": "moderator"}), 403, "insufficient_scope")
    other = community_factory(slug="other", owner=owner)
    foreign = key(owner, other, scopes=["read", "moderate"])
    error(call(client, "put", role, foreign, {"role": "moderator"}), 404)
    error(call(client, "put", trust, foreign, trust_body), 404)
    client.force_login(member)  # a session has every scope; the member is not staff
    error(call(client, "put", role, None, {"role": "moderator"}), 403, "forbidden")
    error(call(client, "put", trust, None, trust_body), 403, "forbidden")
    # Not staff: an unknown name is refused the same way (nothing is looked up).
    error(call(client, "put", f"{BASE}/members/nobody/trust", None, trust_body), 403)
    assert Membership.objects.get(community=community, user=newcomer).role == "member"
    assert Membership.objects.get(community=community, user=newcomer).trust_level == 0


def test_staff_set_a_trust_level_and_lock(client, community, owner, moderator, newcomer):
    path = f"{BASE}/members/{newcomer.username}/trust"
    token = key(owner, community, scopes=["moderate"])
    body = {"level": 3, "locked": True, "reason": "Runs the swap table"}
    response = call(client, "put", path, token, body)
    assert response.status_code == 200, response.content
    assert response.json()["trust_level"] == 3 and response.json()["trust_locked"] is True
    assert Membership.objects.get(community=community, user=newcomer).trust_level == 3
    assert StaffAction.objects.filter(community=community, action="trust.level").count() == 1
    # Any staff member: a moderator's session unlocks it.
    client.force_login(moderator)
    body = {"level": 3, "locked": False, "reason": "Let the rules decide"}
    assert call(client, "put", path, None, body).json()["trust_locked"] is False


def test_trust_bad_input(client, community, owner, member, moderating):
    path = f"{BASE}/members/{member.username}/trust"
    for body in (
        {"level": 5, "reason": "x"},
        {"level": -1, "reason": "x"},
        {"level": "high", "reason": "x"},
        {"level": 2},
        {"level": 2, "reason": ""},
        {"level": 2, "reason": "x" * 501},
        {"level": 2, "reason": "x", "extra": True},
        {"level": 2, "locked": "maybe", "reason": "x"},
    ):
        error(call(client, "put", path, moderating, body), 422)
    error(call(client, "put", f"{BASE}/members/nobody/trust", moderating,
               {"level": 2, "reason": "x"}), 404)  # fmt: skip
    # One's own level: another staff member's decision.
    own = f"{BASE}/members/{owner.username}/trust"
    error(call(client, "put", own, moderating, {"level": 4, "reason": "me"}), 403, "forbidden")
    assert Membership.objects.get(community=community, user=member).trust_level == 1
