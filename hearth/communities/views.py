"""Community pages: thin views that look up, ask the policy, call a service and render."""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hearth.communities import policy, selectors, services
from hearth.communities.forms import InviteForm, JoinForm
from hearth.communities.models import JoinPolicy, MembershipStatus, Visibility
from hearth.core import panel_cache
from hearth.core.forms import add_service_errors
from hearth.core.page_cache import visitor_page_cache
from hearth.core.pagination import paginate
from hearth.discussions import selectors as discussion_selectors
from hearth.growth import attribution
from hearth.growth import selectors as growth_selectors
from hearth.members import policy as members_policy

HOME_TOPICS = 10
HOME_RULES = 5  # rule headlines on the home's card
HOME_NEWEST = 8
HOME_STAFF = 8


def community_view(view):
    """Hide communities the actor may not see: absent and forbidden look alike (404)."""

    @wraps(view)
    def wrapper(request, community_slug, *args, **kwargs):
        if not policy.can_view_community(request.actor, request.community):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _remember_source(request) -> None:
    """Keep where a visitor came from (?source=, utm_source/utm_campaign) until they join."""
    attribution.remember(
        request.session, request.community.slug, attribution.from_query(request.GET)
    )


def _welcome(request):
    """A campaign or invite link opened by someone signed out: the landing page, with the
    link's query string (the page-view recorder counts the visit there)."""
    url = reverse("growth:welcome", args=[request.community.slug])
    query = request.META.get("QUERY_STRING", "")
    return redirect(f"{url}?{query}" if query else url)


def _home_url(community) -> str:
    return reverse("communities:home", args=[community.slug])


def _join_action(actor, community) -> str | None:
    """The call to action in the community header: member, join, ask, invite or none."""
    if actor.is_member:
        return "member"
    if actor.user is None or policy.can_join(actor, community):
        return "ask" if community.join_policy == JoinPolicy.APPROVAL else "join"
    if community.join_policy == JoinPolicy.INVITE and actor.status in (
        None,
        MembershipStatus.LEFT,
        MembershipStatus.DECLINED,
    ):
        return "invite"
    return None


def _people_panels(community, actor):
    """The home's "Staff" and "Newest members" cards, kept a few minutes per audience (who
    sees members-only profiles, who sees the founders' hint) until a membership or a
    profile changes (hearth.core.panel_cache)."""
    sees_hidden = members_policy.sees_members_only_profiles(actor)
    can_manage = policy.can_manage_community(actor)

    def render():
        return render_to_string(
            "communities/_home_people.html",
            {
                "community": community,
                "staff": list(selectors.staff_members(community)[:HOME_STAFF]),
                "newest": selectors.newest_members(community, HOME_NEWEST, actor=actor),
                "can_manage": can_manage,
            },
        )

    audience = f"{'members' if sees_hidden else 'public'}-{'manage' if can_manage else 'read'}"
    return panel_cache.panel_html("people", community.pk, audience, render)


@visitor_page_cache
@community_view
def home(request):
    _remember_source(request)
    community, actor = request.community, request.actor
    categories = discussion_selectors.categories(actor, community)
    topics = discussion_selectors.topic_list(actor, community, readable=[c.pk for c in categories])[
        :HOME_TOPICS
    ]
    rules = selectors.current_rules(community)
    context = {
        "topics": discussion_selectors.with_unread(topics, actor),
        "categories": categories,
        "can_start_topic": policy.can_participate(actor),
        "rules": rules,
        "rule_headlines": selectors.rules_headlines(rules)[:HOME_RULES],
        "member_total": selectors.member_count(community),
        "people_panels": (
            _people_panels(community, actor) if policy.sees_inside(actor, community) else ""
        ),
        "join_action": _join_action(actor, community),
        "can_leave": policy.can_leave(actor),
        "can_manage": policy.can_manage_community(actor),
        "pending_count": (
            selectors.pending_request_count(community) if policy.can_review_requests(actor) else 0
        ),
    }
    return render(request, "communities/home.html", context)


