"""`hearth export-community` / `hearth import-community`: a round trip that comes back
identical, ids remapped, accounts linked by email, and damaged archives importing nothing."""

import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db.models import Count, Q

from hearth.accounts.models import User
from hearth.archive.common import ArchiveError
from hearth.archive.community import (
    archived_models,
    export_community,
    import_community,
    normalized,
)
from hearth.communities.models import Community, Membership, MembershipStatus
from hearth.core.actor import Actor
from hearth.core.models import InteractionEvent
from hearth.discussions import services as discussions
from hearth.discussions.models import Attachment, Category, Post, Reaction, ReviewState, Topic


def _files(root) -> dict:
    root = Path(root)
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _row_counts() -> dict:
    return {m._meta.label: m._base_manager.count() for m in archived_models()} | {
        "accounts.User": User.objects.count()
    }


def _assert_counters(community):
    community.refresh_from_db()
    active = Membership.objects.filter(community=community, status=MembershipStatus.ACTIVE)
    assert community.member_count == active.count()
    # As discussions.services._recount counts: not deleted, and published (or the first post).
    visible = Q(posts__deleted_at=None) & (
        Q(posts__review_state=ReviewState.PUBLISHED) | Q(posts__number=1)
    )
    for topic in Topic.objects.filter(community=community).annotate(n=Count("posts", visible)):
        assert topic.post_count == topic.n, topic.title
    for category in Category.objects.filter(community=community):
        topics = Topic.objects.filter(category=category, deleted_at=None)
        assert category.topic_count == topics.count(), category.slug
        posts = Post.objects.filter(topic__category=category, deleted_at=None).filter(
            Q(review_state=ReviewState.PUBLISHED) | Q(number=1)
        )
        assert category.post_count == posts.count(), category.slug


def test_round_trip_is_identical(db, tmp_path):
    from hearth.demo import build_demo

    lumen = build_demo(members=10, days=14, seed=5)
    post = Post.objects.filter(community=lumen).order_by("pk").last()
    Attachment.objects.create(
        community=lumen, post=post, file=ContentFile(b"\x89PNG picture", name="posts/pic.png")
    )
    slug = lumen.slug
    counts_before = {
        m._meta.label: m._base_manager.filter(community=lumen).count()
        for m in archived_models()
        if m is not Community
    }
    members_before = lumen.member_count
    first = tmp_path / "first.zip"
    manifest = export_community(slug, first)
    assert manifest["counts"]["discussions.Post"] == counts_before["discussions.Post"] > 10
    assert manifest["counts"]["core.InteractionEvent"] > 50
    uploads = [name for name in manifest["files"] if name.startswith("files/")]
    assert any(n.startswith("files/private/posts/") for n in uploads)
    assert any(n.startswith("files/media/avatars/") for n in uploads)
    # No secrets in the archive.
    with zipfile.ZipFile(first) as zf:
        users = [json.loads(line) for line in zf.read("users.jsonl").splitlines()]
    assert users and all("password" not in u["fields"] for u in users)
    assert {"username", "email", "display_name"} <= set(users[0]["fields"])

    # An empty install: no community, no account, no upload.
    media = _files(settings.MEDIA_ROOT) | {
        "private/" + k: v for k, v in _files(settings.HEARTH_PRIVATE_MEDIA_ROOT).items()
    }
    for model in reversed(archived_models()):
        model._base_manager.all().delete()
    User.objects.all().delete()
    shutil.rmtree(settings.MEDIA_ROOT)
    shutil.rmtree(settings.HEARTH_PRIVATE_MEDIA_ROOT)

    summary = import_community(first)
    imported = summary["community"]
    assert imported.slug == slug and summary["users_created"] == len(users)
    for label, n in counts_before.items():
        assert apps.get_model(label)._base_manager.filter(community=imported).count() == n, label
    assert imported.member_count == members_before
    _assert_counters(imported)
    assert not any(u.has_usable_password() for u in User.objects.all())
    # The uploads came back byte for byte.
    after = _files(settings.MEDIA_ROOT) | {
        "private/" + k: v for k, v in _files(settings.HEARTH_PRIVATE_MEDIA_ROOT).items()
    }
    for name in uploads:
        key = name.removeprefix("files/media/").replace("files/private/", "private/")
        assert after[key] == media[key]
    # Ids inside the event log point at the imported rows.
    for event in InteractionEvent.objects.filter(community=imported, verb="post.reply")[:20]:
        topic = Topic.objects.get(pk=event.data["topic"])
        assert topic.community_id == imported.pk
        assert Post.objects.get(pk=event.object_id).topic_id == topic.pk

    second = tmp_path / "second.zip"
    export_community(slug, second)
    a, b = normalized(first), normalized(second)
    assert a.keys() == b.keys()
    for table in a:
        assert a[table] == b[table], table


