"""Background work fed by the interaction event log: the welcome direct message when a
member joins, and recording checklist completion after the steps' own events."""

from django_tasks import task

from hearth.accounts.models import User
from hearth.communities.models import Community
from hearth.core.models import InteractionEvent
from hearth.onboarding import services
from hearth.onboarding.models import ChecklistCompletion, ChecklistItem

# Events that may complete a checklist step (reading a guide has no event: it is checked
# when the member next sees their checklist).
CHECKLIST_VERBS = frozenset({"profile.update", "topic.create", "post.reply"})


@task()
def send_welcome_message(membership_id: int) -> bool:
    return services.welcome_send(membership_id=membership_id) is not None


@task()
def record_checklist_completion(community_id: int, user_id: int) -> bool:
    community = Community.objects.filter(pk=community_id).first()
    user = User.objects.filter(pk=user_id).first()
    if community is None or user is None:
        return False
    return services.checklist_record_completion(community=community, user=user) is not None


def enqueue_onboarding_work(events: list[InteractionEvent]) -> None:
    """Event consumer (registered in OnboardingConfig.ready), called after each commit.

    ``member.join`` is recorded both by an open join and by an approved request, with the
    membership as its object. Checklist checks are enqueued only for members of
    communities that have a checklist and who have not finished it yet."""
    candidates = set()
    for event in events:
        if event.verb == "member.join" and event.object_id is not None:
            send_welcome_message.enqueue(membership_id=event.object_id)
        elif event.verb in CHECKLIST_VERBS and event.actor_id is not None:
            candidates.add((event.community_id, event.actor_id))
    if not candidates:
        return
    community_ids = {community_id for community_id, _user_id in candidates}
    with_checklist = set(
        ChecklistItem.objects.filter(community_id__in=community_ids).values_list(
            "community_id", flat=True
        )
    )
    finished = set(
        ChecklistCompletion.objects.filter(
            community_id__in=with_checklist, user_id__in={user for _c, user in candidates}
        ).values_list("community_id", "user_id")
    )
    for community_id, user_id in sorted(candidates):
        if community_id in with_checklist and (community_id, user_id) not in finished:
            record_checklist_completion.enqueue(community_id=community_id, user_id=user_id)
