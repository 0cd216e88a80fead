"""Writes for profiles, interests, profile questions and follows. Each validates its input
completely before writing (nothing is half-written) and records its event."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from hearth.communities.models import Community, Membership
from hearth.communities.services import staff_log_record
from hearth.core.actor import Actor
from hearth.core.events import record_event
from hearth.core.markdown import clean_text, render_markdown
from hearth.members import policy
from hearth.members.models import (
    INTEREST_MAX_LENGTH,
    MAX_ANSWER_LENGTH,
    MAX_CHOICES,
    MAX_FOLLOWS,
    MAX_INTERESTS_PER_MEMBER,
    MAX_LINKS,
    MAX_QUESTIONS,
    Follow,
    Interest,
    MemberInterest,
    MemberProfile,
    ProfileAnswer,
    ProfileQuestion,
    QuestionKind,
)

MAX_SUGGESTED_INTERESTS = 200
MAX_LINK_LENGTH = 300
MAX_CHOICE_LENGTH = 80
_SPACES = re.compile(r"\s+")
_url_validator = URLValidator(schemes=["http", "https"])
# Answers keyed by question id: a string for text and one-choice questions, a list of
# strings for multi-choice ones.
Answers = Mapping[int, object]


def _one_line(text: str) -> str:
    return _SPACES.sub(" ", clean_text(text)).strip()


# Profiles ----------------------------------------------------------------------------------


def profile_for_membership(membership: Membership) -> MemberProfile:
    """The membership's profile, created if a bulk load skipped it."""
    profile, _created = MemberProfile.objects.get_or_create(
        membership=membership,
        defaults={
            "community_id": membership.community_id,
            "user_id": membership.user_id,
            "last_active_at": membership.joined_at or membership.requested_at or timezone.now(),
        },
    )
    profile.membership = membership
    return profile


