"""`hearth import-discourse`: a small synthetic Discourse backup (a tar.gz holding a
pg_dump with COPY blocks, escapes, NULLs, a deleted post, a private message, a subcategory,
non-ASCII text; see discourse_backup.py) imported as an ordinary community; damaged backups
import nothing."""

import gzip
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from django.db.models import Max

from hearth.accounts.models import User
from hearth.analytics.models import MemberDay
from hearth.archive.discourse.convert import convert_body
from hearth.archive.discourse.dump import unescape
from hearth.archive.tests.discourse_backup import POST_ROWS, dump_sql, make_backup
from hearth.archive.tests.test_community import _assert_counters
from hearth.communities.models import Community, Membership, MembershipStatus, Role
from hearth.core.models import InteractionEvent
from hearth.discussions.models import (
    Attachment,
    Category,
    Post,
    ReadAccess,
    Topic,
    TopicRead,
    Watch,
)
from hearth.notifications.models import NotificationState
from hearth.search.models import PostDocument
from hearth.testing.factories import user_factory
from hearth.trust.models import ActivityDay


def run(path, **options):
    out = io.StringIO()
    call_command("import_discourse", str(path), no_progress=True, stdout=out, **options)
    return out.getvalue()


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def frank(db):
    """An account here whose verified address is the one Frank confirmed on Discourse."""
    user = user_factory(username="frank-hearth", email="frank@example.org")
    EmailAddress.objects.create(user=user, email="frank@example.org", verified=True, primary=True)
    return user


@pytest.fixture
def gina(db):
    """An account here holding Gina's address, never verified: not proof it is Gina."""
    user = user_factory(username="gina-hearth", email="gina@example.org")
    EmailAddress.objects.create(user=user, email="gina@example.org", verified=False, primary=True)
    return user


def test_pg_text_format_escapes():
    assert unescape(r"\N") is None
    assert unescape(r"a\tb\nc\\d") == "a\tb\nc\\d"
    assert unescape(r"\101\x42\r") == "AB\r"
    assert unescape("plain ünïcødé") == "plain ünïcødé"


def test_quotes_become_block_quotes():
    text = convert_body('[quote="ann, post:1, topic:2"]\nhello\n[/quote]\nreply')
    assert text == "> **ann:**\n>\n> hello\n\nreply"


