"""Staff pages for watched words, the default profanity list and the posting limits.
Owners and admins change them; moderators read them (see ``policy.view_filters_denial``)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from hearth.communities.views_staff import staff_nav, staff_view
from hearth.core.forms import add_service_errors
from hearth.moderation import policy, watched_words
from hearth.moderation.forms_filters import PostingLimitsForm, ProfanityForm, WatchedWordsForm
from hearth.moderation.models import WatchedAction, WatchedWord


def _url(request, name: str) -> str:
    return reverse(f"moderation:{name}", args=[request.community.slug])


@staff_view
def watched_words_page(request):
    actor = request.actor
    policy.ensure_view_filters(actor)
    can_manage = policy.can_manage_filters(actor)
    current = watched_words.settings_for(request.community)
    add_form = WatchedWordsForm(prefix="add")
    profanity_form = ProfanityForm(
        prefix="profanity", initial={"profanity_action": current.profanity_action}
    )
    if request.method == "POST":
        policy.ensure_manage_filters(actor)
        if "add" in request.POST or "add-words" in request.POST:
            add_form = WatchedWordsForm(request.POST, prefix="add")
            if add_form.is_valid():
                try:
                    added = watched_words.watched_words_add(
                        actor=actor,
                        text=add_form.cleaned_data["words"],
                        action=add_form.cleaned_data["action"],
                    )
                except ValidationError as exc:
                    add_service_errors(add_form, exc)
                else:
                    messages.success(
                        request,
                        ngettext("%(n)d word saved.", "%(n)d words saved.", len(added))
                        % {"n": len(added)},
                    )
                    return redirect(_url(request, "watched-words"))
        else:
            profanity_form = ProfanityForm(request.POST, prefix="profanity")
            if profanity_form.is_valid():
                watched_words.filter_settings_update(
                    actor=actor, profanity_action=profanity_form.cleaned_data["profanity_action"]
                )
                messages.success(request, _("Default profanity list saved."))
                return redirect(_url(request, "watched-words"))
    words = WatchedWord.objects.filter(community=request.community).order_by("action", "word")
    groups = [
        (value, label, [w for w in words if w.action == value])
        for value, label in WatchedAction.choices
    ]
    return render(
        request,
        "moderation/watched_words.html",
        {
            "groups": groups,
            "word_count": len(words),
            "max_words": watched_words.MAX_WORDS,
            "add_form": add_form,
            "profanity_form": profanity_form,
            "can_manage": can_manage,
            **staff_nav(request),
        },
        status=400 if add_form.errors or profanity_form.errors else 200,
    )


@require_POST
@staff_view
def watched_word_remove(request, word_id: int):
    word = get_object_or_404(WatchedWord, pk=word_id, community=request.community)
    watched_words.watched_word_remove(actor=request.actor, word=word)
    messages.success(request, _("“%(word)s” is no longer watched.") % {"word": word.word})
    return redirect(_url(request, "watched-words"))


@staff_view
def posting_limits(request):
    actor = request.actor
    policy.ensure_view_filters(actor)
    can_manage = policy.can_manage_filters(actor)
    current = watched_words.settings_for(request.community)
    initial = {name: getattr(current, name) for name in PostingLimitsForm.base_fields}
    form = PostingLimitsForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        read_only=not can_manage,
    )
    if request.method == "POST":
        policy.ensure_manage_filters(actor)
        if form.is_valid():
            try:
                watched_words.filter_settings_update(actor=actor, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Posting limits saved."))
                return redirect(_url(request, "posting-limits"))
    return render(
        request,
        "moderation/posting_limits.html",
        {"form": form, "can_manage": can_manage, **staff_nav(request)},
        status=400 if form.errors else 200,
    )
