import pytest

from hearth.members import services
from hearth.members.models import MemberProfile, QuestionKind
from hearth.testing.factories import actor_for


@pytest.fixture
def profile_of(community):
    """profile_of(user) -> that user's MemberProfile in the shared community."""

    def get(user):
        return MemberProfile.objects.select_related("membership", "user").get(
            community=community, user=user
        )

    return get


@pytest.fixture
def edit(community, profile_of):
    """edit(user, **fields) -> updates the user's profile through the service."""

    def update(user, **fields):
        return services.profile_update(
            actor=actor_for(user, community), profile=profile_of(user), **fields
        )

    return update


@pytest.fixture
def questions(community, owner):
    actor = actor_for(owner, community)
    return {
        "camera": services.profile_question_save(
            actor=actor, text="Which camera?", kind=QuestionKind.CHOICE, choices=["X1", "X2"]
        ),
        "subjects": services.profile_question_save(
            actor=actor,
            text="What do you photograph?",
            kind=QuestionKind.MULTI,
            choices=["Birds", "Stars", "Streets"],
            is_required=True,
        ),
        "note": services.profile_question_save(
            actor=actor,
            text="Anything staff should know?",
            kind=QuestionKind.TEXT,
            is_public=False,
        ),
    }
