"""Event pages: the list (upcoming and past), the month, one event with RSVPs, the
create/edit form, cancelling, attendance and the community's event settings."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from hearth.communities.views import community_view
from hearth.communities.views_staff import staff_nav, staff_view
from hearth.core.forms import add_service_errors, flash_service_errors
from hearth.core.htmx import is_htmx
from hearth.core.uploads import private_file_response
from hearth.discussions import policy as discussion_policy
from hearth.events import policy, recurrence, selectors, services
from hearth.events.forms import EditEventForm, EventForm, EventSettingsForm, RsvpForm
from hearth.events.models import RsvpStatus


def _detail_url(request, event, day=None) -> str:
    url = reverse("events:detail", args=[request.community.slug, event.pk])
    return f"{url}?on={day.isoformat()}" if day else url


def _can_create(request) -> bool:
    return policy.can_create_event(request.actor, services.settings_for(request.community))


@community_view
def event_list(request):
    show_past = request.GET.get("show") == "past"
    community, actor = request.community, request.actor
    rows = selectors.past(actor, community) if show_past else selectors.upcoming(actor, community)
    return render(
        request,
        "events/list.html",
        {
            "rows": rows,
            "show_past": show_past,
            "can_create": _can_create(request),
            "anonymous": actor.user is None,
        },
    )


def _month_param(value: str | None) -> tuple[int, int]:
    today = timezone.localdate()
    if not value:
        return today.year, today.month
    try:
        year, month = (int(part) for part in value.split("-", 1))
        date(year, month, 1)
    except ValueError:
        return today.year, today.month
    if not 1970 <= year <= 2200:
        return today.year, today.month
    return year, month


@community_view
def month(request):
    year, month_ = _month_param(request.GET.get("m"))
    first = date(year, month_, 1)
    prev_month = date(year - 1, 12, 1) if month_ == 1 else date(year, month_ - 1, 1)
    next_month = date(year + 1, 1, 1) if month_ == 12 else date(year, month_ + 1, 1)
    weeks = selectors.month_grid(request.actor, request.community, year, month_)
    return render(
        request,
        "events/month.html",
        {
            "weeks": weeks,
            "has_events": any(d.items and d.in_month for week in weeks for d in week),
            "first": first,
            "prev_month": prev_month.strftime("%Y-%m"),
            "next_month": next_month.strftime("%Y-%m"),
            "can_create": _can_create(request),
            "today": timezone.localdate(),
        },
    )


def _occurrence(event, request_value):
    """The occurrence named by ``?on=``, else the next one, else the last."""
    if request_value:
        occurrence = recurrence.occurrence_on(event, request_value)
        if occurrence is None:
            raise Http404
        return occurrence
    upcoming = recurrence.next_occurrence(event, timezone.now())
    return upcoming or recurrence.occurrences(event)[-1]


def _rsvp_context(request, event, occurrence) -> dict:
    actor, now = request.actor, timezone.now()
    people = selectors.attendees(actor, event, occurrence.day)
    rsvp_denial = policy.rsvp_denial(actor, event, occurrence, now)
    full = event.capacity is not None and people.going_count >= event.capacity
    return {
        "event": event,
        "occurrence": occurrence,
        "people": people,
        "can_rsvp": rsvp_denial is None,
        "rsvp_denial": rsvp_denial,
        "is_full": full,
        "seats_left": (
            None if event.capacity is None else max(0, event.capacity - people.going_count)
        ),
        "my_status": people.mine.status if people.mine else "",
        "statuses": RsvpStatus,
        "anonymous": actor.user is None,
    }


@require_safe
@community_view
def cover(request, event_id, name):
    event = selectors.event_for(request.actor, event_id)
    if not event.cover or event.cover_name != name:
        raise Http404
    return private_file_response(event.cover)


@community_view
def detail(request, event_id):
    event = selectors.event_for(request.actor, event_id)
    occurrence = _occurrence(event, request.GET.get("on"))
    now = timezone.now()
    series = recurrence.occurrences(event) if event.is_recurring else []
    context = _rsvp_context(request, event, occurrence)
    context.update(
        {
            "series": [o for o in series if o.ends_at > now][:12],
            "is_past": occurrence.ends_at <= now,
            "can_manage": policy.can_manage_event(request.actor, event),
            "can_mark_attendance": policy.can_mark_attendance(
                request.actor, event, occurrence, now
            ),
            "topic": event.topic,
            "can_read_topic": discussion_policy.can_read_topic(request.actor, event.topic),
        }
    )
    return render(request, "events/detail.html", context)


@require_POST
@login_required
@community_view
def rsvp(request, event_id):
    event = selectors.event_for(request.actor, event_id)
    form = RsvpForm(request.POST)
    if not form.is_valid():
        if is_htmx(request):
            raise Http404
        messages.error(request, _("Choose going, maybe or not going."))
        return redirect(_detail_url(request, event))
    day, status = form.cleaned_data["on"], form.cleaned_data["status"]
    notice, error, waitlisted = "", "", False
    try:
        result = services.rsvp_set(actor=request.actor, event=event, day=day, status=status)
    except (ValidationError, PermissionDenied) as exc:
        if isinstance(exc, ValidationError) and "day" in getattr(exc, "message_dict", {}):
            raise Http404 from exc
        error = " ".join(exc.messages if isinstance(exc, ValidationError) else [str(exc)])
    else:
        waitlisted = result.status == RsvpStatus.WAITLISTED
        if waitlisted:
            notice = _("The event is full: you are on the waitlist.")
        else:
            notice = _("Your answer is saved.")
    if is_htmx(request):
        occurrence = recurrence.occurrence_on(event, day)
        event.refresh_from_db()
        context = _rsvp_context(request, event, occurrence)
        context.update({"notice": notice, "error": error})
        return render(request, "events/detail/_rsvp.html", context)
    if error:
        messages.error(request, error)
    else:
        (messages.info if waitlisted else messages.success)(request, notice)
    return redirect(_detail_url(request, event, day))


def _categories(request):
    return [
        c
        for c in discussion_policy.visible_categories(request.actor, request.community).order_by(
            "position", "pk"
        )
        if discussion_policy.can_start_topic(request.actor, c)
    ]


@login_required
@community_view
def event_new(request):
    settings = services.settings_for(request.community)
    policy.ensure_create_event(request.actor, settings)
    categories = _categories(request)
    tz = request.user.time_zone or "UTC"
    form = EventForm(
        request.POST or None, request.FILES or None, categories=categories,
        initial={"time_zone": tz},
    )  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(
                actor=request.actor,
                category=form.categories[form.cleaned_data["category"]],
                cover=form.cleaned_data.get("cover"),
                **form.service_fields(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Event created, with a topic to talk about it."))
            return redirect(_detail_url(request, event))
    return render(request, "events/form.html", {"form": form, "creating": True})


def _initial(event) -> dict:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(event.time_zone)
    return {
        "title": event.title, "description": event.description,
        "starts_local": recurrence.wall_clock(event.starts_at, zone),
        "ends_local": recurrence.wall_clock(event.ends_at, zone),
        "time_zone": event.time_zone, "location": event.location,
        "online_url": event.online_url, "capacity": event.capacity,
        "repeats": event.recurrence, "repeats_until": event.recurrence_until,
        "exceptions": ", ".join(event.exceptions),
    }  # fmt: skip


@login_required
@community_view
def edit(request, event_id):
    event = selectors.event_for(request.actor, event_id)
    policy.ensure_manage_event(request.actor, event)
    form = EditEventForm(request.POST or None, request.FILES or None, initial=_initial(event))
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(
                actor=request.actor, event=event, cover=form.cleaned_data.get("cover"),
                remove_cover=form.cleaned_data.get("remove_cover", False),
                **form.service_fields(),
            )  # fmt: skip
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Event saved."))
            return redirect(_detail_url(request, event))
    return render(request, "events/form.html", {"form": form, "event": event, "creating": False})


@require_POST
@login_required
@community_view
def cancel(request, event_id):
    event = selectors.event_for(request.actor, event_id)
    services.event_cancel(actor=request.actor, event=event)
    messages.success(request, _("The event is cancelled. Members who look at it will see so."))
    return redirect(_detail_url(request, event))


@login_required
@community_view
def attendance(request, event_id):
    event = selectors.event_for(request.actor, event_id)
    occurrence = _occurrence(event, request.GET.get("on") or request.POST.get("on"))
    policy.ensure_mark_attendance(request.actor, event, occurrence, timezone.now())
    if request.method == "POST":
        ids = set()
        for raw in request.POST.getlist("attended"):
            if raw.isdigit() and len(raw) < 19:
                ids.add(int(raw))
        try:
            marked = services.attendance_mark(
                actor=request.actor, event=event, day=occurrence.day, user_ids=ids
            )
        except ValidationError as exc:
            flash_service_errors(request, exc)
        else:
            messages.success(request, _("Attendance saved (%(n)s newly marked).") % {"n": marked})
        return redirect(_detail_url(request, event, occurrence.day))
    return render(
        request,
        "events/attendance.html",
        {
            "event": event,
            "occurrence": occurrence,
            "rsvps": selectors.rsvps_for_attendance(event, occurrence.day),
        },
    )


@staff_view
def event_settings(request):
    policy.ensure_manage_settings(request.actor)
    current = services.settings_for(request.community)
    level = current.create_trust_level if current else None
    form = EventSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={"create_trust_level": "" if level is None else str(level)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.settings_update(actor=request.actor, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Event settings saved."))
            return redirect("events:settings", community_slug=request.community.slug)
    return render(request, "events/settings.html", {"form": form, **staff_nav(request)})
