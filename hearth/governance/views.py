"""Governance pages: the rules history, the proposals, proposing, voting, the owner's
veto, and the rules of voting (staff). Thin: look up, ask the policy, call a service."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hearth.communities.selectors import current_rules
from hearth.communities.views import community_view
from hearth.communities.views_staff import staff_nav, staff_view
from hearth.core.forms import add_service_errors, flash_service_errors
from hearth.core.pagination import paginate
from hearth.governance import diff, policy, selectors, services
from hearth.governance.forms import BallotForm, GovernanceSettingsForm, ProposalForm, VetoForm
from hearth.governance.models import GovernanceSettings, ProposalStatus

HISTORY_PER_PAGE = 10


@community_view
def history(request):
    community = request.community
    page = paginate(request, selectors.rules_versions(community), HISTORY_PER_PAGE)
    return render(
        request,
        "governance/history.html",
        {
            "page": page,
            "entries": selectors.history_entries(community, list(page.object_list)),
            "proposals_enabled": GovernanceSettings.for_community(community).proposals_enabled,
        },
    )


@community_view
def proposal_list(request):
    actor, community = request.actor, request.community
    settings = GovernanceSettings.for_community(community)
    page = paginate(request, selectors.proposals(community), 20)
    return render(
        request,
        "governance/proposal_list.html",
        {
            "page": page,
            "items": selectors.with_turnout(list(page.object_list)),
            "settings": settings,
            "can_propose": policy.can_propose(actor, settings),
        },
    )


def _text_hash(text: str) -> str:
    return hashlib.sha256(text.strip().encode()).hexdigest()[:32]


@login_required
@community_view
def proposal_new(request):
    actor, community = request.actor, request.community
    settings = GovernanceSettings.for_community(community)
    policy.ensure_propose(actor, settings, has_open_proposal=services.has_open_proposal(actor))
    rules = current_rules(community)
    current_text = rules.text if rules else ""
    form = ProposalForm(
        request.POST if request.method == "POST" else None, initial={"text": current_text}
    )
    rows, previewed = None, ""
    status = 200
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["text"]
        rows = diff.line_diff(current_text, text.strip())
        previewed = _text_hash(text)
        wants_vote = request.POST.get("action") == "submit"
        # Only the text whose changes were shown is put to a vote.
        if wants_vote and form.cleaned_data["previewed"] == previewed:
            try:
                proposal = services.proposal_create(actor=actor, **_fields(form))
            except ValidationError as exc:
                add_service_errors(form, exc)
                status = 400
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
                status = 403
            else:
                messages.success(request, _("Your proposal is open for voting."))
                return redirect("governance:proposal", community.slug, proposal.pk)
        elif not rows:
            form.add_error("text", _("The proposed rules are the same as the current ones."))
            status = 400
    elif form.is_bound:
        status = 400
    return render(
        request,
        "governance/proposal_new.html",
        {
            "form": form,
            "rows": rows,
            "previewed": previewed,
            **_counts(rows or []),
            "settings": settings,
        },
        status=status,
    )


def _counts(rows) -> dict:
    added, removed = diff.counts(rows)
    return {"added": added, "removed": removed}


def _fields(form) -> dict:
    return {k: form.cleaned_data[k] for k in ("title", "reason", "text")}


@community_view
def proposal_detail(request, proposal_id: int):
    actor = request.actor
    proposal = selectors.proposal_for(actor, proposal_id)
    elector = services.is_elector(proposal, actor.user)
    vote_denial = policy.vote_denial(actor, proposal, is_elector=elector)
    rows = diff.line_diff(selectors.base_text(proposal), proposal.text)
    return render(
        request,
        "governance/proposal_detail.html",
        {
            "proposal": proposal,
            "rows": rows,
            **_counts(rows),
            "turnout": selectors.turnout(proposal) if proposal.is_open else None,
            "is_elector": elector,
            "has_voted": services.has_voted(proposal, actor.user) if elector else False,
            "can_vote": vote_denial is None,
            "vote_denial": vote_denial,
            "ballot_form": BallotForm(),
            "can_veto": policy.can_veto(actor, proposal),
            "veto_form": VetoForm(),
            "rules_changed_since": (
                proposal.is_open and request.community.rules_version != proposal.base_version
            ),
            "statuses": ProposalStatus,
        },
    )


@require_POST
@login_required
@community_view
def proposal_vote(request, proposal_id: int):
    proposal = selectors.proposal_for(request.actor, proposal_id)
    form = BallotForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose yes, no or abstain."))
        return redirect("governance:proposal", request.community.slug, proposal.pk)
    try:
        first = services.ballot_cast(
            actor=request.actor, proposal=proposal, choice=form.cleaned_data["choice"]
        )
    except (ValidationError, PermissionDenied) as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(
            request,
            _("Your vote is counted.")
            if first
            else _("Your vote is changed; only the last counts."),
        )
    return redirect("governance:proposal", request.community.slug, proposal.pk)


@require_POST
@login_required
@community_view
def proposal_veto(request, proposal_id: int):
    proposal = selectors.proposal_for(request.actor, proposal_id)
    form = VetoForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why you veto it: members read it on the proposal."))
        return redirect("governance:proposal", request.community.slug, proposal.pk)
    try:
        services.proposal_veto(actor=request.actor, proposal=proposal, **form.cleaned_data)
    except (ValidationError, PermissionDenied) as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(request, _("The proposal is vetoed; the reason is shown on it."))
    return redirect("governance:proposal", request.community.slug, proposal.pk)


@staff_view
def settings_edit(request):
    actor, community = request.actor, request.community
    policy.ensure_manage_settings(actor)
    current = GovernanceSettings.for_community(community)
    initial = {
        name: getattr(current, name)
        for name in ("proposals_enabled", "propose_trust_level", "voting_days", "quorum_percent",
                     "threshold", "vote_trust_level", "vote_member_days", "owner_veto",
                     "veto_days", "discussion_category")
    }  # fmt: skip
    form = GovernanceSettingsForm(
        request.POST if request.method == "POST" else None, initial=initial, community=community
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.settings_update(actor=actor, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Rules of voting saved. Open votes keep their own."))
            return redirect("governance:settings", community.slug)
    return render(
        request,
        "governance/settings.html",
        {"form": form, **staff_nav(request)},
        status=400 if form.is_bound and form.errors else 200,
    )
