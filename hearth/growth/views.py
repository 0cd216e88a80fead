"""The way in: the campaign landing page, and the staff's campaign links, funnel and bulk
invites. Thin: the policy decides, services write, selectors read."""

from __future__ import annotations

import csv
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from hearth.analytics.funnel import STAGES
from hearth.communities import selectors as community_selectors
from hearth.communities.models import JoinPolicy
from hearth.communities.views_staff import staff_nav, staff_view
from hearth.core.htmx import is_htmx
from hearth.core.pagination import paginate
from hearth.core.spreadsheets import spreadsheet_safe
from hearth.growth import attribution, policy, selectors, services
from hearth.growth.forms import BulkInviteForm, CampaignLinkForm
from hearth.growth.invite_csv import MAX_BYTES, MAX_ROWS
from hearth.growth.models import BulkInvite, BulkInviteStatus, RowResult
from hearth.growth.policy import Landing

FUNNEL_DAYS = selectors.FUNNEL_DAYS


def _signup_url(next_url: str) -> str:
    return f"{reverse('account_signup')}?{urlencode({'next': next_url})}"


def _login_url(next_url: str) -> str:
    return f"{reverse('account_login')}?{urlencode({'next': next_url})}"


def welcome(request, community_slug):
    """The landing page of every campaign and invite link."""
    community, actor = request.community, request.actor
    came = attribution.from_query(request.GET)
    invite = community_selectors.invite_by_code(community, came.invite) if came.invite else None
    access = policy.landing(actor, community, invite, came.invite)
    if access is Landing.HIDDEN:
        raise Http404
    if access is Landing.INVALID_INVITE:
        shown = policy.invalid_invite_shows_community(actor, community)
        return render(
            request,
            "growth/invite_invalid.html",
            {"community": community if shown else None, "shown": shown},
            status=410 if invite is not None else 404,
        )
    came = attribution.Attribution(
        source=came.source or (invite.source if invite else ""),
        campaign=came.campaign,
        invite=came.invite,
    )
    attribution.remember(request.session, community.slug, came)
    # The page-view recorder counts this visit as the campaign's "visited" step.
    request.audience_source = (came.source, came.campaign)
    if actor.is_member:
        return redirect("communities:home", community.slug)
    join_url = reverse("communities:join", args=[community.slug])
    if came.invite:
        join_url += "?" + urlencode({"invite": came.invite})
    full = access is Landing.FULL
    return render(
        request,
        "growth/landing.html",
        {
            "full": full,
            "rules": selectors.rules(community) if full else None,
            "topics": selectors.recent_public_topics(community) if full else [],
            "join_url": join_url if actor.user else _signup_url(join_url),
            "login_url": None if actor.user else _login_url(join_url),
            "asks": community.join_policy == JoinPolicy.APPROVAL and invite is None,
        },
    )


def _campaign_url(request, source: str, campaign: str) -> str:
    return request.build_absolute_uri(
        attribution.campaign_path(request.community.slug, source, campaign)
    )


@staff_view
def campaigns(request):
    """Make a campaign link; see each campaign's funnel over the last 90 days."""
    policy.ensure_manage_growth(request.actor)
    form = CampaignLinkForm(request.GET if "source" in request.GET else None)
    link = None
    if form.is_bound and form.is_valid():
        source = attribution.clean_source(form.cleaned_data["source"])
        link = _campaign_url(
            request, source, attribution.clean_source(form.cleaned_data["campaign"])
        )
    _window, report = selectors.campaign_report(request.community, FUNNEL_DAYS)
    return render(
        request,
        "growth/campaigns.html",
        {
            "form": form,
            "link": link,
            "report": report,
            "stages": STAGES,
            "days": FUNNEL_DAYS,
            **staff_nav(request),
        },
    )


@staff_view
def bulk_invites(request):
    policy.ensure_manage_growth(request.actor)
    form = BulkInviteForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            # One byte past the cap is enough to refuse an oversized file.
            data = upload.read(MAX_BYTES + 1)
            batch = services.bulk_invite_create(
                actor=request.actor,
                data=data,
                file_name=upload.name or "",
                campaign=form.cleaned_data["campaign"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            messages.success(request, _("The invites are on their way."))
            return redirect("growth:bulk-invite", request.community.slug, batch.pk)
    page = paginate(request, selectors.bulk_invites(request.community))
    return render(
        request,
        "growth/bulk_invites.html",
        {"form": form, "page": page, "max_rows": MAX_ROWS, **staff_nav(request)},
    )


def _batch(request, batch_id: int) -> BulkInvite:
    policy.ensure_manage_growth(request.actor)
    try:
        return selectors.bulk_invite_for(request.actor, batch_id)
    except BulkInvite.DoesNotExist:
        raise Http404 from None


@staff_view
def bulk_invite(request, batch_id: int):
    """A batch's progress; htmx polls the progress part until the worker is done."""
    batch = _batch(request, batch_id)
    context = {
        "batch": batch,
        "counts": selectors.bulk_invite_counts(batch),
        "results": RowResult,
        "done": batch.status == BulkInviteStatus.DONE,
    }
    if is_htmx(request):
        return render(request, "growth/_bulk_progress.html", context)
    return render(request, "growth/bulk_invite.html", {**context, **staff_nav(request)})


@staff_view
def bulk_invite_report(request, batch_id: int):
    """Every row of the upload with its result, as CSV (formulas neutralised)."""
    batch = _batch(request, batch_id)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="invites-{batch.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow(["line", "email", "name", "result"])
    labels = dict(RowResult.choices)
    for row in selectors.bulk_invite_rows(batch).iterator(chunk_size=1000):
        writer.writerow(
            [
                row.line,
                spreadsheet_safe(row.email),
                spreadsheet_safe(row.name),
                str(labels.get(row.result, row.result)),
            ]
        )
    return response