def profiles_backfill(community: Community | None = None) -> int:
    """Create the missing profiles (after a bulk load that bypassed ``save()``)."""
    memberships = Membership.objects.filter(profile__isnull=True)
    if community is not None:
        memberships = memberships.filter(community=community)
    now = timezone.now()
    created = MemberProfile.objects.bulk_create(
        [
            MemberProfile(
                membership_id=m.pk,
                community_id=m.community_id,
                user_id=m.user_id,
                last_active_at=m.joined_at or m.requested_at or now,
            )
            for m in memberships.only("pk", "community_id", "user_id", "joined_at", "requested_at")
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
    return len(created)


def normalise_interest(raw: str) -> tuple[str, str]:
    """(display name, key) of a member-typed interest; raises ValidationError."""
    name = _one_line(str(raw)).lstrip("#").strip()
    if not name:
        raise ValidationError(_("An interest cannot be empty."))
    if len(name) > INTEREST_MAX_LENGTH:
        raise ValidationError(
            _("“%(name)s…” is too long: keep each interest under %(n)d characters.")
            % {"name": name[:20], "n": INTEREST_MAX_LENGTH}
        )
    return name, name.casefold()


def _clean_interests(raw: Iterable[str], limit: int) -> dict[str, str]:
    """Distinct interests by key (first spelling wins), at most ``limit``."""
    raw = list(raw)
    if len(raw) > limit * 5:
        # Refuse absurd input before looking at it item by item.
        raise ValidationError(_("Pick at most %(n)d interests.") % {"n": limit})
    cleaned: dict[str, str] = {}
    for item in raw:
        if not str(item).strip():
            continue
        name, key = normalise_interest(item)
        cleaned.setdefault(key, name)
    if len(cleaned) > limit:
        raise ValidationError(_("Pick at most %(n)d interests.") % {"n": limit})
    return cleaned


def _clean_links(raw: Iterable[str]) -> list[dict[str, str]]:
    links: list[dict[str, str]] = []
    for item in raw:
        url = clean_text(str(item)).strip()
        if not url:
            continue
        if len(url) > MAX_LINK_LENGTH:
            raise ValidationError(
                _("Links must be under %(n)d characters.") % {"n": MAX_LINK_LENGTH}
            )
        try:
            _url_validator(url)
        except ValidationError:
            raise ValidationError(
                _("“%(url)s” is not a web address: links must start with http:// or https://.")
                % {"url": url[:60]}
            ) from None
        if url not in [link["url"] for link in links]:
            links.append({"url": url})
    if len(links) > MAX_LINKS:
        raise ValidationError(_("Add at most %(n)d links.") % {"n": MAX_LINKS})
    return links


def link_label(url: str) -> str:
    """What a profile link shows: its host and path, without the scheme."""
    parts = urlsplit(url)
    label = (parts.netloc + parts.path).removeprefix("www.").rstrip("/")
    return label[:60] or url[:60]


def _clean_answers(questions: list[ProfileQuestion], answers: Answers) -> dict[int, list[str]]:
    """Validate answers against the questions' types: {question id: [values]}.

    Raises a ValidationError keyed ``question_<id>`` per bad answer."""
    errors: dict[str, list[str]] = {}
    by_id = {q.pk: q for q in questions}
    unknown = [key for key in answers if key not in by_id]
    if unknown:
        errors["__all__"] = [_("Some answers are for questions this community does not ask.")]
    cleaned: dict[int, list[str]] = {}
    for question in questions:
        field = f"question_{question.pk}"
        value = answers.get(question.pk)
        if question.kind == QuestionKind.MULTI:
            if value is None or value == "":
                value = []
            if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
                errors[field] = [_("Choose from the options given.")]
                continue
            values = list(dict.fromkeys(v for v in value if v))
            if any(v not in question.choices for v in values):
                errors[field] = [_("Choose only from the options given.")]
                continue
        else:
            if value is None:
                value = ""
            if not isinstance(value, str):
                errors[field] = [
                    _("Answer with text.")
                    if question.kind == QuestionKind.TEXT
                    else _("Choose one of the options given.")
                ]
                continue
            text = _one_line(value) if question.kind == QuestionKind.CHOICE else clean_text(value)
            text = text.strip()
            if question.kind == QuestionKind.CHOICE and text and text not in question.choices:
                errors[field] = [_("Choose one of the options given.")]
                continue
            if len(text) > MAX_ANSWER_LENGTH:
                errors[field] = [
                    _("Keep the answer under %(n)d characters.") % {"n": MAX_ANSWER_LENGTH}
                ]
                continue
            values = [text] if text else []
        if question.is_required and not values:
            errors[field] = [_("This question is required.")]
            continue
        cleaned[question.pk] = values
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def profile_update(
    *,
    actor: Actor,
    profile: MemberProfile,
    bio: str = "",
    location: str = "",
    links: Iterable[str] = (),
    interests: Iterable[str] = (),
    answers: Answers | None = None,
    hide_from_non_members: bool = False,
    hide_from_directory: bool = False,
    anonymous_in_analytics: bool = False,
) -> MemberProfile:
    """Replace the member's community profile. ``answers=None`` leaves answers unchanged."""
    profile = (
        MemberProfile.objects.select_for_update(of=("self",))
        .select_related("membership")
        .get(pk=profile.pk)
    )
    policy.ensure_edit_profile(actor, profile)
    errors: dict[str, list[str]] = {}
    bio = clean_text(bio).strip()
    if len(bio) > 2000:
        errors["bio"] = [_("Keep your bio under 2,000 characters.")]
    location = _one_line(location)
    if len(location) > 80:
        errors["location"] = [_("Keep the location under 80 characters.")]
    clean_links: list[dict[str, str]] = []
    try:
        clean_links = _clean_links(links)
    except ValidationError as exc:
        errors["links"] = exc.messages
    clean_interests: dict[str, str] = {}
    try:
        clean_interests = _clean_interests(interests, MAX_INTERESTS_PER_MEMBER)
    except ValidationError as exc:
        errors["interests"] = exc.messages
    clean_answers: dict[int, list[str]] | None = None
    if answers is not None:
        questions = list(ProfileQuestion.objects.filter(community=profile.community_id))
        try:
            clean_answers = _clean_answers(questions, answers)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)

    profile.bio = bio
    profile.bio_html = render_markdown(bio) if bio else ""
    profile.location = location
    profile.links = clean_links
    profile.hide_from_non_members = bool(hide_from_non_members)
    profile.hide_from_directory = bool(hide_from_directory)
    profile.anonymous_in_analytics = bool(anonymous_in_analytics)
    profile.save(
        update_fields=[
            "bio", "bio_html", "location", "links", "hide_from_non_members",
            "hide_from_directory", "anonymous_in_analytics", "updated_at",
        ]
    )  # fmt: skip
    changed_interests = _set_interests(profile, clean_interests)
    if clean_answers is not None:
        _set_answers(profile, clean_answers)
    record_event(
        community=actor.community,
        actor=actor.user,
        verb="profile.update",
        obj=profile,
        data={
            "interests": len(clean_interests),
            "interests_changed": changed_interests,
            "links": len(clean_links),
            "hidden_from_directory": profile.hide_from_directory,
            "hidden_from_non_members": profile.hide_from_non_members,
        },
    )
    return profile


def _interests_by_key(community_id: int, names: dict[str, str]) -> dict[str, Interest]:
    """The community's Interest rows for these keys, creating the missing ones."""
    existing = {i.key: i for i in Interest.objects.filter(community_id=community_id, key__in=names)}
    missing = [
        Interest(community_id=community_id, key=key, name=name)
        for key, name in names.items()
        if key not in existing
    ]
    if missing:
        # ignore_conflicts: another member may add the same new interest at the same moment.
        Interest.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {
            i.key: i for i in Interest.objects.filter(community_id=community_id, key__in=names)
        }
    return existing


def _set_interests(profile: MemberProfile, names: dict[str, str]) -> bool:
    wanted = _interests_by_key(profile.community_id, names) if names else {}
    wanted_ids = {i.pk for i in wanted.values()}
    current_ids = set(
        MemberInterest.objects.filter(profile=profile).values_list("interest_id", flat=True)
    )
    removed, added = current_ids - wanted_ids, wanted_ids - current_ids
    if removed:
        MemberInterest.objects.filter(profile=profile, interest_id__in=removed).delete()
        Interest.objects.filter(pk__in=removed).update(member_count=F("member_count") - 1)
    if added:
        MemberInterest.objects.bulk_create(
            [
                MemberInterest(community_id=profile.community_id, profile=profile, interest_id=pk)
                for pk in added
            ]
        )
        Interest.objects.filter(pk__in=added).update(member_count=F("member_count") + 1)
    return bool(removed or added)


def _set_answers(profile: MemberProfile, answers: dict[int, list[str]]) -> None:
    ProfileAnswer.objects.filter(profile=profile).delete()
    ProfileAnswer.objects.bulk_create(
        [
            ProfileAnswer(
                community_id=profile.community_id, profile=profile, question_id=qid, value=value
            )
            for qid, values in answers.items()
            for value in values
        ]
    )


def helped_counts_refresh(
    *, community_id: int, topic_id: int | None = None, user_ids: Iterable[int] = ()
) -> None:
    """Recount "helped N members" for the people an accepted answer in ``topic_id`` may have
    changed: the named users, plus the topic's repliers who already had a count (accepting
    a new answer silently un-accepts the previous one)."""
    from hearth.discussions.models import Post
    from hearth.qa.models import Question

    users = set(user_ids)
    if topic_id is not None:
        repliers = Post.objects.filter(topic_id=topic_id).values("author_id")
        users |= set(
            MemberProfile.objects.filter(
                community_id=community_id, helped_count__gt=0, user_id__in=repliers
            ).values_list("user_id", flat=True)
        )
    if not users:
        return
    counts = dict(
        Question.objects.filter(
            community_id=community_id,
            accepted_answer__author_id__in=users,
            topic__deleted_at__isnull=True,
            asker__isnull=False,
        )
        .exclude(asker_id=F("accepted_answer__author_id"))
        .values("accepted_answer__author_id")
        .annotate(n=Count("asker_id", distinct=True))
        .values_list("accepted_answer__author_id", "n")
    )
    for user_id in users:
        MemberProfile.objects.filter(community_id=community_id, user_id=user_id).exclude(
            helped_count=counts.get(user_id, 0)
        ).update(helped_count=counts.get(user_id, 0))


# Follows -----------------------------------------------------------------------------------


@transaction.atomic
def follow(*, actor: Actor, profile: MemberProfile) -> Follow:
    """Follow a member; following twice is harmless (one row, one event)."""
    policy.ensure_follow(actor, profile)
    existing = Follow.objects.filter(
        community=actor.community, follower=actor.user, followed_id=profile.user_id
    ).first()
    if existing is not None:
        return existing
    if Follow.objects.filter(community=actor.community, follower=actor.user).count() >= MAX_FOLLOWS:
        raise ValidationError(_("You can follow at most %(n)d members.") % {"n": MAX_FOLLOWS})
    created = Follow.objects.create(
        community=actor.community, follower=actor.user, followed_id=profile.user_id
    )
    record_event(
        community=actor.community,
        actor=actor.user,
        verb="member.follow",
        target_user=profile.user,
        obj=created,
    )
    return created


@transaction.atomic
def unfollow(*, actor: Actor, profile: MemberProfile) -> bool:
    """Stop following; returns whether there was a follow to remove. Allowed even when the
    followed member has since become hidden or left."""
    policy.ensure_unfollow(actor)
    deleted, _rows = Follow.objects.filter(
        community=actor.community, follower=actor.user, followed_id=profile.user_id
    ).delete()
    if deleted:
        record_event(
            community=actor.community,
            actor=actor.user,
            verb="member.unfollow",
            target_user=profile.user,
            obj=profile,
        )
    return bool(deleted)


# Staff: profile questions and the interest list -------------------------------------------


def _clean_question(
    *, text: str, kind: str, choices: Iterable[str], errors: dict[str, list[str]]
) -> tuple[str, list[str]]:
    text = _one_line(text)
    if not text:
        errors["text"] = [_("Write the question.")]
    elif len(text) > 200:
        errors["text"] = [_("Keep the question under 200 characters.")]
    if kind not in QuestionKind.values:
        errors["kind"] = [_("Choose an answer type.")]
    clean_choices = list(dict.fromkeys(c for c in (_one_line(c) for c in choices) if c))
    if kind in (QuestionKind.CHOICE, QuestionKind.MULTI):
        if len(clean_choices) < 2:
            errors["choices"] = [_("Give at least two options, one per line.")]
        elif len(clean_choices) > MAX_CHOICES:
            errors["choices"] = [_("Give at most %(n)d options.") % {"n": MAX_CHOICES}]
        elif any(len(c) > MAX_CHOICE_LENGTH for c in clean_choices):
            errors["choices"] = [
                _("Keep each option under %(n)d characters.") % {"n": MAX_CHOICE_LENGTH}
            ]
    else:
        clean_choices = []
    return text, clean_choices


@transaction.atomic
def profile_question_save(
    *,
    actor: Actor,
    question: ProfileQuestion | None = None,
    text: str,
    kind: str,
    choices: Iterable[str] = (),
    is_required: bool = False,
    is_public: bool = True,
    position: int | None = None,
) -> ProfileQuestion:
    """Add a profile question, or change one. Answers that no longer fit (a changed type or
    a removed option) are dropped."""
    policy.ensure_manage_profile_fields(actor)
    community = actor.community
    if question is not None and question.community_id != community.pk:
        raise ValidationError(_("That question belongs to another community."))
    errors: dict[str, list[str]] = {}
    text, clean_choices = _clean_question(text=text, kind=kind, choices=choices, errors=errors)
    if question is None and ProfileQuestion.objects.filter(community=community).count() >= (
        MAX_QUESTIONS
    ):
        errors["__all__"] = [
            _("A community can ask at most %(n)d questions.") % {"n": MAX_QUESTIONS}
        ]
    if errors:
        raise ValidationError(errors)
    if question is None:
        if position is None:
            position = ProfileQuestion.objects.filter(community=community).count()
        question = ProfileQuestion(community=community)
        action = "profile_question.create"
    else:
        action = "profile_question.update"
        answers = ProfileAnswer.objects.filter(question=question)
        if kind != question.kind:
            answers.delete()
        elif clean_choices:
            answers.exclude(value__in=clean_choices).delete()
    question.text, question.kind, question.choices = text, kind, clean_choices
    question.is_required, question.is_public = bool(is_required), bool(is_public)
    if position is not None:
        question.position = max(0, min(int(position), 1000))
    question.save()
    staff_log_record(actor, community, action, details={"question": question.pk, "text": text})
    return question


@transaction.atomic
def profile_question_delete(*, actor: Actor, question: ProfileQuestion) -> None:
    policy.ensure_manage_profile_fields(actor)
    if question.community_id != actor.community.pk:
        raise ValidationError(_("That question belongs to another community."))
    staff_log_record(
        actor,
        actor.community,
        "profile_question.delete",
        details={"question": question.pk, "text": question.text},
    )
    question.delete()


@transaction.atomic
def interest_list_set(*, actor: Actor, names: Iterable[str]) -> list[Interest]:
    """Replace the community's suggested interests. Interests dropped from the list stay
    on the profiles of the members who picked them, as their own."""
    policy.ensure_manage_profile_fields(actor)
    community = actor.community
    try:
        cleaned = _clean_interests(names, MAX_SUGGESTED_INTERESTS)
    except ValidationError as exc:
        raise ValidationError({"interests": exc.messages}) from None
    interests = _interests_by_key(community.pk, cleaned)
    # Staff spelling wins for the interests on the list.
    for key, interest in interests.items():
        if interest.name != cleaned[key] or not interest.is_suggested:
            interest.name, interest.is_suggested = cleaned[key], True
            interest.save(update_fields=["name", "is_suggested"])
    Interest.objects.filter(community=community, is_suggested=True).exclude(
        Q(key__in=list(cleaned))
    ).update(is_suggested=False)
    staff_log_record(actor, community, "interests.update", details={"count": len(cleaned)})
    return sorted(interests.values(), key=lambda i: i.key)
