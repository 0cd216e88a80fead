"""Reads for profiles, the directory, "members like you" and the following feed.

Every list starts from ``policy.listed_profiles`` (who may be listed) or the discussions
policy (what may be read), costs a constant number of queries, and is driven by an index so
it stays fast at 100,000 members."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlencode

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from hearth.communities import policy as community_policy
from hearth.communities import selectors as community_selectors
from hearth.communities.models import Community, Membership, MembershipStatus
from hearth.core.actor import Actor
from hearth.core.markdown import clean_text
from hearth.discussions import policy as discussion_policy
from hearth.discussions.models import CategoryKind, Post, Topic
from hearth.discussions.selectors import POSTS_PER_PAGE
from hearth.members import policy
from hearth.members.models import (
    Follow,
    Interest,
    MemberInterest,
    MemberProfile,
    ProfileAnswer,
    ProfileQuestion,
    QuestionKind,
)
from hearth.members.services import link_label, profile_for_membership

DIRECTORY_PER_PAGE = 48
RECENT_ACTIVITY = 10
CARD_INTERESTS = 4
NEW_MEMBER_DAYS = 7


# Profiles ----------------------------------------------------------------------------------


def profile_for(actor: Actor, username: str) -> MemberProfile:
    """A profile the actor may open, or 404 (absent and hidden look alike)."""
    profile = (
        MemberProfile.objects.filter(community=actor.community, user__username=username)
        .select_related("membership", "user")
        .first()
    )
    if profile is None:
        membership = (
            Membership.objects.filter(community=actor.community, user__username=username)
            .select_related("user")
            .first()
        )
        if membership is None:
            raise Http404
        profile = profile_for_membership(membership)
        profile.user = membership.user
    if not policy.can_view_profile(actor, profile):
        raise Http404
    return profile


def own_profile(actor: Actor) -> MemberProfile:
    """The actor's own profile in their community (404 when not a member)."""
    if actor.user is None or actor.membership is None or not actor.is_member:
        raise Http404
    profile = profile_for_membership(actor.membership)
    profile.user = actor.user
    return profile


def profile_interests(profile: MemberProfile) -> list[Interest]:
    return [
        link.interest
        for link in MemberInterest.objects.filter(profile=profile)
        .select_related("interest")
        .order_by("interest__key")
    ]


@dataclass
class AnsweredQuestion:
    question: ProfileQuestion
    values: list[str]


def profile_answers(profile: MemberProfile, *, include_staff_only: bool) -> list[AnsweredQuestion]:
    """The answered profile questions in the community's order (public ones only unless
    ``include_staff_only``)."""
    answers = ProfileAnswer.objects.filter(profile=profile).select_related("question")
    if not include_staff_only:
        answers = answers.filter(question__is_public=True)
    grouped: dict[int, AnsweredQuestion] = {}
    for answer in answers.order_by("question__position", "question_id", "id"):
        grouped.setdefault(answer.question_id, AnsweredQuestion(answer.question, [])).values.append(
            answer.value
        )
    return list(grouped.values())


def profile_links(profile: MemberProfile) -> list[dict[str, str]]:
    """Stored links, re-checked on the way out: only http(s) ever reaches an href."""
    return [
        {"url": link["url"], "label": link_label(link["url"])}
        for link in profile.links or []
        if isinstance(link, dict) and str(link.get("url", "")).startswith(("http://", "https://"))
    ]


def helped_members(profile: MemberProfile) -> int:
    """Distinct other members whose question has this member's accepted answer."""
    from hearth.qa.models import Question

    return (
        Question.objects.filter(
            community_id=profile.community_id,
            accepted_answer__author_id=profile.user_id,
            topic__deleted_at__isnull=True,
            asker__isnull=False,
        )
        .exclude(asker_id=profile.user_id)
        .values("asker_id")
        .distinct()
        .count()
    )


@dataclass
class Activity:
    post: Post
    kind: str  # topic, reply, question, answer, idea, comment

    @property
    def topic(self) -> Topic:
        return self.post.topic

    @property
    def url(self) -> str:
        """The post in its topic. Answers are sorted by merit, so they link to the question;
        elsewhere posts are numbered in order (split topics may be off by a page)."""
        topic = self.post.topic
        base = reverse("discussions:topic", args=[topic.community.slug, topic.slug, topic.pk])
        if self.post.number == 1:
            return base
        if self.kind == "answer":
            return f"{base}#post-{self.post.number}"
        page = (self.post.number - 1) // POSTS_PER_PAGE + 1
        return f"{base}?page={page}#post-{self.post.number}"


