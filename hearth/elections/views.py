"""Election pages: the list with the elected moderators, a new election (staff), one
election (nominations, statements, the ballot, turnout and the published count, staff's
extend and cancel), and recalls (start, sign, vote, result)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hearth.communities.views import community_view
from hearth.core.forms import add_service_errors, flash_service_errors
from hearth.elections import policy, recalls, selectors, services
from hearth.elections.forms import (
    CancelForm,
    ElectionForm,
    ExtendForm,
    NominateForm,
    RecallForm,
    StatementForm,
    ranked_choices,
)
from hearth.elections.models import CandidateStatus, ElectionStatus, Method, RecallStatus


def _detail_url(request, election) -> str:
    return reverse("elections:detail", args=[request.community.slug, election.pk])


def _recall_url(request, recall) -> str:
    return reverse("elections:recall", args=[request.community.slug, recall.pk])


@community_view
def election_list(request):
    community, actor = request.community, request.actor
    now = timezone.now()
    mandates = list(selectors.current_mandates(community, now))
    return render(
        request,
        "elections/list.html",
        {
            "elections": selectors.elections(community)[:50],
            "mandates": [(m, policy.can_start_recall(actor, m, now)) for m in mandates]
            if actor.is_member
            else [(m, False) for m in mandates],
            "can_manage": policy.can_manage_elections(actor),
            "statuses": ElectionStatus,
        },
    )


@login_required
@community_view
def election_new(request):
    policy.ensure_manage_elections(request.actor)
    form = ElectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            election = services.election_create(actor=request.actor, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The election is open for nominations."))
            return redirect(_detail_url(request, election))
    return render(request, "elections/form.html", {"form": form})


def _detail_context(request, election, **forms) -> dict:
    actor, now = request.actor, timezone.now()
    rows = selectors.candidates(election)
    by_id = {c.pk: c for c in rows}
    standing = [c for c in rows if c.status == CandidateStatus.ACCEPTED]
    waiting = [c for c in rows if c.status == CandidateStatus.INVITED]
    mine = next((c for c in rows if actor.user and c.user_id == actor.user.pk), None)
    ballot_ids = [c for c in election.lot if c in by_id]
    own = (
        services.own_ballot(election, actor.user)
        if election.status == ElectionStatus.VOTING
        else []
    )
    rank_of = {c: i + 1 for i, c in enumerate(own)} if election.method == Method.STV else {}
    has_voted = bool(own)
    if (submitted := forms.get("submitted")) is not None:
        # A refused ballot comes back as the member filled it in, to correct.
        own = [c for c in ballot_ids if str(c) in submitted.getlist("approve")]
        rank_of = {
            c: int(value)
            for c in ballot_ids
            if (value := submitted.get(f"rank-{c}", "")).isdigit() and len(value) < 4
        }
    cast, electorate = selectors.turnout(election)
    vote_denial = policy.vote_denial(actor, election, now)
    return {
        "election": election,
        "statuses": ElectionStatus,
        "standing": standing,
        "waiting": waiting if election.status == ElectionStatus.NOMINATING else [],
        "mine": mine,
        "can_answer": mine is not None and policy.can_answer_nomination(actor, mine, now),
        "can_edit_statement": mine is not None and policy.can_edit_statement(actor, mine, now),
        "can_nominate": policy.can_nominate(actor, election, now),
        "nominate_denial": policy.nominate_denial(actor, election, now)
        if actor.user and election.status == ElectionStatus.NOMINATING
        else None,
        "ballot": [(by_id[c], c in own, rank_of.get(c)) for c in ballot_ids],
        "ranks": range(1, len(ballot_ids) + 1),
        "has_voted": has_voted,
        "can_vote": vote_denial is None,
        "vote_denial": vote_denial
        if actor.user and election.status == ElectionStatus.VOTING
        else None,
        "cast": cast,
        "electorate": electorate,
        "turnout_percent": round(100 * cast / electorate) if electorate else 0,
        "results": selectors.results(election, by_id),
        "is_stv": election.method == Method.STV,
        "can_change": policy.can_change_election(actor, election),
        "can_extend": policy.extend_denial(actor, election) is None,
        "recalls": list(selectors.recalls_of(election)),
        "nominate_form": forms.get("nominate_form") or NominateForm(),
        "statement_form": forms.get("statement_form")
        or StatementForm(initial={"statement": mine.statement if mine else ""}),
        "extend_form": forms.get("extend_form") or ExtendForm(),
        "cancel_form": CancelForm(),
        "ballot_error": forms.get("ballot_error"),
        "anonymous": actor.user is None,
    }


@community_view
def detail(request, election_id):
    election = selectors.election_for(request.actor, election_id)
    return render(request, "elections/detail.html", _detail_context(request, election))


def _rerender(request, election, status=422, **forms):
    return render(
        request, "elections/detail.html", _detail_context(request, election, **forms),
        status=status,
    )  # fmt: skip


@require_POST
@login_required
@community_view
def nominate(request, election_id):
    election = selectors.election_for(request.actor, election_id)
    form = NominateForm(request.POST)
    if form.is_valid():
        try:
            candidate = services.candidate_nominate(
                actor=request.actor, election=election, username=form.cleaned_data["username"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if candidate.status == CandidateStatus.ACCEPTED:
                messages.success(request, _("You are standing. Write your statement below."))
            else:
                messages.success(request, _("%(name)s is nominated and asked to accept.") % {
                    "name": candidate.user.name})  # fmt: skip
            return redirect(_detail_url(request, election))
    return _rerender(request, election, nominate_form=form)


@require_POST
@login_required
@community_view
def answer(request, election_id, candidate_id):
    election = selectors.election_for(request.actor, election_id)
    candidate = selectors.candidate_for(election, candidate_id)
    accept = request.POST.get("answer") == "accept"
    try:
        services.candidate_answer(actor=request.actor, candidate=candidate, accept=accept)
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(
            request,
            _("You are standing. Write your statement below.")
            if accept
            else _("You declined the nomination: you will not be on the ballot."),
        )
    return redirect(_detail_url(request, election))


@require_POST
@login_required
@community_view
def statement(request, election_id, candidate_id):
    election = selectors.election_for(request.actor, election_id)
    candidate = selectors.candidate_for(election, candidate_id)
    form = StatementForm(request.POST)
    if form.is_valid():
        try:
            services.candidate_statement(
                actor=request.actor, candidate=candidate, statement=form.cleaned_data["statement"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your statement is saved."))
            return redirect(_detail_url(request, election))
    return _rerender(request, election, statement_form=form)


@require_POST
@login_required
@community_view
def vote(request, election_id):
    election = selectors.election_for(request.actor, election_id)
    if election.method == Method.STV:
        choices, error = ranked_choices(request.POST, list(election.lot))
    else:
        choices, error = request.POST.getlist("approve"), None
    if error is None:
        try:
            services.ballot_cast(actor=request.actor, election=election, choices=choices)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request, _("Your ballot is saved. You can change it until voting closes.")
            )
            return redirect(_detail_url(request, election))
    return _rerender(request, election, ballot_error=error, submitted=request.POST)


@require_POST
@login_required
@community_view
def extend(request, election_id):
    election = selectors.election_for(request.actor, election_id)
    policy.ensure_extend(request.actor, election)
    form = ExtendForm(request.POST)
    if form.is_valid():
        try:
            services.election_extend(
                actor=request.actor, election=election, days=form.cleaned_data["days"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Nominations are extended."))
            return redirect(_detail_url(request, election))
    return _rerender(request, election, extend_form=form)


@require_POST
@login_required
@community_view
def cancel(request, election_id):
    election = selectors.election_for(request.actor, election_id)
    form = CancelForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    services.election_cancel(actor=request.actor, election=election, reason=reason)
    messages.success(request, _("The election is cancelled."))
    return redirect(_detail_url(request, election))


# Recalls ----------------------------------------------------------------------------------


@login_required
@community_view
def recall_new(request, mandate_id):
    mandate = selectors.mandate_for(request.actor, mandate_id)
    policy.ensure_start_recall(request.actor, mandate)
    form = RecallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            recall = recalls.recall_start(
                actor=request.actor, mandate=mandate, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The petition is open, with your signature."))
            return redirect(_recall_url(request, recall))
    return render(request, "elections/recall_form.html", {"form": form, "mandate": mandate})


@community_view
def recall_detail(request, recall_id):
    recall = selectors.recall_for(request.actor, recall_id)
    actor, now = request.actor, timezone.now()
    vote_denial = policy.recall_vote_denial(actor, recall, now)
    sign_denial = policy.sign_recall_denial(actor, recall, now)
    return render(
        request,
        "elections/recall.html",
        {
            "recall": recall,
            "statuses": RecallStatus,
            "can_sign": sign_denial is None,
            "sign_denial": sign_denial
            if actor.user and recall.status == RecallStatus.PETITION
            else None,
            "can_vote": vote_denial is None,
            "vote_denial": vote_denial
            if actor.user and recall.status == RecallStatus.VOTING
            else None,
            "my_vote": selectors.own_recall_vote(recall, actor.user)
            if recall.status == RecallStatus.VOTING
            else None,
            "cast": selectors.recall_turnout(recall),
        },
    )


@require_POST
@login_required
@community_view
def recall_sign(request, recall_id):
    recall = selectors.recall_for(request.actor, recall_id)
    try:
        recalls.recall_sign(actor=request.actor, recall=recall)
    except (ValidationError, PermissionDenied) as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(request, _("You signed the petition."))
    return redirect(_recall_url(request, recall))


@require_POST
@login_required
@community_view
def recall_vote(request, recall_id):
    recall = selectors.recall_for(request.actor, recall_id)
    choice = request.POST.get("vote")
    if choice not in ("yes", "no"):
        messages.error(request, _("Choose yes or no."))
        return redirect(_recall_url(request, recall))
    try:
        recalls.recall_ballot_cast(actor=request.actor, recall=recall, remove=choice == "yes")
    except (ValidationError, PermissionDenied) as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(request, _("Your vote is saved. You can change it until voting closes."))
    return redirect(_recall_url(request, recall))
