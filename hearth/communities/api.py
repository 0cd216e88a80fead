from django.http import Http404
from ninja import Router
from ninja.pagination import paginate

from hearth.api.pagination import BoundedPageNumberPagination
from hearth.api.schemas import Error
from hearth.communities import policy, selectors
from hearth.communities.models import Community
from hearth.communities.schemas import CommunityDetailOut, CommunityOut
from hearth.core.actor import Actor

router = Router(tags=["communities"])


@router.get("/", response={200: list[CommunityOut], 422: Error})
@paginate(BoundedPageNumberPagination, page_size=50)
def community_list(request):
    """Communities the caller can see: public ones and private ones they belong to."""
    return selectors.communities_for_home(request.actor)


@router.get("/{slug}", response={200: CommunityDetailOut, 404: Error})
def community_detail(request, slug: str):
    """One community, with the caller's standing and whether they may join."""
    community = Community.objects.filter(slug=slug).first()
    actor = Actor.for_user(request.user, community)
    if community is None or not policy.can_view_community(actor, community):
        raise Http404
    rules = selectors.current_rules(community)
    community.rules_html = rules.html if rules else ""
    community.can_join = policy.can_join(actor, community)
    community.viewer_role = actor.role
    community.viewer_status = actor.status
    return community
