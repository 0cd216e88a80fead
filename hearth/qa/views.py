"""Accepting and voting on answers, and the community's unanswered queue."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hearth.communities.views import community_view
from hearth.core.htmx import is_htmx
from hearth.core.page_cache import visitor_page_cache
from hearth.core.pagination import paginate_uncounted
from hearth.discussions import selectors as discussion_selectors
from hearth.discussions.views import back_to_post
from hearth.qa import selectors, services


@require_POST
@login_required
@community_view
def answer_accept(request, post_id):
    answer = discussion_selectors.post_for(request.actor, post_id)
    if request.POST.get("undo"):
        services.answer_unaccept(actor=request.actor, answer=answer)
        messages.success(request, _("The answer is no longer marked as accepted."))
    else:
        services.answer_accept(actor=request.actor, answer=answer)
        messages.success(request, _("Marked as the accepted answer. The question is solved."))
    return back_to_post(answer)


@require_POST
@login_required
@community_view
def answer_vote(request, post_id):
    answer = discussion_selectors.post_for(request.actor, post_id)
    voted = services.answer_vote_toggle(actor=request.actor, answer=answer)
    if is_htmx(request):
        answer.my_vote = voted
        answer.can_vote = True
        answer.vote_count = answer.answer_votes.count()
        return render(request, "qa/_answer_vote.html", {"post": answer})
    return back_to_post(answer)


@visitor_page_cache
@community_view
def unanswered(request):
    """Questions still waiting for a first response, oldest first, newcomers flagged."""
    # No exact total past 100: counting ~33k waiting questions on every request cost more
    # than the page.
    page = paginate_uncounted(
        request, selectors.unanswered_queue(request.actor, request.community), 30
    )
    # Every row carries the capped count of the whole queue (see the selector).
    waiting = page.object_list[0].waiting if page.object_list else None
    return render(
        request,
        "qa/unanswered.html",
        {
            "page": page,
            "waiting": waiting,
            "waiting_capped": waiting is not None and waiting > selectors.WAITING_CAP,
            "waiting_cap": selectors.WAITING_CAP,
        },
    )
