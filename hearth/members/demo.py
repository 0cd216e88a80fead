"""Demo data for profiles: the community's interests and profile questions, and members
with varied interests, answers, locations, links and follows, all written through the
services (so the events exist as they would for real members)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

import time_machine
from django.utils import timezone

from hearth.accounts.models import User
from hearth.communities.models import Community
from hearth.core.actor import Actor
from hearth.members import policy, services
from hearth.members.models import MemberProfile, QuestionKind

INTERESTS = [
    "Astrophotography", "Street photography", "Bird photography", "Portraits", "Landscapes",
    "Macro", "Film photography", "Night photography", "Wildlife", "Travel", "Editing",
    "Lightroom", "Drone photography", "Black and white", "Urban exploration",
]  # fmt: skip
FREE_INTERESTS = ["Hiking", "Cycling", "Coffee", "Cats", "Architecture", "Jazz", "Surfing"]
LOCATIONS = [
    "Lisbon", "Berlin", "Montréal", "Nairobi", "Osaka", "Melbourne", "Bristol", "Austin",
    "Buenos Aires", "Oslo", "Pune", "Utrecht",
]  # fmt: skip
QUESTIONS = [
    (
        "What do you photograph most?",
        QuestionKind.MULTI,
        ["Street", "Birds", "Portraits", "Landscapes", "Astro", "Macro"],
        True,
        True,
    ),
    (
        "Which Lumen camera do you use?",
        QuestionKind.CHOICE,
        ["X1", "X2", "X2 Pro", "Mini"],
        False,
        True,
    ),
    (
        "How long have you been taking photos?",
        QuestionKind.CHOICE,
        ["Less than a year", "1–5 years", "5–10 years", "More than 10 years"],
        False,
        True,
    ),
    ("Is there anything the team should know?", QuestionKind.TEXT, [], False, False),
]


def _soon_after(moment: datetime | None, rng: random.Random) -> datetime:
    now = timezone.now()
    if moment is None:
        return now
    return min(now, moment + timedelta(hours=rng.uniform(1, 48)))


def populate(community: Community, people: list[User], rng: random.Random) -> None:
    """Give ``people`` (active members of ``community``) profiles and follows."""
    owner = Actor.for_user(community.created_by, community)
    services.interest_list_set(actor=owner, names=INTERESTS)
    questions = [
        services.profile_question_save(
            actor=owner,
            text=text,
            kind=kind,
            choices=choices,
            is_required=required,
            is_public=public,
        )
        for text, kind, choices, required, public in QUESTIONS
    ]
    profiles = {
        p.user_id: p
        for p in MemberProfile.objects.filter(community=community, user__in=people).select_related(
            "membership"
        )
    }
    for person in people:
        profile = profiles.get(person.pk)
        if profile is None or not profile.membership.is_active:
            continue
        actor = Actor.for_user(person, community)
        interests = rng.sample(INTERESTS, rng.randint(1, 5))
        if rng.random() < 0.4:
            interests.append(rng.choice(FREE_INTERESTS))
        answers: dict[int, object] = {}
        for question in questions:
            if question.kind == QuestionKind.MULTI:
                answers[question.pk] = rng.sample(question.choices, rng.randint(1, 3))
            elif question.kind == QuestionKind.CHOICE:
                answers[question.pk] = rng.choice(question.choices) if rng.random() < 0.8 else ""
            else:
                answers[question.pk] = (
                    "Happy to help with beta testing." if rng.random() < 0.1 else ""
                )
        links = []
        if rng.random() < 0.35:
            links.append(f"https://photos.example.com/{person.username}")
        if rng.random() < 0.15:
            links.append(f"https://blog.example.org/{person.username}")
        # Members fill in their profile within two days of joining, not all on demo day.
        with time_machine.travel(_soon_after(profile.membership.joined_at, rng), tick=False):
            services.profile_update(
                actor=actor,
                profile=profile,
                bio=rng.choice(["", "", "Shooting mostly at golden hour. Ask me about **light**."]),
                location=rng.choice(LOCATIONS) if rng.random() < 0.6 else "",
                links=links,
                interests=interests,
                answers=answers,
                hide_from_directory=rng.random() < 0.03,
            )
    active = [p for p in people if p.pk in profiles and profiles[p.pk].membership.is_active]
    for person in active:
        actor = Actor.for_user(person, community)
        for other in rng.sample(active, min(len(active), rng.randint(0, 5))):
            target = profiles[other.pk]
            if other.pk != person.pk and policy.can_follow(actor, target):
                target.user = other
                joins = (profiles[person.pk].membership.joined_at, target.membership.joined_at)
                met = max((t for t in joins if t is not None), default=None)
                with time_machine.travel(_soon_after(met, rng), tick=False):
                    services.follow(actor=actor, profile=target)
    services.helped_counts_refresh(community_id=community.pk, user_ids=[p.pk for p in people])
