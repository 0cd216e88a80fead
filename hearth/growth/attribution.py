"""Where a visitor came from, kept in their session from the landing page until they sign
up (then on their :class:`~hearth.growth.models.Arrival`) and join.

The session holds, per community slug, ``{"source", "campaign", "invite"}`` under
:data:`SESSION_KEY` (the join page reads the same key), and under :data:`LAST_KEY` the slug
of the community the visitor landed on last: the one a sign-up is attributed to.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

from hearth.audience.recording import clean_source

SESSION_KEY = "hearth_join_source"
LAST_KEY = "hearth_arrival"
MAX_CODE_CHARS = 32  # Invite.code


@dataclass(frozen=True)
class Attribution:
    source: str = ""
    campaign: str = ""
    invite: str = ""  # an invite code

    def __bool__(self) -> bool:
        return bool(self.source or self.campaign or self.invite)


def from_query(query) -> Attribution:
    """``?source=`` or ``utm_source``, ``utm_campaign`` and ``?invite=`` of a request."""
    return Attribution(
        source=clean_source(query.get("source") or query.get("utm_source") or ""),
        campaign=clean_source(query.get("utm_campaign") or ""),
        invite=(query.get("invite") or "").strip()[:MAX_CODE_CHARS],
    )


def remember(session, slug: str, attribution: Attribution) -> None:
    """Keep the latest campaign a visitor landed from; an empty one keeps the earlier."""
    if not attribution:
        return
    per_community = session.get(SESSION_KEY, {})
    per_community[slug] = {
        "source": attribution.source,
        "campaign": attribution.campaign,
        "invite": attribution.invite,
    }
    session[SESSION_KEY] = per_community
    session[LAST_KEY] = slug


def remembered(session, slug: str) -> Attribution:
    data = session.get(SESSION_KEY, {}).get(slug) or {}
    return Attribution(data.get("source", ""), data.get("campaign", ""), data.get("invite", ""))


def last_landed(session) -> str | None:
    return session.get(LAST_KEY)


def campaign_path(slug: str, source: str, campaign: str = "") -> str:
    """The landing page path of a campaign link (``source`` and ``campaign`` cleaned)."""
    query = {"source": clean_source(source)}
    if campaign := clean_source(campaign):
        query["utm_campaign"] = campaign
    return f"{reverse('growth:welcome', args=[slug])}?{urlencode(query)}"
