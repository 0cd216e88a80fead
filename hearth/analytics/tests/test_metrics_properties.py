"""Property test: on random event logs, every metric equals a brute-force recomputation.

The brute force below reads the definitions as literally as it can (loop over every day,
every pair, every person, every event) and shares no code with ``metrics``; it is slow and
that is the point. Events go through the database, with noise in another community.
"""

import dataclasses
import statistics
from datetime import UTC, datetime, timedelta
from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from hearth.analytics import metrics
from hearth.communities.models import Membership, Role
from hearth.core.models import InteractionEvent
from hearth.testing.factories import community_factory, membership_factory, user_factory

BASE = datetime(2024, 3, 4, tzinfo=UTC)
PEOPLE = 6
VERBS = [
    "topic.create", "question.ask", "post.reply", "post.mention", "post.react",
    "answer.accept", "answer.unaccept", "idea.propose", "idea.vote", "idea.status",
    "member.join", "question.first_response", "answer.vote",
]  # fmt: skip
DAY, WEEK, HOUR = timedelta(days=1), timedelta(weeks=1), timedelta(hours=1)


def hours(delta):
    seconds = Fraction(delta.days * 86_400 + delta.seconds) + Fraction(delta.microseconds, 10**6)
    return seconds / 3600


def share(part, whole):
    return Fraction(part, whole) if whole else None


def median(values):
    return statistics.median(values) if values else None


def mean(values):
    return Fraction(sum(values), len(values)) if values else None


# Weighted towards what the metrics look at, so boundaries (24 hours, 30 days, the weeks
# after joining) are crossed often: few posts before the window, most activity just inside.
verb_st = st.sampled_from(
    VERBS + ["post.reply"] * 6 + ["post.react"] * 2 + ["topic.create", "question.ask"] * 2
)
minute_st = st.one_of(
    st.integers(-45 * 24 * 60, 0),
    *[st.integers(0, 4 * 24 * 60)] * 4,
    st.integers(0, 40 * 24 * 60),
    st.integers(0, 130 * 24 * 60),
)
event_st = st.fixed_dictionaries(
    {
        "verb": verb_st,
        "actor": st.one_of(st.none(), *[st.integers(0, PEOPLE - 1)] * 5),
        "target": st.one_of(st.none(), *[st.integers(0, PEOPLE - 1)] * 3),
        "topic": st.integers(1, 5),
        "kind": st.sampled_from(["discussion", "questions", "ideas"]),
        "to": st.sampled_from(["planned", "shipped"]),
        "responded": st.booleans(),
        "minute": minute_st,
    }
)


@st.composite
def conversation_st(draw):
    """A topic or question by one person, answered back and forth by another (with gaps of
    up to two days), and perhaps an acceptance: relationships, welcomes and answers."""
    a, b = draw(st.integers(0, PEOPLE - 1)), draw(st.integers(0, PEOPLE - 1))
    topic, minute = draw(st.integers(1, 5)), draw(minute_st)
    kind = draw(st.sampled_from(["discussion", "questions"]))
    base = {"topic": topic, "kind": kind, "to": "planned", "responded": False}
    events = [{**base, "verb": "topic.create", "actor": a, "target": None, "minute": minute}]
    if kind == "questions":
        events.append({**events[0], "verb": "question.ask"})
    for turn in range(draw(st.integers(0, 7))):
        minute += draw(st.integers(1, 48 * 60))
        who, other = (b, a) if turn % 2 == 0 else (a, b)
        events.append(
            {**base, "verb": "post.reply", "actor": who, "target": other, "minute": minute}
        )
    if draw(st.booleans()):
        minute += draw(st.integers(-24 * 60, 48 * 60))
        verb = draw(st.sampled_from(["answer.accept", "answer.accept", "answer.unaccept"]))
        events.append({**base, "verb": verb, "actor": a, "target": b, "minute": minute})
    return events


