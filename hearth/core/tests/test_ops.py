import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.utils import timezone

from hearth.accounts.models import User
from hearth.communities.models import Community, Membership, Role
from hearth.core.models import InteractionEvent
from hearth.settings import env_bool


def test_healthz_and_readyz(client, db):
    assert client.get("/healthz").content == b"ok"
    # Tests run tasks in-process: no worker is expected.
    assert client.get("/readyz").json() == {
        "status": "ok",
        "database": "ok",
        "worker": "not expected",
        "cache": "local",
    }


@pytest.mark.parametrize("value", ["yes", "on", "2"])
def test_env_bool_is_strict(monkeypatch, value):
    monkeypatch.setenv("HEARTH_TEST_FLAG", value)
    with pytest.raises(ImproperlyConfigured):
        env_bool("HEARTH_TEST_FLAG")


def test_production_deploy_check_is_clean(tmp_path):
    env = {
        **os.environ,
        "HEARTH_ENV": "production",
        "HEARTH_SECRET_KEY": "x" * 20 + "-A-long-random-production-secret-key-0123456789",
        "HEARTH_DATA_DIR": str(tmp_path),
        "HEARTH_ALLOWED_HOSTS": "community.example.org",
        "DJANGO_SETTINGS_MODULE": "hearth.settings",
    }
    result = subprocess.run(
        [sys.executable, "-m", "hearth.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_secret(tmp_path):
    env = {
        **os.environ,
        "HEARTH_ENV": "production",
        "HEARTH_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "hearth.settings",
    }
    env.pop("HEARTH_SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "-m", "hearth.cli", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "HEARTH_SECRET_KEY" in result.stderr


@pytest.mark.parametrize(
    "variable, value",
    [
        ("HEARTH_PRIVATE_MEDIA_ROOT", "{data}/media/private"),  # /media/ would expose it
        ("HEARTH_MEDIA_ACCEL_REDIRECT", "protected-media/"),  # not a path nginx can match
    ],
)
def test_upload_settings_that_would_leak_stop_start_up(tmp_path, variable, value):
    env = {
        **os.environ,
        "HEARTH_DATA_DIR": str(tmp_path),
        variable: value.format(data=tmp_path),
        "DJANGO_SETTINGS_MODULE": "hearth.settings",
    }
    result = subprocess.run(
        [sys.executable, "-m", "hearth.cli", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert variable in result.stderr


def test_demo_builds_through_services(db, capsys):
    call_command("demo", members=12, days=60)
    out = capsys.readouterr().out
    assert "Demo login: demo / hearth-demo" in out
    lumen = Community.objects.get(slug="lumen")
    active = Membership.objects.filter(community=lumen, status="active")
    assert lumen.member_count == active.count() >= 4 + 10  # owner, 3 staff, most of the 12
    joins = InteractionEvent.objects.filter(community=lumen, verb="member.join")
    assert joins.count() == Membership.objects.filter(community=lumen).count()
    assert Membership.objects.filter(community=lumen, role=Role.ADMIN).count() == 1
    assert Membership.objects.filter(community=lumen, role=Role.MODERATOR).count() == 2
    from hearth.discussions.models import Post, Topic

    assert Topic.objects.filter(community=lumen).count() >= 5
    assert Post.objects.filter(community=lumen, created_at__gt=timezone.now()).count() == 0
    assert InteractionEvent.objects.filter(community=lumen, verb="post.reply").exists()
    # Every feature has something to show, and the dashboard's rollups are current.
    from hearth.analytics.models import RollupState
    from hearth.audience.models import AudienceDay
    from hearth.members.models import MemberProfile
    from hearth.onboarding.models import WelcomeMessage
    from hearth.recognition.models import BadgeGrant

    state = RollupState.objects.get(community=lumen)
    assert state.last_event_id == InteractionEvent.objects.filter(community=lumen).latest("id").pk
    assert AudienceDay.objects.filter(community=lumen).count() >= 60
    assert MemberProfile.objects.filter(community=lumen).exclude(location="").exists()
    assert WelcomeMessage.objects.filter(community=lumen).exists()
    assert BadgeGrant.objects.filter(community=lumen).exists()
    call_command("demo", if_empty=True)
    assert Community.objects.count() == 3


def test_cli_community_create(db, tmp_path, capsys):
    User.objects.create_user(username="founder", password="x")
    rules = tmp_path / "rules.md"
    rules.write_text("Be kind.")
    call_command(
        "community", "create", "--name", "Makers", "--slug", "makers", "--owner", "founder",
        "--rules-file", str(rules), "--join-policy", "approval", "--question", "What do you make?",
    )  # fmt: skip
    community = Community.objects.get(slug="makers")
    assert community.join_policy == "approval"
    assert Membership.objects.get(community=community).role == Role.OWNER


@pytest.mark.parametrize(
    "args, message",
    [
        (["--slug", "admin", "--owner", "founder"], "reserved"),
        (["--slug", "ok-slug", "--owner", "ghost"], "No user named"),
        (["--slug", "ok-slug", "--owner", "founder", "--color", "blue"], "six hex digits"),
    ],
)
def test_cli_community_create_bad_input(db, args, message):
    from django.core.management.base import CommandError

    User.objects.create_user(username="founder", password="x")
    with pytest.raises(CommandError, match=message):
        call_command("community", "create", "--name", "X", "--rules", "Be kind", *args)
    assert not Community.objects.exists()
