import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hearth.core.models import InteractionEvent
from hearth.discussions import services as discussion_services
from hearth.discussions.models import Post
from hearth.ideas import services
from hearth.ideas.models import Idea, IdeaStatus, IdeaStatusChange, IdeaVote
from hearth.testing.factories import actor_for, community_factory, membership_factory


def _vote(user, community, idea):
    return services.idea_vote(actor=actor_for(user, community), idea=idea)


def _new_idea(user, community, board, title="Another idea"):
    topic = discussion_services.topic_create(
        actor=actor_for(user, community), category=board, title=title, body="x"
    )
    return Idea.objects.get(topic=topic)


def test_proposing_records_idea_and_event(community, member, idea):
    assert idea.status == IdeaStatus.NEW and idea.vote_count == 0
    assert InteractionEvent.objects.filter(verb="idea.propose", actor=member).exists()


def test_vote_once_and_withdraw(community, owner, newcomer, idea):
    _vote(owner, community, idea)
    _vote(newcomer, community, idea)
    with pytest.raises(ValidationError, match="already voted"):
        _vote(owner, community, idea)
    idea.refresh_from_db()
    assert idea.vote_count == 2
    services.idea_unvote(actor=actor_for(owner, community), idea=idea)
    idea.refresh_from_db()
    assert idea.vote_count == 1
    with pytest.raises(ValidationError):
        services.idea_unvote(actor=actor_for(owner, community), idea=idea)
    event = InteractionEvent.objects.filter(verb="idea.vote").first()
    assert event.target_user == idea.topic.author


@pytest.mark.parametrize("persona", ["outsider", "banned", "anonymous"])
def test_non_members_cannot_vote(actor_of, idea, persona):
    with pytest.raises(PermissionDenied):
        services.idea_vote(actor=actor_of(persona), idea=idea)
    assert not IdeaVote.objects.exists()


def test_self_vote_can_be_forbidden(community, owner, member, idea):
    services.board_settings_update(
        actor=actor_for(owner, community), vote_limit=None, allow_self_vote=False
    )
    with pytest.raises(PermissionDenied, match="your own idea"):
        _vote(member, community, idea)
    _vote(owner, community, idea)


def test_vote_limit(community, owner, newcomer, board, idea):
    services.board_settings_update(
        actor=actor_for(owner, community), vote_limit=1, allow_self_vote=True
    )
    second = _new_idea(owner, community, board)
    _vote(newcomer, community, idea)
    with pytest.raises(ValidationError, match="all 1 of your votes"):
        _vote(newcomer, community, second)
    services.idea_set_status(
        actor=actor_for(owner, community), idea=idea, status=IdeaStatus.SHIPPED
    )
    _vote(newcomer, community, second)  # votes on shipped ideas are freed


@pytest.mark.parametrize("status", [IdeaStatus.DECLINED, IdeaStatus.SHIPPED])
def test_no_votes_after_declined_or_shipped(community, owner, newcomer, idea, status):
    services.idea_set_status(actor=actor_for(owner, community), idea=idea, status=status)
    with pytest.raises(PermissionDenied, match="no more votes"):
        _vote(newcomer, community, idea)


def test_status_with_official_response(community, owner, idea):
    services.idea_set_status(
        actor=actor_for(owner, community),
        idea=idea,
        status=IdeaStatus.PLANNED,
        response="Coming in **May**.",
    )
    idea.refresh_from_db()
    assert (
        idea.status == IdeaStatus.PLANNED and "<strong>May</strong>" in idea.official_response_html
    )
    change = IdeaStatusChange.objects.get(idea=idea)
    assert (change.from_status, change.to_status) == (IdeaStatus.NEW, IdeaStatus.PLANNED)
    event = InteractionEvent.objects.get(verb="idea.status")
    assert event.data == {"from": "new", "to": "planned", "responded": True}


@pytest.mark.parametrize("persona", ["member", "newcomer", "outsider"])
def test_status_changes_by_non_staff_are_refused(actor_of, idea, persona):
    with pytest.raises(PermissionDenied):
        services.idea_set_status(actor=actor_of(persona), idea=idea, status=IdeaStatus.PLANNED)
    idea.refresh_from_db()
    assert idea.status == IdeaStatus.NEW