def _readable_category_ids(actor: Actor, community: Community) -> list[int]:
    # A short list of ids plans far faster than the visibility subquery inside a join.
    return list(discussion_policy.visible_categories(actor, community).values_list("pk", flat=True))


def recent_activity(
    actor: Actor, profile: MemberProfile, limit: int = RECENT_ACTIVITY
) -> list[Activity]:
    """The member's latest topics, replies, questions, answers and ideas that the *viewer*
    may read (categories the viewer can read, nothing deleted)."""
    readable = _readable_category_ids(actor, actor.community)
    if not readable:
        return []
    posts = (
        Post.objects.filter(
            discussion_policy.in_review_filter(actor),
            discussion_policy.in_review_filter(actor, "topic__"),
            community=profile.community_id,
            author_id=profile.user_id,
            deleted_at__isnull=True,
            topic__category_id__in=readable,
            topic__deleted_at__isnull=True,
        )
        .select_related("topic__category", "topic__community")
        .order_by("-created_at", "-id")[:limit]
    )
    kinds = {
        CategoryKind.QUESTIONS: ("question", "answer"),
        CategoryKind.IDEAS: ("idea", "comment"),
        CategoryKind.DISCUSSION: ("topic", "reply"),
    }
    items = []
    for post in posts:
        first, later = kinds.get(post.topic.category.kind, ("topic", "reply"))
        items.append(Activity(post=post, kind=first if post.number == 1 else later))
    return items


def follow_state(actor: Actor, profile: MemberProfile) -> bool:
    if actor.user is None:
        return False
    return Follow.objects.filter(
        community_id=profile.community_id, follower=actor.user, followed_id=profile.user_id
    ).exists()


def follower_count(profile: MemberProfile) -> int:
    return Follow.objects.filter(
        community_id=profile.community_id, followed_id=profile.user_id
    ).count()


# Directory ---------------------------------------------------------------------------------

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


def suggested_interests(community: Community) -> list[Interest]:
    return list(Interest.objects.filter(community=community, is_suggested=True).order_by("key"))


# Members like you --------------------------------------------------------------------------

SUGGESTIONS = 6
SAMPLE_INTERESTS = 3  # the viewer's rarest interests are compared
SAMPLE_ANSWERS = 3
SAMPLE_TOPICS = 10  # the viewer's latest topics are compared
ROWS_PER_SAMPLE = 60


@dataclass
class Suggestion:
    profile: MemberProfile
    reason: str
    score: float = 0.0


@dataclass
class _Candidate:
    score: float = 0.0
    reason: str = ""
    reason_weight: float = 0.0

    def add(self, weight: float, reason: str) -> None:
        self.score += weight
        if weight > self.reason_weight:
            self.reason, self.reason_weight = reason, weight


