"""What a page tells crawlers and link previews about itself: title, description, canonical
URL, Open Graph / Twitter card and schema.org structured data.

Only pages an anonymous visitor may read get a card; any other page says nothing beyond its
title and a plain description, so a member sharing a members-only link previews nothing.
Such pages carry no "noindex": an anonymous crawler never gets them to index."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hearth.communities.models import Community
from hearth.core import page_cache, versions
from hearth.discussions.models import Category, CategoryKind, Topic
from hearth.members.models import MemberProfile
from hearth.qa.models import AnswerVote, Question
from hearth.sharing import cards, policy, selectors

# Inside <script type="application/ld+json"> the HTML parser ends the element at the first
# "</script", whatever the type: escaping <, > and & (as Django's json_script does) keeps any
# text, a title "</script><script>…" included, inside the JSON.
CARD_SECONDS = 300  # what no version covers (a renamed author) is at most this old
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def json_ld(data: dict) -> SafeString:
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(_JSON_SCRIPT_ESCAPES)),  # noqa: S308 (escaped just above)
    )


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def site_host() -> str:
    return urlsplit(settings.SITE_URL).netloc


@dataclass
class ShareCard:
    title: str
    description: str
    url: str
    image: str
    image_alt: str
    og_type: str = "website"
    large_image: bool = True
    structured_data: list[dict] = field(default_factory=list)

    @property
    def json_ld(self) -> list[SafeString]:
        return [json_ld(data) for data in self.structured_data]


def _card_image(community: Community, url_name: str, args: list, title: str, subtitle: str):
    version = cards.card_key(community, title, subtitle)[:16]
    return absolute(f"{reverse(url_name, args=[community.slug, *args])}?v={version}")


def topic_subtitle(topic: Topic) -> str:
    return f"{topic.category.name} · {site_host()}"


def profile_subtitle(profile: MemberProfile) -> str:
    return f"@{profile.user.username} · {site_host()}"


def _person(user) -> dict | None:
    return {"@type": "Person", "name": user.name} if user is not None else None


def community_card(community: Community, path: str, title: str | None = None) -> ShareCard:
    description = community.tagline or _("%(name)s, a community on Hearth.") % {
        "name": community.name
    }
    if community.logo:
        image, large = absolute(community.logo.url), False
    else:
        image = _card_image(community, "sharing:community-card", [], community.name, site_host())
        large = True
    return ShareCard(
        title=title or community.name,
        description=description,
        url=absolute(path),
        image=image,
        image_alt=community.name,
        large_image=large,
    )


def category_card(category: Category, path: str) -> ShareCard:
    community = category.community
    card = community_card(community, path, title=f"{category.name} · {community.name}")
    card.description = category.description or card.description
    return card


def topic_card(topic: Topic, path: str) -> ShareCard:
    """Kept per topic, page and language under the community's content version (every
    write to topics and posts retires it): the same card for every viewer of a public
    topic, read from the opening post (a query) on each signed-in page otherwise."""
    digest = hashlib.sha256(path.encode()).hexdigest()[:16]
    return versions.kept(
        f"hearth:sharecard:topic:{topic.pk}:{digest}:{get_language()}",
        page_cache.version_key(topic.community_id),
        lambda: _topic_card(topic, path),
        CARD_SECONDS,
    )


def _topic_card(topic: Topic, path: str) -> ShareCard:
    community = topic.community
    opening = selectors.topic_opening(topic)
    text = selectors.excerpt(opening.html if opening else "")
    url = absolute(path)
    author = _person(opening.author if opening else topic.author)
    posting = {
        "@context": "https://schema.org",
        "@type": "DiscussionForumPosting",
        "headline": topic.title,
        "text": text or topic.title,
        "url": url,
        "datePublished": topic.created_at,
        "dateModified": topic.last_posted_at,
        "interactionStatistic": {
            "@type": "InteractionCounter",
            "interactionType": "https://schema.org/CommentAction",
            "userInteractionCount": max(topic.post_count - 1, 0),
        },
    }
    if author:
        posting["author"] = author
    data = [posting]
    if topic.category.kind == CategoryKind.QUESTIONS:
        question = Question.objects.filter(topic=topic).first()
        answer = selectors.accepted_answer(topic, question.accepted_answer_id if question else None)
        if answer is not None:
            data = [_qa_page(topic, text, url, author, answer)]
    subtitle = topic_subtitle(topic)
    return ShareCard(
        title=topic.title,
        description=text or f"{topic.title} — {community.name}",
        url=url,
        image=_card_image(community, "sharing:topic-card", [topic.pk], topic.title, subtitle),
        image_alt=topic.title,
        og_type="article",
        structured_data=data,
    )


def _qa_page(topic: Topic, text: str, url: str, author: dict | None, answer) -> dict:
    accepted = {
        "@type": "Answer",
        "text": selectors.excerpt(answer.html, 2000),
        "dateCreated": answer.created_at,
        "url": f"{url}#post-{answer.number}",
        "upvoteCount": AnswerVote.objects.filter(post=answer).count(),
    }
    if answer.author is not None:
        accepted["author"] = _person(answer.author)
    question = {
        "@type": "Question",
        "name": topic.title,
        "text": text or topic.title,
        "answerCount": max(topic.post_count - 1, 0),
        "dateCreated": topic.created_at,
        "acceptedAnswer": accepted,
    }
    if author:
        question["author"] = author
    return {"@context": "https://schema.org", "@type": "QAPage", "mainEntity": question}


def profile_card(profile: MemberProfile, path: str) -> ShareCard:
    community, user = profile.community, profile.user
    title = _("%(name)s in %(community)s") % {"name": user.name, "community": community.name}
    description = selectors.excerpt(profile.bio_html) or _(
        "%(name)s is a member of %(community)s."
    ) % {"name": user.name, "community": community.name}
    subtitle = profile_subtitle(profile)
    return ShareCard(
        title=title,
        description=description,
        url=absolute(path),
        image=_card_image(community, "sharing:profile-card", [user.username], user.name, subtitle),
        image_alt=user.name,
        og_type="profile",
    )


def card_for(subject, path: str) -> ShareCard | None:
    """The card of a page about ``subject``, or None if it is not public."""
    if isinstance(subject, Topic):
        return topic_card(subject, path) if policy.is_topic_public(subject) else None
    if isinstance(subject, MemberProfile):
        return profile_card(subject, path) if policy.is_profile_public(subject) else None
    if isinstance(subject, Category):
        return category_card(subject, path) if policy.is_category_public(subject) else None
    if isinstance(subject, Community):
        return community_card(subject, path) if policy.is_public(subject) else None
    raise TypeError(f"no share card for {type(subject).__name__}")
