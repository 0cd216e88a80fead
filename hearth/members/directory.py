"""The members directory: its filters from the query string, the list they give, how many
it holds (counted no further than it needs) and what each card shows.

Every list starts from ``policy.listed_profiles`` (who may be listed), costs a constant
number of queries and is driven by an index, so it stays fast at 100,000 members."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlencode

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from hearth.communities import policy as community_policy
from hearth.communities import selectors as community_selectors
from hearth.communities.models import Community, MembershipStatus
from hearth.core.actor import Actor
from hearth.core.markdown import clean_text
from hearth.members import policy
from hearth.members.models import (
    Interest,
    MemberInterest,
    MemberProfile,
    ProfileAnswer,
    ProfileQuestion,
    QuestionKind,
)

DIRECTORY_PER_PAGE = 48
CARD_INTERESTS = 4
NEW_MEMBER_DAYS = 7

SORTS = ("joined", "active")
SHOWS = ("all", "new", "helpful")
KNOWN_PARAMS = frozenset({"q", "interest", "answer", "group", "show", "sort", "page"})


@dataclass
class DirectoryFilters:
    query: str = ""
    interest: Interest | None = None
    question: ProfileQuestion | None = None
    answer: str = ""
    # A group whose member list the viewer may see (hearth.groups.selectors decides).
    group: object | None = None
    show: str = "all"
    sort: str = "joined"
    notices: list[str] = field(default_factory=list)
    # The parameters dropped (the page says so in a notice; the API refuses them, a 422).
    dropped: list[str] = field(default_factory=list)

    def drop(self, name: str, notice: str) -> None:
        self.notices.append(notice)
        self.dropped.append(name)

    @property
    def is_filtered(self) -> bool:
        return bool(self.query or self.interest or self.answer or self.group or self.show != "all")

    @property
    def answer_param(self) -> str:
        return f"{self.question.pk}:{self.answer}" if self.question else ""

    @property
    def querystring(self) -> str:
        """The active filters as a query string (for pagination links), page excluded."""
        params = {
            "q": self.query,
            "interest": self.interest.key if self.interest else "",
            "answer": self.answer_param,
            "group": self.group.slug if self.group else "",
            "show": "" if self.show == "all" else self.show,
            "sort": "" if self.sort == "joined" else self.sort,
        }
        return urlencode({k: v for k, v in params.items() if v})


def answer_filter_questions(actor: Actor, community: Community) -> list[ProfileQuestion]:
    """Choice questions the actor may filter by (public ones, all of them for staff)."""
    questions = ProfileQuestion.objects.filter(
        community=community, kind__in=[QuestionKind.CHOICE, QuestionKind.MULTI]
    )
    if not policy.can_view_staff_answers(actor):
        questions = questions.filter(is_public=True)
    return list(questions)


def directory_filters(
    actor: Actor, community: Community, params: QueryDict, questions: list[ProfileQuestion]
) -> DirectoryFilters:
    """Read the directory's filters from the query string. Anything unknown or invalid is
    dropped with a notice for the page, never an error."""
    filters = DirectoryFilters()
    unknown = sorted(key for key in params if key not in KNOWN_PARAMS)
    if unknown:
        names = ", ".join(f"“{name[:30]}”" for name in unknown[:3])
        filters.notices.append(_("Ignored unknown filters: %(names)s.") % {"names": names})

    def param(name: str, default: str = "") -> str:
        # clean_text drops NUL bytes, which PostgreSQL refuses in text comparisons.
        return clean_text(params.get(name, default)).strip()[:200]

    filters.query = param("q")[:60]
    interest_key = param("interest").casefold()[:60]
    if interest_key:
        filters.interest = Interest.objects.filter(community=community, key=interest_key).first()
        if filters.interest is None:
            filters.drop("interest", _("No member lists that interest; showing everyone."))
    answer_param = param("answer")
    if answer_param:
        question_id, _sep, answer = answer_param.partition(":")
        question = next((q for q in questions if str(q.pk) == question_id), None)
        if question is None or answer not in question.choices:
            filters.drop("answer", _("That profile answer filter is not available; ignored."))
        else:
            filters.question, filters.answer = question, answer
    group_slug = param("group")[:60]
    if group_slug:
        from hearth.groups.selectors import member_filter_choices

        choices = member_filter_choices(actor, community)
        filters.group = next((g for g in choices if g.slug == group_slug), None)
        if filters.group is None:
            filters.drop("group", _("That group filter is not available; showing everyone."))
    show = param("show") or "all"
    if show not in SHOWS:
        filters.drop("show", _("Unknown list “%(v)s”; showing everyone.") % {"v": show[:30]})
        show = "all"
    filters.show = show
    sort = param("sort") or "joined"
    if sort not in SORTS:
        filters.drop("sort", _("Unknown order “%(v)s”; sorted by join date.") % {"v": sort[:30]})
        sort = "joined"
    filters.sort = sort
    return filters


def directory(
    actor: Actor, community: Community, filters: DirectoryFilters
) -> QuerySet[MemberProfile]:
    """Listed members matching the filters, in the chosen order.

    Joined order walks the memberships' (community, status, joined_at) index, activity and
    helpfulness orders the profiles' partial indexes; interest and answer filters are
    lookups on their (interest, profile) and (question, value, profile) indexes."""
    profiles = policy.listed_profiles(actor, community).select_related("user", "membership")
    if filters.query:
        profiles = profiles.filter(
            Q(user__username__istartswith=filters.query)
            | Q(user__display_name__icontains=filters.query)
        )
    if filters.interest is not None:
        profiles = profiles.filter(
            pk__in=MemberInterest.objects.filter(interest=filters.interest).values("profile_id")
        )
    if filters.question is not None:
        profiles = profiles.filter(
            pk__in=ProfileAnswer.objects.filter(
                question=filters.question, value=filters.answer
            ).values("profile_id")
        )
    if filters.group is not None:
        from hearth.groups.selectors import active_member_ids

        profiles = profiles.filter(user_id__in=active_member_ids(filters.group))
    if filters.show == "new":
        since = timezone.now() - timedelta(days=NEW_MEMBER_DAYS)
        profiles = profiles.filter(membership__joined_at__gte=since)
    if filters.show == "helpful":
        return profiles.filter(helped_count__gt=0).order_by(
            "-helped_count", "-last_active_at", "-id"
        )
    if filters.sort == "active":
        return profiles.order_by("-last_active_at", "-id")
    if not filters.query:
        # The membership's own community lets its (community, status, -joined_at) index
        # give the order (the profile's community alone made PostgreSQL sort every
        # membership). Not for a name search: PostgreSQL overestimates its matches and
        # would walk every membership in join order to find a handful of names.
        profiles = profiles.filter(membership__community=community)
    return profiles.order_by(F("membership__joined_at").desc(), "-membership_id")


def directory_keyset(
    actor: Actor, community: Community, filters: DirectoryFilters
) -> tuple[QuerySet[MemberProfile], tuple[str, ...]]:
    """:func:`directory` with its order as a keyset of never-empty fields ending in a
    unique one, for cursor pages (the API). A member with no join date (imported, or made
    by a staff tool) sorts by when they asked to join, so no key is ever NULL."""
    profiles = directory(actor, community, filters)
    if filters.show == "helpful":
        return profiles, ("-helped_count", "-last_active_at", "-id")
    if filters.sort == "active":
        return profiles, ("-last_active_at", "-id")
    profiles = profiles.annotate(
        joined_order=Coalesce("membership__joined_at", "membership__requested_at")
    )
    return profiles, ("-joined_order", "-membership_id")


DIRECTORY_COUNT_CAP = 1000  # filtered lists count this far, then say "1,000+"


def directory_count(
    actor: Actor, community: Community, filters: DirectoryFilters, profiles: QuerySet
) -> int:
    """How many members ``profiles`` (the directory's list) holds, without counting them
    all: for a member looking at the unfiltered list, the community's member counter less
    the few who hid (a partial index); otherwise the matches up to one past
    ``DIRECTORY_COUNT_CAP`` (the page shows "1,000+" and pages that far)."""
    if not community_policy.can_view_community(actor, community):
        return 0
    if filters.is_filtered or not policy.sees_members_only_profiles(actor):
        # Unordered: any matches up to the cap will do, so the database stops at the cap
        # instead of sorting every match first (an answer shared by 22,000 members: 42 → 8 ms).
        return profiles.order_by()[: DIRECTORY_COUNT_CAP + 1].count()
    hidden = MemberProfile.objects.filter(
        community=community, hide_from_directory=True, membership__status=MembershipStatus.ACTIVE
    ).count()
    return max(0, community_selectors.member_count(community) - hidden)


def attach_card_details(actor: Actor, profiles: list[MemberProfile]) -> None:
    """Give each directory card its first interests, the ones the viewer shares marked
    (two queries for the whole page)."""
    if not profiles:
        return
    mine: set[int] = set()
    if actor.is_member:
        mine = set(
            MemberInterest.objects.filter(
                community=actor.community, profile__user=actor.user
            ).values_list("interest_id", flat=True)
        )
    own = {p.pk for p in profiles if actor.user is not None and p.user_id == actor.user.pk}
    by_profile: dict[int, list[Interest]] = defaultdict(list)
    links = (
        MemberInterest.objects.filter(profile_id__in=[p.pk for p in profiles])
        .select_related("interest")
        .order_by("interest__key")
    )
    for link in links:
        own_card = actor.user is not None and link.profile_id in own
        link.interest.is_shared = link.interest_id in mine and not own_card
        by_profile[link.profile_id].append(link.interest)
    for profile in profiles:
        interests = sorted(by_profile.get(profile.pk, []), key=lambda i: not i.is_shared)
        profile.card_interests = interests[:CARD_INTERESTS]
        profile.more_interests = max(0, len(interests) - CARD_INTERESTS)


def interest_options(community: Community, limit: int = 40) -> list[Interest]:
    """Interests for the directory's filter: the community's list, then popular free ones."""
    return list(
        Interest.objects.filter(community=community, member_count__gt=0).order_by(
            "-is_suggested", "-member_count", "key"
        )[:limit]
    )