@pytest.fixture
def small_archive(community, topic, member, owner, tmp_path):
    """The shared community with a topic, a reply and a reaction, exported."""
    reply = discussions.post_reply(
        actor=Actor.for_user(member, community), topic=topic, body="A reply"
    )
    discussions.reaction_toggle(actor=Actor.for_user(owner, community), post=reply, kind="heart")
    path = tmp_path / "garden.zip"
    export_community("garden", path)
    return path


def _rewrite(src, dst, change, fix_checksum=True):
    import hashlib

    with zipfile.ZipFile(src) as zf:
        files = {name: zf.read(name) for name in zf.namelist()}
    manifest = json.loads(files["manifest.json"])
    change(files, manifest)
    if fix_checksum:
        for name in list(manifest["files"]):
            if name in files:
                manifest["files"][name]["sha256"] = hashlib.sha256(files[name]).hexdigest()
    files["manifest.json"] = json.dumps(manifest).encode()
    with zipfile.ZipFile(dst, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)


def test_slug_taken_and_a_copy_under_another(small_archive):
    with pytest.raises(ArchiveError, match="already exists"):
        import_community(small_archive)
    with pytest.raises(ArchiveError, match="not a valid slug"):
        import_community(small_archive, slug="Not a slug!")
    users = User.objects.count()
    summary = import_community(small_archive, slug="garden-copy")
    copy = summary["community"]
    assert copy.slug == "garden-copy" and copy.name == "Garden Club"
    # Everyone was linked to their existing account by email: no new accounts.
    assert summary["users_created"] == 0 and User.objects.count() == users
    original = Community.objects.get(slug="garden")
    assert (
        Post.objects.filter(community=copy).count()
        == Post.objects.filter(community=original).count()
    )
    assert Reaction.objects.filter(community=copy).count() == 1
    assert (
        Membership.objects.filter(community=copy).count()
        == Membership.objects.filter(community=original).count()
    )
    _assert_counters(copy)


def _bad_line_late(files, manifest):
    name = "data/core.InteractionEvent.jsonl"
    files[name] = files[name] + b'{"pk": 99999, "fields": \n'


def _bad_value(files, manifest):
    name = "data/discussions.Post.jsonl"
    row = json.loads(files[name].splitlines()[0])
    row["fields"]["created_at"] = "yesterday-ish"
    files[name] = json.dumps(row).encode() + b"\n"


def _dangling(files, manifest):
    name = "data/discussions.Post.jsonl"
    rows = [json.loads(line) for line in files[name].splitlines()]
    rows[-1]["fields"]["topic_id"] = 424242
    files[name] = b"".join(json.dumps(r).encode() + b"\n" for r in rows)


BAD = {
    "bad JSON line": (_bad_line_late, True, "not valid JSON"),
    "bad value": (_bad_value, True, "bad value for created_at"),
    "dangling id": (_dangling, True, "names a row not archived"),
    "checksum": (
        lambda f, m: f.update({"users.jsonl": f["users.jsonl"] + b"\n"}),
        False,
        "Checksum mismatch",
    ),
    "missing file": (lambda f, m: f.pop("data/discussions.Topic.jsonl"), True, "missing"),
    "unlisted file": (lambda f, m: f.update({"extra.txt": b"x"}), True, "does not list"),
    "newer schema": (
        lambda f, m: m["migrations"]["discussions"].append("9999_future"),
        True,
        "newer Hearth",
    ),
    "not ours": (lambda f, m: m.update(format="something"), True, "not a Hearth"),
    "unknown table": (
        lambda f, m: m["models"].append("nowhere.Table"),
        True,
        "unknown table",
    ),
}


