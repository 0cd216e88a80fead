"""``/api/v1/communities/{slug}/ideas…``: the ideas board, votes and statuses.

Ideas are topics of ideas categories: the list reads what the caller may read through the
discussions policy (``selectors.visible_ideas``); votes and statuses go through
``services`` (the ideas policy decides: closed ideas take no votes, only staff set a
status), so the events voters and authors are told from run as for the pages."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from hearth.api.access import community_actor
from hearth.api.auth import API_AUTH
from hearth.api.cursor import CursorQuery, page
from hearth.api.errors import ApiError
from hearth.api.models import Scope
from hearth.api.schemas import READ_ERRORS, WRITE_ERRORS, errors
from hearth.discussions import selectors as discussion_selectors
from hearth.discussions.api import ID, AuthorOut, Strict
from hearth.ideas import selectors, services
from hearth.ideas.models import Idea, IdeaStatus

router = Router(tags=["ideas"], auth=API_AUTH)

StatusName = Literal[tuple(IdeaStatus.values)]  # type: ignore[valid-type]
SettableStatus = Literal[tuple(s for s in IdeaStatus.values if s != IdeaStatus.MERGED)]  # type: ignore[valid-type]
IdeaSort = Literal[selectors.IDEA_SORTS]  # type: ignore[valid-type]

ORDERINGS = {
    "votes": ("-vote_count", "-topic_id"),
    "trending": ("-trending_score", "-topic_id"),
    "newest": ("-topic__created_at", "-topic_id"),
}


class IdeaOut(Schema):
    id: int = Field(..., description="The idea's topic id.")
    title: str
    slug: str
    category_id: int
    author: AuthorOut | None
    created_at: datetime
    post_count: int
    status: str
    status_changed_at: datetime | None
    official_response: str
    vote_count: int
    voted: bool = Field(False, description="Whether the caller voted for it.")
    merged_into_id: int | None


class IdeaPage(Schema):
    items: list[IdeaOut]
    next_cursor: str | None


class IdeaQuery(CursorQuery):
    status: StatusName | None = Field(None, description="Only ideas in this status.")
    sort: IdeaSort = "votes"
    category_id: int | None = Field(None, ge=1, le=2**62)


class VoteOut(Schema):
    voted: bool
    vote_count: int


class StatusIn(Strict):
    status: SettableStatus
    response: str = Field(
        "", max_length=services.MAX_RESPONSE_CHARS, description="An official response."
    )


def _out(idea: Idea, voted: bool) -> IdeaOut:
    topic = idea.topic
    return IdeaOut(
        id=topic.pk,
        title=topic.title,
        slug=topic.slug,
        category_id=topic.category_id,
        author=topic.author,
        created_at=topic.created_at,
        post_count=topic.post_count,
        status=idea.status,
        status_changed_at=idea.status_changed_at,
        official_response=idea.official_response,
        vote_count=idea.vote_count,
        voted=voted,
        merged_into_id=idea.merged_into_id,
    )


@router.get("/{slug}/ideas", response={200: IdeaPage, **errors(*READ_ERRORS)})
def idea_list(request, slug: str, query: Query[IdeaQuery]):
    """Ideas the caller may read (cursor-paginated), most voted first, or by ``sort``;
    merged ideas only when ``status=merged`` is asked for."""
    community, actor = community_actor(request, slug)
    ideas = selectors.visible_ideas(actor, community).select_related("topic__author")
    if query.status is not None:
        ideas = ideas.filter(status=query.status)
    else:
        ideas = ideas.exclude(status=IdeaStatus.MERGED)
    if query.category_id is not None:
        ideas = ideas.filter(topic__category_id=query.category_id)
    result = page(ideas, ORDERINGS[query.sort], query, scope=f"ideas:{community.pk}:{query.sort}")
    mine = selectors.my_votes(actor, [idea.pk for idea in result["items"]])
    result["items"] = [_out(idea, idea.pk in mine) for idea in result["items"]]
    return result


def _idea_for(actor, topic_id: int) -> Idea:
    topic = discussion_selectors.topic_for(actor, topic_id)
    idea = selectors.idea_for_topic(topic)
    if idea is None:
        raise ApiError(404, _("That topic is not an idea."))
    idea.topic = topic
    return idea


def _fresh(actor, idea: Idea) -> IdeaOut:
    topic = idea.topic
    idea = Idea.objects.get(pk=idea.pk)
    idea.topic = topic
    return _out(idea, bool(selectors.my_votes(actor, [idea.pk])))


@router.get("/{slug}/ideas/{topic_id}", response={200: IdeaOut, **errors(*READ_ERRORS)})
def idea_detail(request, slug: str, topic_id: int = ID):
    _community, actor = community_actor(request, slug)
    return _fresh(actor, _idea_for(actor, topic_id))


def _vote_state(actor, idea: Idea) -> VoteOut:
    fresh = Idea.objects.get(pk=idea.pk)
    return VoteOut(voted=bool(selectors.my_votes(actor, [idea.pk])), vote_count=fresh.vote_count)


@router.put("/{slug}/ideas/{topic_id}/vote", response={200: VoteOut, **errors(*WRITE_ERRORS)})
def idea_vote(request, slug: str, topic_id: int = ID):
    """Vote for an idea (voting twice is the same as once). A closed idea, or one over the
    community's vote limit, is refused with the reason."""
    _community, actor = community_actor(request, slug)
    idea = _idea_for(actor, topic_id)
    if not selectors.my_votes(actor, [idea.pk]):
        services.idea_vote(actor=actor, idea=idea)
    return _vote_state(actor, idea)


@router.delete("/{slug}/ideas/{topic_id}/vote", response={200: VoteOut, **errors(*WRITE_ERRORS)})
def idea_unvote(request, slug: str, topic_id: int = ID):
    """Withdraw your vote (if there is none, nothing changes)."""
    _community, actor = community_actor(request, slug)
    idea = _idea_for(actor, topic_id)
    if selectors.my_votes(actor, [idea.pk]):
        services.idea_unvote(actor=actor, idea=idea)
    return _vote_state(actor, idea)


@router.put("/{slug}/ideas/{topic_id}/status", response={200: IdeaOut, **errors(*WRITE_ERRORS)})
def idea_status(request, slug: str, payload: StatusIn, topic_id: int = ID):
    """Set an idea's status, with an optional official response (staff; the key needs the
    ``moderate`` scope). Authors and voters are notified as from the page."""
    _community, actor = community_actor(request, slug, Scope.MODERATE)
    idea = _idea_for(actor, topic_id)
    services.idea_set_status(
        actor=actor, idea=idea, status=payload.status, response=payload.response
    )
    return _fresh(actor, idea)
