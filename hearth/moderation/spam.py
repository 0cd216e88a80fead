"""Spam signals for new members (trust level 0). They hold the post for review (source
"spam_signal") rather than refuse it, because each can be innocent:

- more than ``spam_max_links`` web addresses in one post (as links or written out);
- the same post in ``spam_same_post_topics`` or more topics within an hour;
- typed faster than a person can: the compose form carries a signed "opened at" stamp,
  and a post of some length sent at more than ``spam_max_chars_per_second`` (25: a fast
  typist manages about 10) is held. A tampered stamp counts as instant; a missing one
  (the API, an old page) is no signal.

Switched off with the posting limits (``HEARTH_POSTING_LIMITS``, ``ratelimit.paused``)."""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from hearth.core import ratelimit
from hearth.core.actor import Actor
from hearth.moderation.models import ReviewSource
from hearth.moderation.ratelimits import NEW_MEMBER_LEVEL
from hearth.moderation.watched_words import settings_for

SAME_POST_WINDOW = timedelta(hours=1)
TYPING_MIN_CHARS = 80  # shorter posts ("Thanks!") are quick to type
MIN_SECONDS = 0.5
WEB_ADDRESS = re.compile(r"\bhttps?://\S", re.IGNORECASE)  # written out or in a link


def check_spam(*, actor: Actor, draft):
    """Registered with discussions: return a hold for a new member's post that looks like
    spam."""
    if draft.kind == "edit" or not ratelimit.enabled() or not actor.is_member:
        return None
    if actor.is_staff or actor.membership.trust_level > NEW_MEMBER_LEVEL:
        return None
    settings = settings_for(actor.community)
    reasons = []
    chars = len(draft.title) + len(draft.body)
    if (
        draft.composed_in is not None
        and settings.spam_max_chars_per_second
        and chars >= TYPING_MIN_CHARS
        and chars / max(draft.composed_in, MIN_SECONDS) > settings.spam_max_chars_per_second
    ):
        reasons.append(_("written faster than a person types"))

    def after(post) -> None:
        from hearth.discussions.models import Post
        from hearth.moderation import services

        links = len(WEB_ADDRESS.findall(post.body))
        if settings.spam_max_links and links > settings.spam_max_links:
            reasons.append(_("%(n)s links in one post") % {"n": links})
        if settings.spam_same_post_topics:
            topics = (
                Post.objects.filter(
                    community=post.community_id,
                    author_id=post.author_id,
                    body=post.body,
                    created_at__gte=timezone.now() - SAME_POST_WINDOW,
                    deleted_at__isnull=True,
                )  # fmt: skip
                .values("topic_id")
                .distinct()
                .count()
            )
            if topics >= settings.spam_same_post_topics:
                reasons.append(_("the same post in %(n)s topics within an hour") % {"n": topics})
        if reasons:
            services.hold_post_for_review(
                post=post,
                reason=_("looks like spam: %(why)s") % {"why": "; ".join(reasons)},
                source=ReviewSource.SPAM_SIGNAL,
            )

    return after
