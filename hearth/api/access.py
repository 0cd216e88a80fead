"""The community an operation works in and the actor it acts as, checked once.

Every community operation starts with :func:`community_actor`: the community by slug (404
if absent or not visible to the actor), the actor (a key's, or the signed-in user's
membership there) and the scope the operation needs (by default ``read`` for GET and
``write`` for the rest). A key opens only its own community: elsewhere it gets 404, as if
the community were not there. The apps' ``policy.py`` decides the rest, exactly as for
the pages."""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

from hearth.api import policy
from hearth.api.errors import ApiError
from hearth.api.models import Scope
from hearth.communities import policy as community_policy
from hearth.communities.models import Community
from hearth.core.actor import Actor

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def request_key(request):
    return getattr(request, "api_key", None)


def require_scope(request, scope: str) -> None:
    """403 ``insufficient_scope`` when the request's key lacks ``scope`` (sessions pass)."""
    reason = policy.scope_denial(request_key(request), scope)
    if reason is not None:
        raise ApiError(403, reason, code="insufficient_scope")


def has_scope(request, scope: str) -> bool:
    return policy.scope_denial(request_key(request), scope) is None


def community_actor(request, slug: str, scope: str | None = None) -> tuple[Community, Actor]:
    if scope is None:
        scope = Scope.READ if request.method in SAFE_METHODS else Scope.WRITE
    key = request_key(request)
    if key is not None:
        actor = request.actor
        community = actor.community
        if community is None or community.slug != slug:
            raise ApiError(
                404, _("Not found: this key opens its own community only."), code="not_found"
            )
    else:
        community = Community.objects.filter(slug=slug).first()
        if community is None:
            raise Http404
        actor = Actor.for_user(request.user, community)
    if not community_policy.can_view_community(actor, community):
        raise Http404
    require_scope(request, scope)
    return community, actor


def member_only(request) -> None:
    """Operations on one's own things (notifications): not for a community key."""
    key = request_key(request)
    if key is not None and key.kind != "member":
        raise ApiError(
            403,
            _("A community key acts for the community; use a member key for a member's own data."),
            code="member_key_required",
        )


def staff_only(actor: Actor) -> None:
    """Operations of the staff pages (members' roles, sanctions, invites): 403 for anyone
    who is not the community's staff, before anything is looked up; the apps' policies
    then decide which staff may do what."""
    if not community_policy.can_view_staff_pages(actor):
        raise ApiError(403, _("Only the community's staff can do that."))