@pytest.mark.parametrize("case", list(BAD))
def test_damaged_archive_imports_nothing(small_archive, tmp_path, case):
    change, fix, message = BAD[case]
    bad = tmp_path / "bad.zip"
    _rewrite(small_archive, bad, change, fix_checksum=fix)
    # An account only the archive knows: it would be created first, so a late failure
    # shows that its creation was rolled back too.
    with zipfile.ZipFile(bad) as zf:
        assert zf.namelist()
    before = _row_counts()
    files_before = _files(settings.MEDIA_ROOT) if Path(settings.MEDIA_ROOT).exists() else {}
    with pytest.raises(ArchiveError, match=message):
        import_community(bad, slug="garden-copy")
    assert _row_counts() == before
    assert not Community.objects.filter(slug="garden-copy").exists()
    after = _files(settings.MEDIA_ROOT) if Path(settings.MEDIA_ROOT).exists() else {}
    assert after == files_before


def test_new_account_is_rolled_back_with_a_late_failure(small_archive, tmp_path, member):
    def change(files, manifest):
        rows = [json.loads(line) for line in files["users.jsonl"].splitlines()]
        for row in rows:
            row["fields"]["email"] = "new-" + row["fields"]["email"]
        files["users.jsonl"] = b"".join(json.dumps(r).encode() + b"\n" for r in rows)
        _bad_line_late(files, manifest)

    bad = tmp_path / "late.zip"
    _rewrite(small_archive, bad, change)
    users = User.objects.count()
    with pytest.raises(ArchiveError, match="not valid JSON"):
        import_community(bad, slug="garden-copy")
    assert User.objects.count() == users


def test_unreadable_archives(db, tmp_path, small_archive):
    garbage = tmp_path / "garbage.zip"
    garbage.write_bytes(b"PK\x03\x04 not really")
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(small_archive.read_bytes()[: small_archive.stat().st_size // 2])
    for path in (garbage, truncated):
        with pytest.raises(ArchiveError, match="damaged or truncated"):
            import_community(path, slug="garden-copy")
    with pytest.raises(ArchiveError, match="No archive"):
        import_community(tmp_path / "nope.zip")
    assert not Community.objects.filter(slug="garden-copy").exists()


def test_commands(small_archive, tmp_path):
    out = io.StringIO()
    call_command(
        "export_community", "garden", str(tmp_path / "cli.zip"), "--no-progress", stdout=out
    )
    assert "Exported garden" in out.getvalue()
    with pytest.raises(CommandError, match="No community"):
        call_command("export_community", "nope", str(tmp_path / "x.zip"), "--no-progress")
    with pytest.raises(CommandError, match="already exists"):
        call_command("export_community", "garden", str(small_archive), "--no-progress")
    with pytest.raises(CommandError, match="Nothing was imported.*already exists"):
        call_command("import_community", str(small_archive), "--no-progress")
    out = io.StringIO()
    call_command(
        "import_community", str(small_archive), "--slug", "garden-2", "--no-progress", stdout=out
    )
    assert "Imported garden-2" in out.getvalue()


def test_cli_reads_dashes_as_underscores(monkeypatch):
    import sys

    from hearth import cli

    seen = []
    monkeypatch.setattr(sys, "argv", ["hearth", "export-community", "garden", "x.zip"])
    monkeypatch.setattr(
        "django.core.management.execute_from_command_line", lambda argv: seen.append(argv)
    )
    cli.main()
    assert seen == [["hearth", "export_community", "garden", "x.zip"]]
    monkeypatch.setattr(sys, "argv", ["hearth", "--version"])
    cli.main()
    assert seen[-1] == ["hearth", "--version"]