def test_it_imports_a_backup_as_a_normal_community(db, tmp_path, frank, gina, client):
    users_before = User.objects.count()
    out = run(make_backup(tmp_path), community="old-forum", create="Old Forum")
    assert "Imported into old-forum" in out
    community = Community.objects.get(slug="old-forum")
    alice = User.objects.get(username="alice")
    assert community.name == "Old Forum" and community.created_by == alice

    # Accounts: system ones skipped, Frank linked by verified email, Gina's unverified
    # address not taken over, the staged Emil created (he wrote a post) but no member.
    assert not User.objects.filter(username__in=["system", "discobot", "ghost"]).exists()
    assert User.objects.count() == users_before + 7  # alice björn carol dave emil gina admin-8
    assert Membership.objects.filter(community=community, user=frank).exists()
    new_gina = User.objects.get(display_name="Gina")
    assert new_gina != gina and new_gina.email == ""
    bjorn = User.objects.get(username="björn")
    assert bjorn.display_name == "Björn Ångström" and bjorn.email == "bjorn@example.org"
    assert EmailAddress.objects.get(user=bjorn).verified
    assert bjorn.avatar.name.startswith("avatars/") and bjorn.avatar.size > 0
    assert not alice.avatar
    assert alice.bio == "Line one\nLine two\twith a tab" and alice.email == "alice@example.org"
    assert User.objects.get(username="admin-8").display_name == "Admin"  # a reserved name
    emil = User.objects.get(username="emil")
    assert not Membership.objects.filter(community=community, user=emil).exists()
    created = User.objects.exclude(pk__in=[frank.pk, gina.pk]).filter(pk__gt=gina.pk)
    assert created.count() == 7 and not any(u.has_usable_password() for u in created)

    # Members: roles, trust levels, join dates; a running suspension is a timed ban.
    members = {m.user.username: m for m in Membership.objects.filter(community=community)}
    assert members["alice"].role == Role.OWNER
    assert members["carol"].role == Role.MODERATOR and members["carol"].trust_level == 3
    assert members["björn"].trust_level == 2
    assert members["björn"].joined_at == _at("2021-03-02 11:00:00.5")
    assert members["frank-hearth"].role == Role.MEMBER
    assert members["dave"].status == MembershipStatus.BANNED and members["dave"].is_banned
    assert (
        community.member_count
        == Membership.objects.filter(community=community, status=MembershipStatus.ACTIVE).count()
        == 6
    )

    # Categories: "general" reused, subcategory flattened, restricted made staff-only,
    # the unused starter category gone, a slug made for a name that has none.
    categories = {c.slug: c for c in Category.objects.filter(community=community)}
    assert set(categories) == {
        "uncategorized", "general", "support", "support-hardware", "staff", "cafe",
    }  # fmt: skip
    assert categories["support-hardware"].name == "Support › Hardware"
    assert categories["general"].description == "Talk & chat"
    assert categories["general"].color == "#25aae2"
    assert categories["staff"].read_access == ReadAccess.STAFF
    assert categories["cafe"].name == "Café ☕" and categories["cafe"].color == "#64748b"

    # Topics: the PM, the deleted topic and the category's "About" topic left out.
    topics = {t.title: t for t in Topic.objects.filter(community=community)}
    assert set(topics) == {"Hello — ünïcødé title", "My GPU is on fire", "Staff room"}
    assert not Post.objects.filter(body__contains="secret pm").exists()
    hello = topics["Hello — ünïcødé title"]
    assert hello.is_pinned and topics["My GPU is on fire"].is_closed
    assert hello.category == categories["general"]
    assert hello.created_at == _at("2021-04-01 09:00:00")
    posts = {p.number: p for p in Post.objects.filter(topic=hello)}
    assert set(posts) == {1, 2, 3, 5}  # the small-action post left out
    assert posts[1].body.startswith("Welcome!\n\nPaths look like `C:\\temp\\new` and\ta tab.")
    assert "日本語 🎉" in posts[1].html
    assert posts[2].reply_to == posts[1] and posts[5].reply_to == posts[2]
    assert posts[2].author == bjorn and posts[5].author == emil
    assert 'href="/c/old-forum/u/alice/"' in posts[2].html
    assert posts[5].body.startswith("> **björn:**")
    assert posts[3].deleted_at == _at("2021-04-01 12:00:00")
    assert hello.post_count == 3 and hello.highest_post_number == 5
    assert hello.last_poster == emil and hello.last_posted_at == _at("2021-04-02 08:00:00")
    assert Post.objects.filter(topic=topics["Staff room"]).count() == 1  # no whisper
    assert categories["general"].last_posted_at == _at("2021-04-02 08:00:00")
    _assert_counters(community)

    # Authors have read their topics up to their last post, and follow them.
    reads = dict(
        TopicRead.objects.filter(topic=hello).values_list("user__username", "last_read_number")
    )
    assert reads == {"alice": 1, "björn": 2, "emil": 5}
    watches = dict(Watch.objects.filter(topic=hello).values_list("user__username", "level"))
    assert watches == {"alice": "watching", "björn": "tracking", "emil": "tracking"}

    # The image came along as a post image does (re-encoded, with a thumbnail, private);
    # the PDF and the image missing from the backup are named, not linked.
    gpu_first = Post.objects.get(topic=topics["My GPU is on fire"], number=1)
    images = list(Attachment.objects.filter(post=gpu_first).order_by("pk"))
    assert len(images) == 2 and all(a.file.name.startswith("posts/") for a in images)
    assert f"[![fire]({images[1].get_absolute_url()})]({images[0].get_absolute_url()})" in (
        gpu_first.body
    )
    assert "_(file not imported: manual.pdf)_" in gpu_first.body
    assert "_(image not imported: gone)_" in gpu_first.body
    assert "upload://" not in gpu_first.body and "/uploads/default" not in gpu_first.body
    picture = client.get(images[0].get_absolute_url())
    assert picture.status_code == 200
    assert b"".join(picture.streaming_content).startswith(b"\xff\xd8")  # a JPEG now

    # Likes as reactions (not a deleted like, a flag, a self-like, or one on the PM).
    assert posts[1].reactions == {"heart": 2}
    assert gpu_first.reactions == {"heart": 1}

    # The event log at the historical times, in that order, and the history not notified.
    events = InteractionEvent.objects.filter(community=community, created_at__year=2021)
    verbs = list(events.order_by("pk").values_list("verb", flat=True))
    assert verbs.count("topic.create") == 3 and verbs.count("post.reply") == 3
    assert verbs.count("post.react") == 3 and verbs.count("post.mention") == 1
    assert verbs.count("member.join") == 5  # alice, frank already had memberships
    times = list(events.order_by("pk").values_list("created_at", flat=True))
    assert times == sorted(times)
    reply = events.get(verb="post.reply", object_id=posts[2].pk)
    assert reply.actor == bjorn and reply.target_user == alice
    assert reply.data == {"topic": hello.pk, "reply_to": posts[1].pk, "number": 2,
                          "kind": "discussion"}  # fmt: skip
    # ...from which the health rollups and trust activity were computed.
    day = datetime(2021, 4, 1).date()
    assert MemberDay.objects.get(community=community, user_id=alice.pk, day=day).posts == 1
    assert ActivityDay.objects.get(community=community, user_id=bjorn.pk, day=day).replies == 1
    last = InteractionEvent.objects.filter(community=community).aggregate(m=Max("pk"))["m"]
    assert NotificationState.objects.get(community=community).last_event_id == last

    # Search finds the imported posts; the pages render.
    assert PostDocument.objects.filter(community_id=community.pk).count() == 6
    page = client.get("/c/old-forum/search", {"q": "smoke"})
    assert page.status_code == 200 and "My GPU is on fire" in page.content.decode()
    page = client.get(f"/c/old-forum/t/{hello.slug}/{hello.pk}/")
    assert page.status_code == 200 and "Me too, by email." in page.content.decode()
    staff_room = topics["Staff room"]
    page = client.get(f"/c/old-forum/t/{staff_room.slug}/{staff_room.pk}/")
    assert page.status_code == 404  # staff-only stays staff-only
    page = client.get("/c/old-forum/search", {"q": "staff"})
    assert page.status_code == 200 and "Staff room" not in page.content.decode()