class MetricsMatchBruteForce(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.users = [user_factory() for _ in range(PEOPLE)]
        cls.community = community_factory(owner=cls.users[0])
        for user in cls.users[1:]:
            membership_factory(cls.community, user=user)
        cls.elsewhere = community_factory(owner=cls.users[1])

    @settings(
        max_examples=200,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        events=st.lists(event_st, min_size=15, max_size=80),
        conversations=st.lists(conversation_st(), max_size=6),
        noise=st.lists(event_st, max_size=8),
        staff=st.lists(st.booleans(), min_size=PEOPLE, max_size=PEOPLE),
        joins=st.lists(
            st.one_of(st.none(), st.integers(-5 * 24, 6 * 24)), min_size=PEOPLE, max_size=PEOPLE
        ),
        start_hours=st.integers(0, 24),
        length_hours=st.integers(1, 8 * 24),
        as_of_days=st.integers(0, 130),
    )
    def test_every_metric_matches(
        self, events, conversations, noise, staff, joins, start_hours, length_hours, as_of_days
    ):
        events = events + [e for conversation in conversations for e in conversation]
        ids = [u.pk for u in self.users]
        for user_id, is_staff, join in zip(ids, staff, joins, strict=True):
            Membership.objects.filter(community=self.community, user_id=user_id).update(
                role=Role.MODERATOR if is_staff else Role.MEMBER,
                joined_at=None if join is None else BASE + join * HOUR,
            )
        rows = []
        for i, e in enumerate(events + noise):
            # Distinct instants, so "first" and "last" never depend on insertion order.
            at = BASE + timedelta(minutes=e["minute"], microseconds=i)
            data = {"topic": e["topic"]}
            if e["verb"] == "topic.create":
                data["kind"] = e["kind"]
            if e["verb"] in ("question.ask", "idea.propose", "idea.vote", "idea.status"):
                data = {"to": e["to"], "responded": e["responded"]}
            rows.append(
                {
                    "community": self.community if i < len(events) else self.elsewhere,
                    "at": at,
                    "verb": e["verb"],
                    "actor": None if e["actor"] is None else ids[e["actor"]],
                    "target": None if e["target"] is None else ids[e["target"]],
                    "topic": e["topic"],
                    "object_id": e["topic"] if "topic" not in data else None,
                    "data": data,
                }
            )
        InteractionEvent.objects.bulk_create(
            InteractionEvent(
                community=r["community"],
                created_at=r["at"],
                verb=r["verb"],
                actor_id=r["actor"],
                target_user_id=r["target"],
                object_id=r["object_id"],
                data=r["data"],
            )  # fmt: skip
            for r in rows
        )
        start = BASE + start_hours * HOUR
        end = start + length_hours * HOUR
        as_of = end + as_of_days * DAY
        report = metrics.health_report(self.community, start, end, as_of=as_of)
        mine = [r for r in rows if r["community"] == self.community]
        staff_ids = {user_id for user_id, s in zip(ids, staff, strict=True) if s}
        joined = {
            user_id: BASE + j * HOUR for user_id, j in zip(ids, joins, strict=True) if j is not None
        }
        expected = brute_force(mine, staff_ids, joined, start, end, as_of)
        actual = dataclasses.asdict(report)
        for key, value in expected.items():
            assert actual[key] == value, key


def brute_force(events, staff, joined, start, end, as_of):
    until = max(end, min(as_of, end + timedelta(weeks=13)))
    inside = [e for e in events if start <= e["at"] < end]
    seen = [e for e in events if start <= e["at"] < until]
    posts = {"topic.create", "post.reply"}

    # Active members: every day and every week counted from scratch.
    day_starts = []
    t = start
    while t < end:
        day_starts.append(t)
        t += DAY

    def active_between(lo, hi):
        return {e["actor"] for e in events if e["actor"] is not None and lo <= e["at"] < hi}

    days = []
    for d in day_starts:
        d_end = min(d + DAY, end)
        days.append(
            {
                "start": d,
                "active": len(active_between(d, d_end)),
                "active_28_days": len(active_between(d - 27 * DAY, d_end)),
            }
        )
    weeks = []
    w = start
    while w < end:
        weeks.append(len(active_between(w, min(w + WEEK, end))))
        w += WEEK
    ratios = [Fraction(d["active"] * 100, d["active_28_days"]) for d in days if d["active_28_days"]]
    active = {
        "days": tuple(days),
        "weeks": tuple(weeks),
        "total": len(active_between(start, end)),
        "stickiness": mean(ratios),
    }

    # Interactions.
    links = []
    for e in inside:
        if (
            e["verb"] in ("post.reply", "post.mention", "post.react", "answer.accept")
            and e["actor"] is not None
            and e["target"] is not None
            and e["actor"] != e["target"]
        ):
            links.append((e["actor"], e["target"]))
    neither = [(a, b) for a, b in links if a not in staff and b not in staff]
    m2m = {
        "interactions": len(links),
        "between_members": len(neither),
        "share": share(len(neither), len(links)),
    }
    ordered = set(links)
    back = [p for p in ordered if (p[1], p[0]) in ordered]
    people = {x for pair in links for x in pair}
    relationships = []
    for a in sorted(people):
        for b in sorted(people):
            if a < b and links.count((a, b)) >= 3 and links.count((b, a)) >= 3:
                relationships.append((a, b))
    recip = {
        "pairs": len(ordered),
        "reciprocated": len(back),
        "share": share(len(back), len(ordered)),
        "relationships": tuple(relationships),
    }

    # Never answered and appreciation.
    posters = {e["actor"] for e in inside if e["verb"] in posts and e["actor"] is not None}
    lonely = []
    for p in sorted(posters):
        got = [
            e
            for e in inside
            if e["verb"] in ("post.reply", "post.react")
            and e["target"] == p
            and e["actor"] is not None
            and e["actor"] != p
        ]
        if not got:
            lonely.append(p)
    active_people = active_between(start, end)
    thanked = [
        p
        for p in active_people
        if any(
            e["verb"] in ("post.react", "answer.accept")
            and e["target"] == p
            and e["actor"] not in (None, p)
            for e in inside
        )
    ]

    # Newcomers: first post ever, over the whole log.
    newcomers, welcomed, waits, back_w, back_u = [], [], [], 0, 0
    for p in sorted({e["actor"] for e in events if e["actor"] is not None}):
        mine = sorted(e["at"] for e in events if e["actor"] == p and e["verb"] in posts)
        if not mine or not start <= mine[0] < end:
            continue
        first = mine[0]
        newcomers.append(p)
        replies = sorted(
            e["at"]
            for e in seen
            if e["verb"] == "post.reply"
            and e["target"] == p
            and e["actor"] not in (None, p)
            and first <= e["at"] <= first + timedelta(hours=24)
        )
        again = len([t for t in mine if t < until and t <= first + timedelta(days=30)]) > 1
        if replies:
            welcomed.append(p)
            waits.append(hours(replies[0] - first))
            back_w += again
        else:
            back_u += again
    unwelcomed = [p for p in newcomers if p not in welcomed]

    # First responses.
    def response(starts):
        took, unanswered = [], []
        for s in starts:
            answers = [
                e["at"]
                for e in seen
                if e["verb"] == "post.reply"
                and e["topic"] == s["topic"]
                and e["actor"] not in (None, s["actor"])
                and e["at"] >= s["at"]
            ]
            if answers:
                took.append(hours(min(answers) - s["at"]))
            else:
                unanswered.append(s["topic"])
        return {
            "started": len(starts),
            "responded": len(took),
            "median_hours": median(took),
            "mean_hours": mean(took),
            "unanswered": tuple(sorted(unanswered)),
        }

    topics = [e for e in inside if e["verb"] == "topic.create" and e["data"]["kind"] != "questions"]
    questions = [e for e in inside if e["verb"] == "question.ask"]

    # Support: replay accept / unaccept per question.
    accepted = []
    for q in questions:
        state = None
        decisions = sorted(
            (e for e in seen if e["topic"] == q["topic"] and e["at"] >= q["at"]),
            key=lambda e: e["at"],
        )
        for e in decisions:
            if e["verb"] == "answer.accept":
                state = e
            elif e["verb"] == "answer.unaccept":
                state = None
        if state is not None:
            accepted.append((state["target"], hours(state["at"] - q["at"])))
    by_members = [a for a in accepted if a[0] not in staff]

    # Retention.
    cohorts = {}
    for p, j in joined.items():
        if start <= j < end:
            monday = j.date() - timedelta(days=j.weekday())
            cohorts.setdefault(monday, []).append(p)
    retention = []
    for monday in sorted(cohorts):
        members = sorted(cohorts[monday])
        shares = {}
        for k in (1, 2, 4, 8, 12):
            # Whole UTC days: week k is days [7k, 7k + 7) after the join day.
            lo = {
                p: joined[p].replace(hour=0, minute=0, second=0, microsecond=0) + k * WEEK
                for p in members
            }
            ended = [p for p in members if lo[p] + WEEK <= as_of]
            kept = [
                p
                for p in ended
                if [e for e in seen if e["actor"] == p and lo[p] <= e["at"] < lo[p] + WEEK]
            ]
            shares[k] = share(len(kept), len(ended))
        retention.append({"week": monday, "members": tuple(members), "retention": shares})

    # Ideas.
    proposals = [e for e in inside if e["verb"] == "idea.propose"]
    answered_ideas = [
        p
        for p in proposals
        if any(
            e["verb"] == "idea.status"
            and e["topic"] == p["topic"]
            and e["data"]["responded"]
            and e["at"] >= p["at"]
            for e in seen
        )
    ]
    shipped = {
        e["topic"] for e in inside if e["verb"] == "idea.status" and e["data"]["to"] == "shipped"
    }

    return {
        "start": start,
        "end": end,
        "active": active,
        "member_to_member": m2m,
        "reciprocity": recip,
        "never_answered": {"posted": len(posters), "members": tuple(lonely)},
        "appreciation": {
            "active": len(active_people),
            "appreciated": len(thanked),
            "share": share(len(thanked), len(active_people)),
        },
        "newcomers": {
            "newcomers": tuple(newcomers),
            "welcomed": tuple(welcomed),
            "unwelcomed": tuple(unwelcomed),
            "rate": share(len(welcomed), len(newcomers)),
            "median_hours_to_reply": median(waits),
            "welcomed_returned": share(back_w, len(welcomed)),
            "unwelcomed_returned": share(back_u, len(unwelcomed)),
        },
        "first_response": {"topics": response(topics), "questions": response(questions)},
        "support": {
            "questions": len(questions),
            "accepted": len(accepted),
            "accepted_from_members": len(by_members),
            "share": share(len(by_members), len(accepted)),
            "median_hours_to_accept": median([wait for _answerer, wait in accepted]),
            "unanswered": response(questions)["unanswered"],
        },
        "retention": tuple(retention),
        "ideas": {
            "proposed": len(proposals),
            "proposed_by_members": len(
                [p for p in proposals if p["actor"] is not None and p["actor"] not in staff]
            ),
            "votes": len([e for e in inside if e["verb"] == "idea.vote"]),
            "responded": len(answered_ideas),
            "response_share": share(len(answered_ideas), len(proposals)),
            "shipped": len(shipped),
        },
    }
