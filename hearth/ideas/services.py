"""Writes for the ideas board. Proposing an idea is starting a topic in an ideas category;
these add votes, statuses with official responses, and merging duplicates."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from hearth.communities.models import Community
from hearth.core.actor import Actor
from hearth.core.events import record_event
from hearth.core.markdown import clean_text, render_markdown
from hearth.core.models import InteractionEvent
from hearth.discussions.models import CategoryKind, Topic
from hearth.ideas import policy
from hearth.ideas.models import (
    ACTIVE_STATUSES,
    Idea,
    IdeaBoardSettings,
    IdeaStatus,
    IdeaStatusChange,
    IdeaVote,
    trending_add,
    trending_remove,
    trending_weight,
)

MAX_RESPONSE_CHARS = 10_000


def board_settings(community: Community) -> IdeaBoardSettings | None:
    return IdeaBoardSettings.objects.filter(community=community).first()


def idea_created(event: InteractionEvent) -> None:
    """Follows discussions' ``topic.create`` inside its transaction: a topic started in an
    ideas category is an idea."""
    if event.data.get("kind") != CategoryKind.IDEAS:
        return
    topic = Topic.objects.get(pk=event.data["topic"])
    Idea.objects.create(community=event.community, topic=topic)
    record_event(community=event.community, actor=event.actor, verb="idea.propose", obj=topic)


def _locked(idea: Idea) -> Idea:
    return Idea.objects.select_for_update().select_related("topic__category").get(pk=idea.pk)


@transaction.atomic
def idea_vote(*, actor: Actor, idea: Idea) -> IdeaVote:
    board = board_settings(actor.community)
    idea = _locked(idea)
    policy.ensure_vote(actor, idea, board)
    if IdeaVote.objects.filter(idea=idea, user=actor.user).exists():
        raise ValidationError(_("You already voted for this idea."))
    if board is not None and board.vote_limit is not None:
        active = IdeaVote.objects.filter(
            community=actor.community, user=actor.user, idea__status__in=ACTIVE_STATUSES
        ).count()
        if active >= board.vote_limit:
            raise ValidationError(
                _("You have used all %(n)s of your votes. Withdraw one to vote here.")
                % {"n": board.vote_limit}
            )
    vote = IdeaVote.objects.create(community=actor.community, idea=idea, user=actor.user)
    Idea.objects.filter(pk=idea.pk).update(
        vote_count=F("vote_count") + 1,
        last_voted_at=vote.created_at,
        trending_score=trending_add(idea.trending_score, trending_weight(vote.created_at)),
    )
    record_event(
        community=actor.community, actor=actor.user, verb="idea.vote",
        target_user=idea.topic.author, obj=idea.topic,
    )  # fmt: skip
    return vote


@transaction.atomic
def idea_unvote(*, actor: Actor, idea: Idea) -> None:
    idea = _locked(idea)
    vote = IdeaVote.objects.filter(idea=idea, user=actor.user).first()
    if vote is None:
        raise ValidationError(_("You have not voted for this idea."))
    vote.delete()
    Idea.objects.filter(pk=idea.pk).update(
        vote_count=F("vote_count") - 1,
        trending_score=trending_remove(idea.trending_score, trending_weight(vote.created_at)),
    )
    record_event(community=actor.community, actor=actor.user, verb="idea.unvote", obj=idea.topic)


@transaction.atomic
def idea_set_status(*, actor: Actor, idea: Idea, status: str, response: str = "") -> Idea:
    """Change the status, with an optional official response shown on the idea. Voters and
    the author are told through the event log (notifications read it)."""
    idea = _locked(idea)
    policy.ensure_manage_idea(actor, idea)
    if status not in IdeaStatus.values or status == IdeaStatus.MERGED:
        raise ValidationError({"status": [_("Choose a status.")]})
    response = clean_text(response).strip()
    if len(response) > MAX_RESPONSE_CHARS:
        raise ValidationError({"response": [_("Keep the response under 10,000 characters.")]})
    if status == idea.status and not response:
        return idea
    html = render_markdown(response, nofollow=False) if response else ""
    IdeaStatusChange.objects.create(
        community=actor.community, idea=idea, from_status=idea.status, to_status=status,
        response=response, response_html=html, actor=actor.user,
    )  # fmt: skip
    previous = idea.status
    idea.status = status
    idea.status_changed_at = timezone.now()
    if response:
        idea.official_response, idea.official_response_html = response, html
    idea.save(
        update_fields=["status", "status_changed_at", "official_response", "official_response_html"]
    )
    record_event(
        community=actor.community, actor=actor.user, verb="idea.status",
        target_user=idea.topic.author, obj=idea.topic,
        data={"from": previous, "to": status, "responded": bool(response)},
    )  # fmt: skip
    return idea


def _recount_votes(idea: Idea) -> None:
    """Recompute an idea's vote count and trending score from its votes."""
    score = 0.0
    times = (
        IdeaVote.objects.filter(idea=idea)
        .order_by("created_at")
        .values_list("created_at", flat=True)
    )
    count = 0
    for when in times.iterator(chunk_size=2000):
        score = trending_add(score, trending_weight(when))
        count += 1
    Idea.objects.filter(pk=idea.pk).update(vote_count=count, trending_score=score)


