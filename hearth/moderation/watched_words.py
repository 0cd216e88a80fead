"""Watched words: each community's list, the default profanity list, and what they do to
topics, replies, edits and direct messages.

- **block**: the post (or message) is refused before anything is written, and the refusal
  names the word. Applies to everyone, staff included.
- **censor**: the word is masked (■■■■) in the post's stored HTML when it is written, as
  Discourse masks when it cooks a post; the author's source text is kept for editing and
  the edit history. A word added later masks posts written or edited after it. A topic
  title has no separate rendered copy, so a censored word is masked in the title itself.
- **require approval**: the post is stored and held in the review queue.
- **flag**: the post is published and an automatic flag puts it in the review queue.

Staff's own posts are never held or flagged (they are the ones reviewing); direct
messages are private and have no review state, so only block and censor apply to them.
Matching is :mod:`hearth.moderation.wordmatch` (linear time, whole words unless
wildcarded). Each process keeps one matcher per community, rebuilt when the community's
``FilterSettings.revision`` moves."""

from __future__ import annotations

import importlib.resources
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hearth.communities.models import Community
from hearth.communities.services import staff_log_record
from hearth.core.actor import Actor
from hearth.moderation import policy
from hearth.moderation.models import FilterSettings, ReviewSource, WatchedAction, WatchedWord
from hearth.moderation.wordmatch import Match, Matcher, mask, mask_html, parse_word

MAX_WORDS = 2000  # per community
MAX_LINES = 500  # per bulk add
MAX_WORD_CHARS = 100
MIN_KEY_CHARS = 2  # after normalisation; 3 for a word with a wildcard
WORD_PUNCTUATION = frozenset(" '’-.@$&")
MAX_MATCHERS = 256  # communities whose matcher a process keeps

_matchers: dict[int, tuple[tuple, Matcher]] = {}


def settings_for(community: Community) -> FilterSettings:
    """The community's filter settings, or unsaved defaults."""
    found = FilterSettings.objects.filter(community=community).first()
    return found or FilterSettings(community=community)


@lru_cache(maxsize=1)
def profanity_words() -> tuple[str, ...]:
    """The better-profanity package's word list (read from the installed package)."""
    text = importlib.resources.files("better_profanity").joinpath("profanity_wordlist.txt")
    return tuple(w.strip() for w in text.read_text(encoding="utf-8").splitlines() if w.strip())


@lru_cache(maxsize=len(WatchedAction.values))
def _profanity_matcher(action: str) -> Matcher:
    return Matcher((word, action) for word in profanity_words())


def matchers_for(settings: FilterSettings) -> list[Matcher]:
    """The community's own words, and the profanity list when the owner turned it on."""
    found = []
    if settings.pk is not None:
        version = (settings.pk, settings.revision, settings.updated_at)
        cached = _matchers.get(settings.community_id)
        if cached is None or cached[0] != version:
            if len(_matchers) >= MAX_MATCHERS:
                _matchers.clear()
            words = WatchedWord.objects.filter(community_id=settings.community_id)
            cached = (version, Matcher(words.values_list("word", "action")))
            _matchers[settings.community_id] = cached
        if cached[1]:
            found.append(cached[1])
    if settings.profanity_action:
        found.append(_profanity_matcher(settings.profanity_action))
    return found


def _find(matchers: list[Matcher], text: str) -> list[Match]:
    return [match for matcher in matchers for match in matcher.find(text)]


def _named(matches: list[Match]) -> str:
    words = list(dict.fromkeys(m.word.strip("*") for m in matches))[:3]
    return ", ".join(f"“{w}”" for w in words)


def _block(matches_by_field: dict[str, list[Match]]) -> None:
    errors = {}
    for field, matches in matches_by_field.items():
        blocked = [m for m in matches if m.action == WatchedAction.BLOCK]
        if blocked:
            errors[field] = [
                ngettext(
                    "This contains %(words)s, which is not allowed here. Take it out and "
                    "try again.",
                    "This contains %(words)s, which are not allowed here. Take them out and "
                    "try again.",
                    len({m.word for m in blocked}),
                )
                % {"words": _named(blocked)}
            ]
    if errors:
        raise ValidationError(errors)