@community_view
def rules(request):
    community, actor = request.community, request.actor
    if request.method == "POST":
        if not request.POST.get("accept_rules"):
            messages.error(request, _("Tick the box to accept the rules."))
        else:
            services.membership_accept_rules(actor=actor)
            messages.success(request, _("Thanks: you accepted the current rules."))
            return redirect(_home_url(community))
    return render(
        request,
        "communities/rules.html",
        {
            "rules": selectors.current_rules(community),
            "needs_acceptance": actor.needs_rules_acceptance,
            "can_join": policy.can_join(actor, community),
            "can_manage": policy.can_manage_community(actor),
            "proposals_enabled": _proposals_enabled(community),
        },
    )


def _proposals_enabled(community) -> bool:
    from hearth.governance.models import GovernanceSettings

    return GovernanceSettings.for_community(community).proposals_enabled


def join(request, community_slug):
    community, actor = request.community, request.actor
    if actor.user is None:
        return _welcome(request)
    # Where they came from: this link, else the landing page in this browser, else the
    # landing page they signed up from (confirming their email in another browser).
    came = attribution.from_query(request.GET)
    kept = attribution.remembered(request.session, community.slug)
    arrival = growth_selectors.arrival_for(actor.user, community)
    if not kept and arrival is not None:
        kept = attribution.Attribution(
            arrival.source, arrival.campaign, arrival.invite.code if arrival.invite else ""
        )
    code = request.POST.get("invite_code") or came.invite or kept.invite
    invite = selectors.invite_by_code(community, code)
    if not policy.can_view_community(actor, community) and not (invite and invite.is_usable):
        raise Http404

    questions = selectors.join_questions(community)
    remembered = {"source": kept.source, "campaign": kept.campaign}
    form = JoinForm(
        request.POST if request.method == "POST" else None,
        questions=questions,
        initial={
            "invite_code": code,
            "source": came.source or remembered["source"],
            "campaign": came.campaign or remembered["campaign"],
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.membership_join(
                actor=actor,
                community=community,
                accept_rules=form.cleaned_data["accept_rules"],
                answers=form.answers(),
                invite_code=form.cleaned_data["invite_code"],
                source=form.cleaned_data["source"] or remembered.get("source", ""),
                campaign=form.cleaned_data["campaign"] or remembered.get("campaign", ""),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            if membership.status == MembershipStatus.ACTIVE:
                messages.success(request, _("Welcome to %(name)s!") % {"name": community.name})
            return redirect(_home_url(community))

    needs_review = not policy.joins_without_review(
        community, invite if invite and invite.is_usable else None
    )
    return render(
        request,
        "communities/join.html",
        {
            "form": form,
            "rules": selectors.current_rules(community),
            "join_denial": policy.join_denial(
                actor, community, invite if invite and invite.is_usable else None
            ),
            "needs_review": needs_review,
            "show_questions": needs_review and bool(questions),
            "show_invite_field": community.join_policy == JoinPolicy.INVITE
            or community.visibility == Visibility.PRIVATE
            or bool(code),
        },
    )


@login_required
@community_view
def leave(request):
    actor = request.actor
    denial = policy.leave_denial(actor)
    if request.method == "POST" and denial is None:
        services.membership_leave(actor=actor)
        messages.success(request, _("You left %(name)s.") % {"name": request.community.name})
        return redirect("core:home")
    status = 403 if denial and request.method == "POST" else 200
    return render(request, "communities/leave.html", {"denial": denial}, status=status)


@login_required
@community_view
def my_invites(request):
    """A trusted member's own invites (admins manage every invite on the staff page)."""
    actor = request.actor
    policy.ensure_create_invite(actor)
    form = InviteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            invite = services.invite_create(actor=actor, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Invite %(code)s created.") % {"code": invite.code})
            return redirect("communities:invites", request.community.slug)
    page = paginate(request, selectors.invites(request.community).filter(created_by=actor.user))
    join_url = request.build_absolute_uri(reverse("growth:welcome", args=[request.community.slug]))
    return render(
        request,
        "communities/invites.html",
        {
            "form": form,
            "page": page,
            "join_url": join_url,
            "limits": services.MEMBER_INVITE_LIMITS,
        },
    )


@require_POST
@login_required
@community_view
def my_invite_revoke(request, invite_id: int):
    invite = selectors.invite_for(request.actor, invite_id)
    services.invite_revoke(actor=request.actor, invite=invite)
    messages.success(request, _("Invite %(code)s revoked.") % {"code": invite.code})
    return redirect("communities:invites", request.community.slug)
