from datetime import datetime

from django.urls import reverse
from ninja import Schema


class CommunityOut(Schema):
    slug: str
    name: str
    tagline: str
    accent_color: str
    join_policy: str
    visibility: str
    member_count: int
    created_at: datetime
    url: str

    @staticmethod
    def resolve_url(obj) -> str:
        return reverse("communities:home", args=[obj.slug])


class CommunityDetailOut(CommunityOut):
    rules_version: int
    rules_html: str
    can_join: bool
    viewer_role: str | None
    viewer_status: str | None