def test_invalid_status_is_refused(community, owner, idea):
    for status in ("merged", "bogus"):
        with pytest.raises(ValidationError):
            services.idea_set_status(actor=actor_for(owner, community), idea=idea, status=status)


def test_merge_moves_votes_without_doubles(community, owner, member, newcomer, board, idea):
    duplicate = _new_idea(newcomer, community, board, title="Night theme")
    third = membership_factory(community).user
    _vote(owner, community, idea)
    _vote(owner, community, duplicate)  # voted for both: counted once after the merge
    _vote(third, community, duplicate)
    into = services.idea_merge(actor=actor_for(owner, community), idea=duplicate, into=idea)
    assert into.vote_count == 2
    assert set(IdeaVote.objects.filter(idea=idea).values_list("user", flat=True)) == {
        owner.pk,
        third.pk,
    }
    duplicate.refresh_from_db()
    assert duplicate.status == IdeaStatus.MERGED and duplicate.merged_into == idea
    assert Post.objects.filter(topic=idea.topic).count() == 2
    with pytest.raises(PermissionDenied):
        _vote(member, community, duplicate)


def test_merge_into_itself_or_across_communities_is_refused(community, owner, idea):
    with pytest.raises(ValidationError):
        services.idea_merge(actor=actor_for(owner, community), idea=idea, into=idea)
    other = community_factory(owner=owner)
    other_board = discussion_services.category_create(
        actor=actor_for(owner, other), name="Ideas", kind="ideas"
    )
    foreign = _new_idea(owner, other, other_board)
    with pytest.raises(ValidationError):
        services.idea_merge(actor=actor_for(owner, community), idea=idea, into=foreign)


def test_members_cannot_merge(community, member, board, idea):
    other = _new_idea(member, community, board)
    with pytest.raises(PermissionDenied):
        services.idea_merge(actor=actor_for(member, community), idea=other, into=idea)


def test_board_settings_validation(community, owner, moderator):
    with pytest.raises(ValidationError):
        services.board_settings_update(
            actor=actor_for(owner, community), vote_limit=0, allow_self_vote=True
        )
    with pytest.raises(PermissionDenied):
        services.board_settings_update(
            actor=actor_for(moderator, community), vote_limit=3, allow_self_vote=True
        )


def test_trending_ranks_recent_votes_above_old_ones(community, owner, board, idea):
    from datetime import timedelta

    from django.utils import timezone

    from hearth.ideas.models import trending_add, trending_remove, trending_weight
    from hearth.ideas.selectors import ideas_in_category

    fresh = _new_idea(owner, community, board, title="Fresh idea")
    old_votes = [membership_factory(community).user for _ in range(3)]
    for voter in old_votes:
        _vote(voter, community, idea)
    # Age the three votes by four half-lives: together they now weigh less than one new vote.
    long_ago = timezone.now() - timedelta(days=28)
    IdeaVote.objects.filter(idea=idea).update(created_at=long_ago)
    services._recount_votes(idea)
    _vote(membership_factory(community).user, community, fresh)
    order = list(
        ideas_in_category(
            actor_for(owner, community), board, sort="trending", status=None
        ).values_list("topic__title", flat=True)
    )
    assert order[:2] == ["Fresh idea", "Dark mode for the app"]
    votes_first = list(
        ideas_in_category(
            actor_for(owner, community), board, sort="votes", status=None
        ).values_list("topic__title", flat=True)
    )
    assert votes_first[0] == "Dark mode for the app"
    # Adding then removing a vote's weight gives the score back.
    now = timezone.now()
    earlier = trending_weight(now - timedelta(days=3))
    both = trending_add(earlier, trending_weight(now))
    assert abs(trending_remove(both, trending_weight(now)) - earlier) < 1e-9
    assert trending_remove(trending_weight(now), trending_weight(now)) == 0.0


def test_withdrawing_the_only_vote_resets_trending(community, newcomer, idea):
    _vote(newcomer, community, idea)
    idea.refresh_from_db()
    assert idea.trending_score > 0
    services.idea_unvote(actor=actor_for(newcomer, community), idea=idea)
    idea.refresh_from_db()
    assert idea.trending_score == 0.0 and idea.vote_count == 0