# Checks registered with discussions and conversations ------------------------------------


def check_post(*, actor: Actor, draft):
    """Before a topic, reply or edit is written: refuse blocked words; return what to do
    once it is stored (mask, hold, flag)."""
    settings = settings_for(actor.community)
    matchers = matchers_for(settings)
    if not matchers:
        return None
    found = {"title": _find(matchers, draft.title), "body": _find(matchers, draft.body)}
    _block(found)
    actions = {m.action for matches in found.values() for m in matches}
    if not actions:
        return None
    review_words = [m for ms in found.values() for m in ms if m.action != WatchedAction.CENSOR]

    def after(post) -> None:
        from hearth.moderation import services

        if WatchedAction.CENSOR in actions:
            _censor_post(post, matchers, title_matches=found["title"])
        if actor.is_staff:
            return
        reason = _("contains the watched word %(words)s") % {"words": _named(review_words)}
        if WatchedAction.REQUIRE_APPROVAL in actions:
            services.hold_post_for_review(
                post=post, reason=reason, source=ReviewSource.WATCHED_WORD
            )
        elif WatchedAction.FLAG in actions:
            services.flag_post_automatically(post=post, reason=reason)

    return after


def _censor_post(post, matchers: list[Matcher], *, title_matches: list[Match]) -> None:
    from hearth.discussions.models import Post, Topic
    from hearth.search import index as search_index

    markup = post.html
    for matcher in matchers:
        markup = mask_html(markup, matcher, [WatchedAction.CENSOR])
    topic = post.topic
    censored_title = [m for m in title_matches if m.action == WatchedAction.CENSOR]
    if censored_title:
        topic.title = mask(topic.title, censored_title)
        topic.slug = slugify(topic.title)[:80].strip("-") or "topic"
        Topic.objects.filter(pk=topic.pk).update(title=topic.title, slug=topic.slug)
    if markup != post.html or censored_title:
        post.html = markup
        Post.objects.filter(pk=post.pk).update(html=markup)
        search_index.index_post(post, topic)


def check_message(*, actor: Actor, body: str, subject: str = ""):
    """Before a direct message is written: refuse blocked words; mask censored ones."""
    matchers = matchers_for(settings_for(actor.community))
    if not matchers:
        return None
    found = {"subject": _find(matchers, subject), "body": _find(matchers, body)}
    _block(found)
    if not any(m.action == WatchedAction.CENSOR for ms in found.values() for m in ms):
        return None

    def after(message) -> None:
        from hearth.conversations.models import Conversation, Message

        markup = message.body_html
        for matcher in matchers:
            markup = mask_html(markup, matcher, [WatchedAction.CENSOR])
        Message.objects.filter(pk=message.pk).update(body_html=markup)
        message.body_html = markup
        censored = [m for m in found["subject"] if m.action == WatchedAction.CENSOR]
        if censored:
            Conversation.objects.filter(pk=message.conversation_id, subject=subject).update(
                subject=mask(subject, censored)
            )

    return after


# Staff: the list and the profanity setting -----------------------------------------------


def clean_word(word: str) -> str:
    """A watched word as stored: trimmed, single-spaced, lower-case; raises
    ValidationError saying what is wrong."""
    word = " ".join((word or "").split()).lower()
    inner = word[1:] if word.startswith("*") else word
    inner = inner[:-1] if inner.endswith("*") else inner
    if len(word) > MAX_WORD_CHARS:
        raise ValidationError(
            _("“%(word)s…” is too long: keep words under %(n)s characters.")
            % {"word": word[:20], "n": MAX_WORD_CHARS}
        )
    if "*" in inner:
        raise ValidationError(
            _("“%(word)s”: use * only at the start or end of a word.") % {"word": word}
        )
    if any(not (c.isalnum() or c in WORD_PUNCTUATION) for c in inner):
        raise ValidationError(
            _(
                "“%(word)s”: use letters, digits and spaces (and * at either end). Patterns "
                "and regular expressions are not accepted."
            )
            % {"word": word}
        )
    key, starts_inside, ends_inside = parse_word(word)
    shortest = MIN_KEY_CHARS + (1 if starts_inside or ends_inside else 0)
    if len(key.replace(" ", "")) < shortest:
        raise ValidationError(
            _("“%(word)s” is too short to watch: it would match far too much.") % {"word": word}
        )
    return word


