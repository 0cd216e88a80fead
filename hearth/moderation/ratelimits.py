"""Posting limits, with Discourse's long-proven defaults, editable per community
(``FilterSettings``):

- new members (trust level 0): one topic per 120 s and one reply per 30 s, and at most 3
  topics and 10 replies in their first 24 hours after joining;
- everyone else: one topic per 15 s and one reply per 5 s;
- the same body twice by the same member within 5 minutes is refused;
- at most 10 mentions in a post (the trust levels' per-post limits are lower for new
  members);
- at most 20 flags a day (a UTC day).

Staff are exempt. The counters are :mod:`hearth.core.ratelimit`'s atomic cache counters,
so two requests at once cannot both pass a limit of one, and with ``REDIS_URL`` set every
process shares them. A refusal says when to try again."""

from __future__ import annotations

import hashlib
import math
import time
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from hearth.core import ratelimit
from hearth.core.actor import Actor
from hearth.core.markdown import mentioned_names
from hearth.moderation.watched_words import settings_for

NEW_MEMBER_LEVEL = 0
FIRST_DAY = timedelta(hours=24)


def body_fingerprint(body: str) -> str:
    """The same text whatever its case and spacing."""
    return hashlib.sha256(" ".join(body.casefold().split()).encode()).hexdigest()[:32]


def _limited(actor: Actor) -> bool:
    return ratelimit.enabled() and actor.is_member and not actor.is_staff


def check_posting(*, actor: Actor, draft) -> None:
    """Registered with discussions: refuse a new topic or reply over the limits."""
    if draft.kind not in ("topic", "reply") or not _limited(actor):
        return None
    settings = settings_for(actor.community)
    if len(mentioned_names(draft.body)) > settings.max_mentions:
        message = _("Mention at most %(n)s people in one post.")
        raise ValidationError({"body": [message % {"n": settings.max_mentions}]})
    membership, community = actor.membership, actor.community.pk
    new = membership.trust_level <= NEW_MEMBER_LEVEL
    topic = draft.kind == "topic"
    if topic:
        seconds = settings.new_topic_seconds if new else settings.topic_seconds
        pace = _("You can start one topic every %(n)s seconds.")
    else:
        seconds = settings.reply_seconds if not new else settings.new_reply_seconds
        pace = _("You can post one reply every %(n)s seconds.")
    if new:
        pace = _("New members: %(pace)s") % {"pace": pace}
    key = f"rl:{draft.kind}:{community}:{membership.user_id}"
    if wait := ratelimit.interval(key, seconds, token=draft.client_token):
        raise _refusal(pace % {"n": seconds}, wait)
    if new:
        first_day_ends = (membership.joined_at or membership.requested_at) + FIRST_DAY
        limit = settings.new_first_day_topics if topic else settings.new_first_day_replies
        key = f"rl:first-day-{draft.kind}:{community}:{membership.user_id}"
        wait = ratelimit.count(key, limit, window_ends_at=first_day_ends.timestamp())
        if wait:
            message = (
                _("On their first day, new members can start %(n)s topics.")
                if topic
                else _("On their first day, new members can post %(n)s replies.")
            )
            raise _refusal(message % {"n": limit}, wait)
    if settings.duplicate_seconds:
        key = f"rl:same-body:{community}:{membership.user_id}:{body_fingerprint(draft.body)}"
        if wait := ratelimit.interval(key, settings.duplicate_seconds, token=draft.client_token):
            raise _refusal(_("You posted exactly this a moment ago; say something new."), wait)
    return None


def _refusal(message: str, wait: int) -> ratelimit.RateLimited:
    return ratelimit.RateLimited(
        _("%(message)s You can post again in %(wait)s.")
        % {"message": message, "wait": ratelimit.wait_text(wait)},
        retry_after=wait,
    )


def consume_flag(actor: Actor) -> None:
    """Count one flag against the member's daily allowance, or refuse it."""
    if not _limited(actor):
        return
    limit = settings_for(actor.community).flags_per_day
    day = math.floor(time.time() / 86400)
    key = f"rl:flags:{actor.community.pk}:{actor.user.pk}:{day}"
    if wait := ratelimit.count(key, limit, window_ends_at=(day + 1) * 86400):
        raise ratelimit.RateLimited(
            _("You have used today's %(n)s flags. You can flag again in %(wait)s.")
            % {"n": limit, "wait": ratelimit.wait_text(wait)},
            retry_after=wait,
        )
