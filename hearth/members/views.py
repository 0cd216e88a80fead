"""Member pages: directory, profile, profile editing, follows, the following feed, and the
staff page for profile questions and interests."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hearth.communities import policy as community_policy
from hearth.communities import selectors as community_selectors
from hearth.communities.views import community_view
from hearth.communities.views_staff import staff_nav, staff_view
from hearth.conversations import policy as conversation_policy
from hearth.core.forms import add_service_errors
from hearth.core.pagination import paginate
from hearth.discussions import selectors as discussion_selectors
from hearth.members import directory as member_directory
from hearth.members import like_you, policy, selectors, services
from hearth.members.forms import InterestListForm, MemberProfileForm, ProfileQuestionForm
from hearth.members.models import ProfileQuestion
from hearth.trust import policy as trust_policy


def _profile_url(request, username: str) -> str:
    return reverse("communities:profile", args=[request.community.slug, username])


@community_view
def directory(request):
    from hearth.groups.selectors import member_filter_choices

    actor, community = request.actor, request.community
    questions = member_directory.answer_filter_questions(actor, community)
    filters = member_directory.directory_filters(actor, community, request.GET, questions)
    profiles = member_directory.directory(actor, community, filters)
    count = member_directory.directory_count(actor, community, filters, profiles)
    page = paginate(request, profiles, member_directory.DIRECTORY_PER_PAGE, count=count)
    page.object_list = list(page.object_list)
    member_directory.attach_card_details(actor, page.object_list)
    member_total = community_selectors.member_count(community)
    unfiltered = not filters.is_filtered and count <= member_directory.DIRECTORY_COUNT_CAP
    return render(
        request,
        "members/directory.html",
        {
            # Unfiltered, the heading gives the home's number and how many are not listed.
            "member_total": member_total if not filters.is_filtered else None,
            "unlisted": max(0, member_total - count) if unfiltered else 0,
            "page": page,
            "filters": filters,
            "interests": member_directory.interest_options(community),
            "questions": questions,
            "groups": member_filter_choices(actor, community),
            "can_read_feed": policy.can_read_feed(actor),
            "count_cap": member_directory.DIRECTORY_COUNT_CAP,
            "count_capped": count > member_directory.DIRECTORY_COUNT_CAP,
        },
    )


@community_view
def profile(request, username):
    actor = request.actor
    profile = selectors.profile_for(actor, username)
    membership, user = profile.membership, profile.user
    is_self = actor.user is not None and actor.user.pk == membership.user_id
    return render(
        request,
        "members/profile.html",
        {
            "profile": profile,
            "membership": membership,
            "profile_user": user,
            "is_self": is_self,
            "interests": selectors.profile_interests(profile),
            "answers": selectors.profile_answers(
                profile, include_staff_only=is_self or policy.can_view_staff_answers(actor)
            ),
            "links": selectors.profile_links(profile),
            "activity": selectors.recent_activity(actor, profile),
            "helped": selectors.helped_members(profile),
            "followers": selectors.follower_count(profile),
            "is_following": selectors.follow_state(actor, profile),
            "can_follow": policy.can_follow(actor, profile),
            "can_edit": policy.can_edit_profile(actor, profile),
            "can_ban": community_policy.can_ban(actor, membership),
            "can_view_trust": trust_policy.can_view_progress(actor, membership)
            and trust_policy.trust_applies_to(membership),
            "can_invite": is_self and community_policy.can_create_invite(actor),
            "can_message": not is_self
            and conversation_policy.can_start_conversation(actor, [user]),
            "suggestions": (like_you.members_like_you(actor, request.community) if is_self else []),
        },
    )


@login_required
@community_view
def profile_edit(request):
    actor, community = request.actor, request.community
    profile = selectors.own_profile(actor)
    policy.ensure_edit_profile(actor, profile)
    questions = list(ProfileQuestion.objects.filter(community=community))
    suggested = selectors.suggested_interests(community)
    current = selectors.profile_interests(profile)
    suggested_keys = {i.key for i in suggested}
    initial = {
        "bio": profile.bio,
        "location": profile.location,
        "links": "\n".join(link["url"] for link in selectors.profile_links(profile)),
        "suggested_interests": [i.name for i in current if i.key in suggested_keys],
        "interests": ", ".join(i.name for i in current if i.key not in suggested_keys),
        "hide_from_non_members": profile.hide_from_non_members,
        "hide_from_directory": profile.hide_from_directory,
        "anonymous_in_analytics": profile.anonymous_in_analytics,
    }
    for answered in selectors.profile_answers(profile, include_staff_only=True):
        question = answered.question
        initial[f"question_{question.pk}"] = (
            answered.values if question.kind == "multi" else answered.values[0]
        )
    form = MemberProfileForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        questions=questions,
        suggested=suggested,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(
                actor=actor,
                profile=profile,
                bio=form.cleaned_data["bio"],
                location=form.cleaned_data["location"],
                links=form.cleaned_links(),
                interests=form.cleaned_interests(),
                answers=form.cleaned_answers(),
                hide_from_non_members=form.cleaned_data["hide_from_non_members"],
                hide_from_directory=form.cleaned_data["hide_from_directory"],
                anonymous_in_analytics=form.cleaned_data["anonymous_in_analytics"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect(_profile_url(request, actor.user.username))
    return render(request, "members/profile_edit.html", {"form": form, "profile": profile})


@require_POST
@login_required
@community_view
def follow(request, username):
    actor = request.actor
    profile = selectors.profile_for(actor, username)
    if request.POST.get("undo"):
        services.unfollow(actor=actor, profile=profile)
        messages.success(request, _("You no longer follow %(name)s.") % {"name": profile.user.name})
    else:
        try:
            services.follow(actor=actor, profile=profile)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("You follow %(name)s: their new topics appear in your feed.")
                % {"name": profile.user.name},
            )
    return redirect(_profile_url(request, username))


@login_required
@community_view
def feed(request):
    actor, community = request.actor, request.community
    if not policy.can_read_feed(actor):
        raise Http404
    page = paginate(request, selectors.following_feed(actor, community), 30)
    return render(
        request,
        "members/feed.html",
        {
            "page": page,
            "topics": list(page.object_list),
            "following": selectors.following(actor, community),
            "categories": discussion_selectors.categories(actor, community),
        },
    )


# Staff ------------------------------------------------------------------------------------


def _manage_url(request) -> str:
    return reverse("members:manage-profile", args=[request.community.slug])


def _question_for(request, question_id) -> ProfileQuestion:
    question = ProfileQuestion.objects.filter(community=request.community, pk=question_id).first()
    if question is None:
        raise Http404
    return question


@staff_view
def manage_profile(request):
    """Profile questions and the suggested interests (owners and admins)."""
    actor, community = request.actor, request.community
    policy.ensure_manage_profile_fields(actor)
    questions = list(ProfileQuestion.objects.filter(community=community))
    interest_form = InterestListForm(
        initial={"interests": "\n".join(i.name for i in selectors.suggested_interests(community))}
    )
    question_form = ProfileQuestionForm()
    if request.method == "POST" and request.POST.get("form") == "interests":
        interest_form = InterestListForm(request.POST)
        if interest_form.is_valid():
            try:
                services.interest_list_set(actor=actor, names=interest_form.cleaned_names())
            except ValidationError as exc:
                add_service_errors(interest_form, exc)
            else:
                messages.success(request, _("The interest list is saved."))
                return redirect(_manage_url(request))
    elif request.method == "POST":
        question_form = ProfileQuestionForm(request.POST)
        if question_form.is_valid():
            try:
                services.profile_question_save(actor=actor, **question_form.question_fields())
            except ValidationError as exc:
                add_service_errors(question_form, exc)
            else:
                messages.success(request, _("Question added."))
                return redirect(_manage_url(request))
    return render(
        request,
        "members/manage_profile.html",
        {
            "questions": questions,
            "question_form": question_form,
            "interest_form": interest_form,
            **staff_nav(request),
        },
    )


@staff_view
def manage_question(request, question_id: int):
    actor = request.actor
    policy.ensure_manage_profile_fields(actor)
    question = _question_for(request, question_id)
    form = ProfileQuestionForm(
        request.POST if request.method == "POST" else None,
        initial={
            "text": question.text,
            "kind": question.kind,
            "choices": "\n".join(question.choices),
            "is_required": question.is_required,
            "is_public": question.is_public,
            "position": question.position,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_question_save(actor=actor, question=question, **form.question_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Question saved."))
            return redirect(_manage_url(request))
    return render(
        request,
        "members/manage_question.html",
        {"form": form, "question": question, **staff_nav(request)},
    )


@require_POST
@staff_view
def manage_question_delete(request, question_id: int):
    policy.ensure_manage_profile_fields(request.actor)
    question = _question_for(request, question_id)
    services.profile_question_delete(actor=request.actor, question=question)
    messages.success(request, _("Question deleted, with its answers."))
    return redirect(_manage_url(request))