def members_like_you(
    actor: Actor, community: Community, limit: int = SUGGESTIONS
) -> list[Suggestion]:
    """Listed members who share the viewer's interests, profile answers or groups, or posted
    in the same topics, best first, each with the reason to show.

    Bounded whatever the community's size: only the viewer's rarest few interests, a few
    choice answers and latest topics are compared, each reading at most ROWS_PER_SAMPLE
    rows from an index, so the query count and the rows read are constant."""
    if not policy.can_see_suggestions(actor):
        return []
    me = MemberProfile.objects.filter(community=community, user=actor.user).first()
    if me is None:
        return []
    by_profile: dict[int, _Candidate] = defaultdict(_Candidate)
    by_user: dict[int, _Candidate] = defaultdict(_Candidate)

    my_interests = [
        link.interest
        for link in MemberInterest.objects.filter(profile=me)
        .select_related("interest")
        .order_by("interest__member_count", "interest_id")[:SAMPLE_INTERESTS]
    ]
    for interest in my_interests:
        # Rarer shared interests say more about two people than popular ones.
        weight = 3.0 + 2.0 / max(1, interest.member_count)
        rows = (
            MemberInterest.objects.filter(interest=interest)
            .exclude(profile=me)
            .order_by("-profile_id")
            .values_list("profile_id", flat=True)[:ROWS_PER_SAMPLE]
        )
        for profile_id in rows:
            by_profile[profile_id].add(weight, _("Also into %(name)s") % {"name": interest.name})

    my_answers = list(
        ProfileAnswer.objects.filter(
            profile=me,
            question__is_public=True,
            question__kind__in=[QuestionKind.CHOICE, QuestionKind.MULTI],
        )
        .select_related("question")
        .order_by("question__position", "id")[:SAMPLE_ANSWERS]
    )
    for answer in my_answers:
        rows = (
            ProfileAnswer.objects.filter(question_id=answer.question_id, value=answer.value)
            .exclude(profile=me)
            .order_by("-profile_id")
            .values_list("profile_id", flat=True)[:ROWS_PER_SAMPLE]
        )
        reason = _("Also answered “%(answer)s” to “%(question)s”") % {
            "answer": answer.value,
            "question": answer.question.text,
        }
        for profile_id in rows:
            by_profile[profile_id].add(2.0, reason)

    from hearth.groups.selectors import shared_group_candidates

    for user_id, weight, reason in shared_group_candidates(actor, community, ROWS_PER_SAMPLE):
        by_user[user_id].add(weight, reason)

    readable = _readable_category_ids(actor, community)
    if readable:
        my_topics: dict[int, str] = {}
        recent = (
            Post.objects.filter(
                community=community,
                author=actor.user,
                deleted_at__isnull=True,
                topic__category_id__in=readable,
                topic__deleted_at__isnull=True,
            )
            .order_by("-created_at")
            .values_list("topic_id", "topic__title")[: SAMPLE_TOPICS * 3]
        )
        for topic_id, title in recent:
            if len(my_topics) < SAMPLE_TOPICS:
                my_topics.setdefault(topic_id, title)
        if my_topics:
            rows = (
                Post.objects.filter(topic_id__in=list(my_topics), deleted_at__isnull=True)
                .exclude(author=actor.user)
                .exclude(author__isnull=True)
                .order_by()
                .values_list("author_id", "topic_id")
                .distinct()[: ROWS_PER_SAMPLE * 3]
            )
            for user_id, topic_id in rows:
                by_user[user_id].add(
                    1.0, _("Both posted in “%(title)s”") % {"title": my_topics[topic_id]}
                )

    if not by_profile and not by_user:
        return []
    # Score the few hundred listed candidates on narrow rows, then load only the best:
    # loading every candidate with its user made PostgreSQL scan all users.
    candidates = (
        policy.listed_profiles(actor, community)
        .filter(Q(pk__in=list(by_profile)) | Q(user_id__in=list(by_user)))
        .exclude(pk=me.pk)
        .values_list("pk", "user_id", "last_active_at")
    )
    scored = []
    for pk, user_id, last_active_at in candidates:
        merged = _Candidate()
        for part in (by_profile.get(pk), by_user.get(user_id)):
            if part is not None:
                merged.score += part.score
                if part.reason_weight > merged.reason_weight:
                    merged.reason, merged.reason_weight = part.reason, part.reason_weight
        scored.append((merged.score, last_active_at.timestamp(), pk, merged.reason))
    best = sorted(scored, key=lambda s: (-s[0], -s[1], -s[2]))[:limit]
    profiles = MemberProfile.objects.select_related("user", "membership").in_bulk(
        [pk for _score, _active, pk, _reason in best]
    )
    return [
        Suggestion(profile=profiles[pk], reason=reason, score=score)
        for score, _active, pk, reason in best
        if pk in profiles
    ]


# Following feed ----------------------------------------------------------------------------


def following_feed(actor: Actor, community: Community) -> QuerySet[Topic]:
    """New topics by the members the actor follows, newest first, only where the actor may
    read them."""
    readable = _readable_category_ids(actor, community)
    followed = Follow.objects.filter(community=community, follower=actor.user).values("followed_id")
    return (
        Topic.objects.filter(
            discussion_policy.in_review_filter(actor),
            community=community,
            category_id__in=readable,
            deleted_at__isnull=True,
            author_id__in=followed,
        )
        .select_related("category", "author", "last_poster", "question", "idea")
        .order_by("-created_at", "-id")
    )


def following(actor: Actor, community: Community, limit: int = 24) -> list[MemberProfile]:
    """The members the actor follows who are still listed to them (for the feed's side)."""
    followed = Follow.objects.filter(community=community, follower=actor.user).values("followed_id")
    return list(
        policy.listed_profiles(actor, community)
        .filter(user_id__in=followed)
        .select_related("user")
        .order_by("-last_active_at")[:limit]
    )
