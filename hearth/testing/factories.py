"""Plain factory functions with keyword-only options (Misago's style). They write through
the services where one exists, so test data carries its events like real data."""

import io
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from hearth.accounts.models import User
from hearth.communities import services
from hearth.communities.models import (
    Community,
    JoinPolicy,
    Membership,
    MembershipStatus,
    Role,
    Visibility,
)
from hearth.core.actor import Actor

_seq = itertools.count(1)
PASSWORD = "correct-horse-battery"


def user_factory(*, username: str | None = None, **fields) -> User:
    n = next(_seq)
    username = username or f"user{n}"
    fields.setdefault("email", f"{username}@example.com")
    fields.setdefault("display_name", username.title())
    return User.objects.create_user(username=username, password=PASSWORD, **fields)


def community_factory(
    *,
    owner: User | None = None,
    slug: str | None = None,
    name: str | None = None,
    join_policy: str = JoinPolicy.OPEN,
    visibility: str = Visibility.PUBLIC,
    join_questions: list[str] | None = None,
    rules: str = "1. Be kind.\n2. Stay on topic.",
    accent_color: str = "#2f6f4e",
) -> Community:
    n = next(_seq)
    return services.community_create(
        user=owner or user_factory(),
        name=name or f"Community {n}",
        slug=slug or f"community-{n}",
        rules=rules,
        join_policy=join_policy,
        visibility=visibility,
        join_questions=join_questions,
        accent_color=accent_color,
    )


def membership_factory(
    community: Community,
    *,
    user: User | None = None,
    role: str = Role.MEMBER,
    status: str = MembershipStatus.ACTIVE,
    **fields,
) -> Membership:
    """A membership in the given state, written directly (for arranging tests)."""
    return Membership.objects.create(
        community=community,
        user=user or user_factory(),
        role=role,
        status=status,
        rules_version_accepted=community.rules_version,
        **fields,
    )


def actor_for(user: User | None, community: Community | None = None) -> Actor:
    return Actor.for_user(user, community)


def image_upload(
    name: str = "picture.png",
    *,
    fmt: str = "PNG",
    size: tuple[int, int] = (64, 64),
    exif: bool = False,
) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    image = Image.new("RGB", size, (200, 80, 40))
    kwargs = {}
    if exif:
        exif_data = Image.Exif()
        exif_data[0x010F] = "SecretCam"  # Make
        kwargs["exif"] = exif_data
    image.save(buffer, format=fmt, **kwargs)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{fmt.lower()}")
