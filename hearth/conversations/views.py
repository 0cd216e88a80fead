"""Direct-message pages: inbox, new conversation, a conversation, blocking, preferences,
and the moderators' queue of reported conversations. Everything works without JavaScript."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hearth.communities.views import community_view
from hearth.communities.views_staff import staff_nav, staff_view
from hearth.conversations import policy, selectors, services
from hearth.conversations.forms import (
    BlockForm,
    MessageForm,
    NewConversationForm,
    ReportForm,
    ResolveForm,
)
from hearth.core.db import best_effort
from hearth.core.forms import add_service_errors, flash_service_errors
from hearth.core.pagination import paginate

INBOX_PAGE_SIZE = 25
MESSAGES_PAGE_SIZE = 30


def member_view(view):
    """Signed-in active members of a visible community; everyone else gets a 404 (direct
    messages do not exist for them)."""

    @wraps(view)
    @login_required
    @community_view
    def wrapper(request, *args, **kwargs):
        if not policy.can_use_messages(request.actor):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def _url(request, name: str, *args) -> str:
    return reverse(f"conversations:{name}", args=[request.community.slug, *args])


def _title(conversation, people, me_id: int) -> str:
    if conversation.subject:
        return conversation.subject
    names = [p.user.name for p in people if p.user_id != me_id]
    return ", ".join(names) or _("Just you")


@member_view
def inbox(request):
    actor = request.actor
    page = paginate(request, selectors.inbox(actor), per_page=INBOX_PAGE_SIZE)
    for row in page.object_list:
        conversation = row.conversation
        row.others = [
            p for p in conversation.people if p.user_id != actor.user.pk and p.left_at is None
        ]
        row.title = _title(conversation, conversation.people, actor.user.pk)
    return render(
        request,
        "conversations/inbox.html",
        {"page": page, "accepts_messages": selectors.accepts_messages(actor)},
    )


@require_POST
@member_view
def preferences(request):
    accepts = request.POST.get("accepts_messages") == "on"
    services.messaging_preference_set(actor=request.actor, accepts_messages=accepts)
    if accepts:
        messages.success(request, _("Direct messages are on: members can write to you."))
    else:
        messages.success(
            request,
            _("Direct messages are off: nobody can start a new conversation with you."),
        )
    return redirect(_url(request, "inbox"))


@member_view
def new_conversation(request):
    actor = request.actor
    initial_to = request.GET.get("to", "")[:1000]
    form = NewConversationForm(
        request.POST if request.method == "POST" else None, initial={"to": initial_to}
    )
    if request.method == "POST" and form.is_valid():
        names = form.cleaned_data["to"]
        found = selectors.active_members_named(request.community, names)
        missing = [name for name in names if name.lower() not in found]
        if missing:
            form.add_error(
                "to",
                _("No member named %(names)s here.")
                % {"names": ", ".join("@" + name for name in missing)},
            )
        else:
            try:
                conversation = services.start_conversation(
                    actor=actor,
                    recipients=list(found.values()),
                    body=form.cleaned_data["body"],
                    subject=form.cleaned_data["subject"],
                )
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Message sent."))
                return redirect(_url(request, "conversation", conversation.pk) + "#latest")
    recipient, denial = None, None
    if request.method == "GET" and initial_to:
        found = selectors.active_members_named(request.community, [initial_to.lstrip("@")])
        recipient = next(iter(found.values()), None)
        if recipient is not None:
            denial = policy.start_conversation_denial(actor, [recipient])
        elif "," not in initial_to:
            denial = _("No member named %(names)s here.") % {"names": "@" + initial_to.lstrip("@")}
    return render(
        request,
        "conversations/new.html",
        {"form": form, "recipient": recipient, "denial": denial},
    )


@member_view
def conversation(request, conversation_id: int):
    actor = request.actor
    conversation = selectors.conversation_for(actor, conversation_id)
    me = conversation.viewer_participant
    form = MessageForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            message = services.send_message(
                actor=actor, conversation=conversation, body=form.cleaned_data["body"]
            )
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect(_url(request, "conversation", conversation.pk) + f"#m-{message.pk}")
    page = paginate(
        request,
        selectors.messages(conversation),
        per_page=MESSAGES_PAGE_SIZE,
        count=conversation.message_count,
    )
    people = selectors.participants(conversation)
    others = [p for p in people if p.user_id != actor.user.pk]
    last_read = me.last_read_at
    if page.number == 1 and me.unread_count:
        with best_effort("conversation read position"):
            services.conversation_mark_read(actor=actor, conversation=conversation)
    shown = list(reversed(page.object_list))
    for message in shown:
        message.is_new = (
            me.unread_count > 0
            and message.author_id != actor.user.pk
            and (last_read is None or message.created_at > last_read)
        )
    return render(
        request,
        "conversations/conversation.html",
        {
            "conversation": conversation,
            "title": _title(conversation, people, actor.user.pk),
            "page": page,
            "shown": shown,
            "first_new": next((m.pk for m in shown if m.is_new), None),
            "people": people,
            "others": others,
            "blocked": selectors.blocked_ids(actor, [p.user_id for p in others]),
            "form": form,
            "send_denial": policy.send_message_denial(actor, conversation),
            "report_form": ReportForm(),
            "report_denial": policy.report_conversation_denial(actor, conversation),
        },
    )


@require_POST
@member_view
def leave(request, conversation_id: int):
    conversation = selectors.conversation_for(request.actor, conversation_id)
    services.conversation_leave(actor=request.actor, conversation=conversation)
    messages.success(request, _("You left the conversation."))
    return redirect(_url(request, "inbox"))


@require_POST
@member_view
def report(request, conversation_id: int):
    conversation = selectors.conversation_for(request.actor, conversation_id)
    form = ReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Tell the moderators what is wrong (at most 2,000 characters)."))
    else:
        try:
            services.conversation_report(
                actor=request.actor, conversation=conversation, reason=form.cleaned_data["reason"]
            )
        except (PermissionDenied, ValidationError) as exc:
            flash_service_errors(request, exc)
        else:
            messages.success(
                request, _("Thank you. The moderators can now read this conversation.")
            )
    return redirect(_url(request, "conversation", conversation.pk))


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next", "")
    if target.startswith(f"/c/{request.community.slug}/messages/") and "//" not in target:
        return target
    return default


@member_view
def blocked(request):
    """The members the actor blocked, and a form to block one by username (the block
    buttons in conversations post here too)."""
    actor = request.actor
    form = BlockForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        target = selectors.membership_named(request.community, form.cleaned_data["username"])
        try:
            if target is None:
                raise PermissionDenied(_("There is no member of that name here."))
            services.member_block(actor=actor, user=target.user)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("%(name)s is blocked: they cannot start conversations with you or write to you.")
                % {"name": target.user.name},
            )
        return redirect(_safe_next(request, _url(request, "blocked")))
    page = paginate(request, selectors.blocks_of(actor), per_page=50)
    return render(request, "conversations/blocked.html", {"page": page, "form": form})


@require_POST
@member_view
def unblock(request, user_id: int):
    block = selectors.blocks_of(request.actor).filter(blocked_id=user_id).first()
    if block is None:
        raise Http404
    services.member_unblock(actor=request.actor, user=block.blocked)
    messages.success(request, _("%(name)s is unblocked.") % {"name": block.blocked.name})
    return redirect(_safe_next(request, _url(request, "blocked")))


# Staff ----------------------------------------------------------------------------------


def _review_queue_url(request) -> str:
    return reverse("moderation:review", args=[request.community.slug]) + "?kind=messages"


@staff_view
def reports(request):
    """Reported conversations are part of the review queue now; old links land there."""
    policy.ensure_view_message_reports(request.actor)
    return redirect(_review_queue_url(request), permanent=True)


@staff_view
def review(request, conversation_id: int):
    """A reported conversation, read-only, as it was at the latest report. Every opening
    is written to the staff log."""
    actor = request.actor
    conversation = selectors.reported_conversation_for(actor, conversation_id)
    services.conversation_review_record(actor=actor, conversation=conversation)
    reports_of = selectors.reports_of(conversation)
    page = paginate(
        request,
        selectors.messages(conversation, until=reports_of[0].created_at),
        per_page=MESSAGES_PAGE_SIZE,
    )
    people = selectors.participants(conversation)
    return render(
        request,
        "conversations/manage/review.html",
        {
            "conversation": conversation,
            "title": conversation.subject or ", ".join(p.user.name for p in people),
            "page": page,
            "shown": list(reversed(page.object_list)),
            "people": people,
            "reports": reports_of,
            "has_open": any(r.is_open for r in reports_of),
            "resolve_form": ResolveForm(),
            **staff_nav(request),
        },
    )


@require_POST
@staff_view
def resolve(request, conversation_id: int):
    conversation = selectors.reported_conversation_for(request.actor, conversation_id)
    form = ResolveForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Keep the note under 2,000 characters."))
        count = services.reports_resolve(
            actor=request.actor, conversation=conversation, note=form.cleaned_data["note"]
        )
    except ValidationError as exc:
        flash_service_errors(request, exc)
        return redirect(_url(request, "review", conversation.pk))
    messages.success(
        request,
        _("Marked %(n)s report(s) resolved.") % {"n": count},
    )
    return redirect(_review_queue_url(request))