def test_it_imports_into_an_existing_empty_community(community, tmp_path):
    run(make_backup(tmp_path), community=community.slug)
    community.refresh_from_db()
    assert Topic.objects.filter(community=community).count() == 3
    # The owner keeps the community; Discourse's admin joins as an admin.
    assert community.created_by.username == "olivia"
    assert Membership.objects.get(community=community, user__username="alice").role == Role.ADMIN
    assert Category.objects.filter(community=community, slug="introductions").exists()


def test_a_member_linked_by_email_keeps_their_membership(community, member, tmp_path):
    EmailAddress.objects.create(user=member, email="frank@example.org", verified=True)
    member.email = "frank@example.org"
    member.save(update_fields=["email"])
    before = Membership.objects.get(community=community, user=member)
    run(make_backup(tmp_path), community=community.slug)
    after = Membership.objects.get(community=community, user=member)
    assert (after.role, after.trust_level, after.source) == (
        before.role, before.trust_level, before.source,
    )  # fmt: skip
    assert after.joined_at == _at("2021-03-06 12:00:00")  # joined Discourse earlier
    assert not User.objects.filter(username="frank").exists()


def test_it_refuses_a_community_with_topics(topic, tmp_path):
    with pytest.raises(CommandError, match="already has topics"):
        run(make_backup(tmp_path), community=topic.community.slug)


def test_it_refuses_create_over_an_existing_slug(community, tmp_path):
    with pytest.raises(CommandError, match="already exists"):
        run(make_backup(tmp_path), community=community.slug, create="Again")


def test_it_refuses_an_unknown_community(db, tmp_path):
    with pytest.raises(CommandError, match="No community"):
        run(make_backup(tmp_path), community="nowhere")