def _bump(community: Community) -> FilterSettings:
    settings, _created = FilterSettings.objects.select_for_update().get_or_create(
        community=community
    )
    FilterSettings.objects.filter(pk=settings.pk).update(
        revision=F("revision") + 1, updated_at=timezone.now()
    )
    settings.refresh_from_db()
    return settings


@transaction.atomic
def watched_words_add(*, actor: Actor, text: str, action: str) -> list[WatchedWord]:
    """Add one word per line (a word already on the list takes the new action). All or
    nothing: any bad line refuses the lot, each bad line named."""
    policy.ensure_manage_filters(actor)
    if action not in WatchedAction.values:
        raise ValidationError({"action": [_("Choose what happens to posts with these words.")]})
    lines = [line for line in (text or "").splitlines() if line.strip()]
    if not lines:
        raise ValidationError({"words": [_("Write at least one word.")]})
    if len(lines) > MAX_LINES:
        raise ValidationError(
            {"words": [_("Add at most %(n)s words at a time.") % {"n": MAX_LINES}]}
        )
    words, errors = [], []
    for number, line in enumerate(lines, start=1):
        try:
            words.append(clean_word(line))
        except ValidationError as exc:
            errors.append(_("Line %(n)s: %(error)s") % {"n": number, "error": exc.messages[0]})
    if errors:
        raise ValidationError({"words": errors[:20]})
    words = list(dict.fromkeys(words))
    _bump(actor.community)
    existing = WatchedWord.objects.filter(community=actor.community)
    known = set(existing.filter(word__in=words).values_list("word", flat=True))
    if existing.count() + len([w for w in words if w not in known]) > MAX_WORDS:
        raise ValidationError(
            {"words": [_("A community can watch at most %(n)s words.") % {"n": f"{MAX_WORDS:,}"}]}
        )
    existing.filter(word__in=known).update(action=action)
    WatchedWord.objects.bulk_create(
        WatchedWord(community=actor.community, word=w, action=action, created_by=actor.user)
        for w in words
        if w not in known
    )
    staff_log_record(
        actor, actor.community, "watched_words.add",
        details={"action": action, "words": len(words)},
    )  # fmt: skip
    return list(existing.filter(word__in=words))


@transaction.atomic
def watched_word_remove(*, actor: Actor, word: WatchedWord) -> None:
    policy.ensure_manage_filters(actor)
    if word.community_id != actor.community.pk:
        raise ValidationError(_("That word is not on this community's list."))
    _bump(actor.community)
    WatchedWord.objects.filter(pk=word.pk).delete()
    staff_log_record(
        actor, actor.community, "watched_words.remove",
        details={"word": word.word, "action": word.action},
    )  # fmt: skip


@transaction.atomic
def filter_settings_update(*, actor: Actor, **fields) -> FilterSettings:
    """Change the profanity list's action ("" = off) and the posting limits."""
    policy.ensure_manage_filters(actor)
    allowed = {f.name for f in FilterSettings._meta.fields} - {
        "id", "community", "revision", "updated_at",
    }  # fmt: skip
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(sorted(unknown))
    errors: dict[str, list] = {}
    action = fields.get("profanity_action")
    if action is not None and action not in ("", *WatchedAction.values):
        errors["profanity_action"] = [_("Choose off or one of the actions.")]
    for name, value in fields.items():
        if name != "profanity_action" and (not isinstance(value, int) or not 0 <= value <= 86400):
            errors[name] = [_("Give a whole number between 0 and 86,400.")]
    if errors:
        raise ValidationError(errors)
    settings = _bump(actor.community)
    changed = {k: v for k, v in fields.items() if getattr(settings, k) != v}
    for name, value in changed.items():
        setattr(settings, name, value)
    settings.save()
    if changed:
        staff_log_record(actor, actor.community, "filters.settings", details=changed)
    return settings