@transaction.atomic
def idea_merge(*, actor: Actor, idea: Idea, into: Idea) -> Idea:
    """Merge a duplicate into another idea: its votes move (nobody votes twice), its posts
    move to the end of the other topic, and it points there."""
    if idea.pk == into.pk:
        raise ValidationError({"into": [_("An idea cannot be merged into itself.")]})
    locked = {
        i.pk: i
        for i in Idea.objects.select_for_update()
        .select_related("topic__category")
        .filter(pk__in=[idea.pk, into.pk])
        .order_by("pk")
    }
    idea, into = locked[idea.pk], locked.get(into.pk)
    if into is None or into.community_id != idea.community_id:
        raise ValidationError({"into": [_("Choose an idea of this community.")]})
    policy.ensure_manage_idea(actor, idea)
    policy.ensure_manage_idea(actor, into)
    if into.status == IdeaStatus.MERGED:
        raise ValidationError(
            {"into": [_("That idea was itself merged; merge into its target instead.")]}
        )
    already = IdeaVote.objects.filter(idea=into).values("user_id")
    moved = IdeaVote.objects.filter(idea=idea).exclude(user_id__in=already).update(idea=into)
    IdeaVote.objects.filter(idea=idea).delete()
    _recount_votes(into)
    IdeaStatusChange.objects.create(
        community=actor.community,
        idea=idea,
        from_status=idea.status,
        to_status=IdeaStatus.MERGED,
        actor=actor.user,
    )
    Idea.objects.filter(pk=idea.pk).update(
        status=IdeaStatus.MERGED, merged_into=into, vote_count=0, status_changed_at=timezone.now()
    )
    from hearth.discussions import services as discussion_services

    discussion_services.topic_merge(actor=actor, topic=idea.topic, into=into.topic)
    record_event(
        community=actor.community, actor=actor.user, verb="idea.merge", obj=idea.topic,
        data={"into": into.pk, "votes_moved": moved},
    )  # fmt: skip
    into.refresh_from_db()
    return into


@transaction.atomic
def board_settings_update(
    *, actor: Actor, vote_limit: int | None, allow_self_vote: bool
) -> IdeaBoardSettings:
    from hearth.communities import policy as community_policy

    community_policy.ensure_manage_community(actor)
    if vote_limit is not None and not 1 <= vote_limit <= 1000:
        raise ValidationError(
            {"vote_limit": [_("Allow between 1 and 1,000 active votes, or leave empty.")]}
        )
    board, _created = IdeaBoardSettings.objects.update_or_create(
        community=actor.community,
        defaults={"vote_limit": vote_limit, "allow_self_vote": allow_self_vote},
    )
    return board