def _damaged(tmp_path, kind):
    good = gzip.compress(dump_sql().encode())
    if kind == "not a tar":
        path = tmp_path / "notes.tar.gz"
        path.write_bytes(b"just some text, not an archive\n" * 10)
        return path, "not a Discourse backup"
    if kind == "no dump":
        return make_backup(tmp_path, members={"meta.json": b"{}"}), "holds no dump.sql.gz"
    if kind == "truncated gzip":
        return make_backup(tmp_path, dump=good[: len(good) // 2]), "damaged or truncated"
    if kind == "missing table":
        dump = gzip.compress(dump_sql(leave_out="posts").encode())
        return make_backup(tmp_path, dump=dump), "no data for the posts table"
    if kind == "cut inside a table":
        dump = gzip.compress(dump_sql(cut=True).encode())
        return make_backup(tmp_path, dump=dump), "truncated"
    if kind == "not UTF-8":
        dump = dump_sql().encode().replace("Björn Ångström".encode(), b"Bj\xf6rn")
        return make_backup(tmp_path, dump=gzip.compress(dump)), "not UTF-8"
    if kind == "a row too short":
        dump = dump_sql().replace("\t".join(POST_ROWS[-1]), "\t".join(POST_ROWS[-1][:5]))
        return make_backup(tmp_path, dump=gzip.compress(dump.encode())), "has 5 fields, not 14"
    if kind == "a column missing":
        dump = dump_sql().replace(
            "(id, user_id, topic_id, post_number, raw,",
            "(id, user_id, topic_id, post_number, body,",
        )
        return make_backup(tmp_path, dump=gzip.compress(dump.encode())), "has no raw column"
    if kind == "truncated tar":
        path = make_backup(tmp_path)
        data = path.read_bytes()
        path.write_bytes(data[: len(data) - 200])
        return path, "damaged or truncated"
    if kind == "bad owner":
        return make_backup(tmp_path), "No account named"
    raise AssertionError(kind)


@pytest.mark.parametrize(
    "kind",
    ["not a tar", "no dump", "truncated gzip", "missing table", "cut inside a table",
     "truncated tar", "not UTF-8", "a row too short", "a column missing", "bad owner"],
)  # fmt: skip
def test_a_bad_backup_imports_nothing(db, tmp_path, kind):
    path, message = _damaged(tmp_path, kind)
    users, communities, events = (
        User.objects.count(), Community.objects.count(), InteractionEvent.objects.count(),
    )  # fmt: skip
    extra = {"owner": "nobody"} if kind == "bad owner" else {}
    with pytest.raises(CommandError, match=message) as raised:
        run(path, community="old-forum", create="Old Forum", **extra)
    assert str(raised.value).startswith("Nothing was imported")
    assert User.objects.count() == users and Community.objects.count() == communities
    assert InteractionEvent.objects.count() == events


def test_owner_needs_create(db, tmp_path):
    with pytest.raises(CommandError, match="--owner goes with --create"):
        run(make_backup(tmp_path), community="x", owner="alice")


def test_a_bare_sql_gz_backup_imports(db, tmp_path):
    path = tmp_path / "forum.sql.gz"
    path.write_bytes(gzip.compress(dump_sql().encode()))
    run(path, community="bare", create="Bare")
    assert Topic.objects.filter(community__slug="bare").count() == 3


def test_a_failure_late_in_the_import_leaves_no_file_behind(db, tmp_path, settings, monkeypatch):
    from hearth.archive.common import ArchiveError
    from hearth.archive.discourse import events

    def fail(state):
        raise ArchiveError("simulated failure")

    monkeypatch.setattr(events, "write", fail)
    with pytest.raises(CommandError, match="simulated failure"):
        run(make_backup(tmp_path), community="old-forum", create="Old Forum")
    assert not Community.objects.filter(slug="old-forum").exists()
    assert not Attachment.objects.exists()
    for root in (settings.HEARTH_PRIVATE_MEDIA_ROOT, settings.MEDIA_ROOT):
        assert not [p for p in Path(root).rglob("*") if p.is_file()]
