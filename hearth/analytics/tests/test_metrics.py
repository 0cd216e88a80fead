"""Every metric on a tiny community whose figures are worked out by hand below.

The window is Monday 4 – Sunday 10 March 2024 (UTC), read on 1 July 2024. People:
olivia (owner) and mona (moderator) are staff; dan is a member since January; ann, ben,
cat and eve join during the window. Day n is 4 March + n days.

    before  Jan 5  dan creates t1; Jan 10 olivia creates t0, mona replies to olivia
    lead    Feb 26 dan reacts to mona (counts only in the 28-day active figure)
    day 0   09:00 ann joins; 10:00 ann asks question t2; 12:00 mona answers ann;
            13:00 dan answers ann
    day 1   09:00 ann accepts dan's answer; 12:00 ben joins; 14:00 ben creates t3
    day 2   08:00 cat joins; cat→ben 09:00, ben→cat 10:00, cat→ben 11:00, ben→cat 12:00
    day 3   cat→ben 09:00, ben→cat 10:00 (replies in t3); 11:00 ann reacts to ben;
            12:00 dan asks t8; 13:30 mona answers dan; 18:00 dan accepts mona's answer;
            19:00 dan takes the acceptance back
    day 4   09:00 eve joins; 09:30 eve creates t9; 10:00 olivia creates t4;
            11:00 ann mentions mona; 12:00 dan accepts mona's answer again;
            14:00 dan replies to olivia in t4
    day 5   10:00 ann proposes idea t5; 11:00 ben votes for it
    day 6   09:00 olivia sets t5 "planned" with a response; 10:00 mona proposes idea t6;
            12:00 olivia sets t6 "shipped" without a response; 15:00 cat asks t7
    after   Mar 14 cat reacts to ann; Mar 20 ann replies to ben; Apr 3 ben reacts to cat;
            Apr 10 eve replies to ben; May 1 ann reacts to cat; May 28 ann leaves;
            Jun 20 ben replies to cat's t7 (after the 13-week follow-up: ignored)

Another community gets events by the same people at the same times; none may count.
"""

from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

import pytest

from hearth.analytics import metrics
from hearth.communities.models import Role
from hearth.core.models import InteractionEvent
from hearth.testing.factories import community_factory, membership_factory, user_factory

START = datetime(2024, 3, 4, tzinfo=UTC)
END = START + timedelta(days=7)
AS_OF = datetime(2024, 7, 1, tzinfo=UTC)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return START + timedelta(days=day, hours=hour, minutes=minute)


def utc(month: int, day: int, hour: int = 10) -> datetime:
    return datetime(2024, month, day, hour, tzinfo=UTC)


@pytest.fixture
def town(db):
    people = {name: user_factory(username=name) for name in ("olivia", "mona", "dan")}
    community = community_factory(owner=people["olivia"], slug="town")
    membership_factory(community, user=people["mona"], role=Role.MODERATOR, joined_at=utc(1, 1))
    membership_factory(community, user=people["dan"], joined_at=utc(1, 1))
    for name, joined in (("ann", at(0, 9)), ("ben", at(1, 12)), ("cat", at(2, 8))):
        people[name] = membership_factory(
            community, user=user_factory(username=name), joined_at=joined
        ).user
    people["eve"] = membership_factory(
        community, user=user_factory(username="eve"), joined_at=at(4, 9)
    ).user
    ids = {name: user.pk for name, user in people.items()}

    def event(when, verb, actor, target=None, topic=None, *, obj=None, where=community, **data):
        if topic is not None and obj is None:
            data["topic"] = topic
        InteractionEvent.objects.create(
            community=where,
            created_at=when,
            verb=verb,
            actor=people[actor],
            target_user=people[target] if target else None,
            object_id=obj,
            data=data,
        )

    def topic(when, who, number, kind):
        event(when, "topic.create", who, topic=number, kind=kind)
        if kind == "questions":
            event(when, "question.ask", who, obj=number)
        if kind == "ideas":
            event(when, "idea.propose", who, obj=number)

    topic(utc(1, 5), "dan", 1, "discussion")
    topic(utc(1, 10), "olivia", 0, "discussion")
    event(utc(1, 10, 11), "post.reply", "mona", "olivia", 0)
    event(utc(2, 26), "post.react", "dan", "mona", 1)
    event(at(0, 9), "member.join", "ann")
    topic(at(0, 10), "ann", 2, "questions")
    event(at(0, 12), "post.reply", "mona", "ann", 2)
    event(at(0, 13), "post.reply", "dan", "ann", 2)
    event(at(1, 9), "answer.accept", "ann", "dan", 2)
    event(at(1, 12), "member.join", "ben")
    topic(at(1, 14), "ben", 3, "discussion")
    event(at(2, 8), "member.join", "cat")
    for day, hour, actor, target in (
        (2, 9, "cat", "ben"), (2, 10, "ben", "cat"), (2, 11, "cat", "ben"),
        (2, 12, "ben", "cat"), (3, 9, "cat", "ben"), (3, 10, "ben", "cat"),
    ):  # fmt: skip
        event(at(day, hour), "post.reply", actor, target, 3)
    event(at(3, 11), "post.react", "ann", "ben", 3, kind="heart")
    topic(at(3, 12), "dan", 8, "questions")
    event(at(3, 13, 30), "post.reply", "mona", "dan", 8)
    event(at(3, 18), "answer.accept", "dan", "mona", 8)
    event(at(3, 19), "answer.unaccept", "dan", "mona", 8)
    event(at(4, 9), "member.join", "eve")
    topic(at(4, 9, 30), "eve", 9, "discussion")
    topic(at(4, 10), "olivia", 4, "discussion")
    event(at(4, 11), "post.mention", "ann", "mona", 3)
    event(at(4, 12), "answer.accept", "dan", "mona", 8)
    event(at(4, 14), "post.reply", "dan", "olivia", 4)
    topic(at(5, 10), "ann", 5, "ideas")
    event(at(5, 11), "idea.vote", "ben", "ann", obj=5)
    event(at(6, 9), "idea.status", "olivia", "ann", obj=5, to="planned", responded=True)
    topic(at(6, 10), "mona", 6, "ideas")
    event(at(6, 12), "idea.status", "olivia", "mona", obj=6, to="shipped", responded=False)
    topic(at(6, 15), "cat", 7, "questions")
    event(utc(3, 14), "post.react", "cat", "ann", 3)
    event(utc(3, 20), "post.reply", "ann", "ben", 3)
    event(utc(4, 3), "post.react", "ben", "cat", 3)
    event(utc(4, 10), "post.reply", "eve", "ben", 3)
    event(utc(5, 1), "post.react", "ann", "cat", 3)
    event(utc(5, 28), "member.leave", "ann")
    event(utc(6, 20), "post.reply", "ben", "cat", 7)

    # The same people elsewhere: a reply to eve's t9, an earlier post by ann, an idea.
    elsewhere = community_factory(owner=user_factory(), slug="elsewhere")
    event(at(4, 10), "post.reply", "ben", "eve", 9, where=elsewhere)
    event(utc(3, 2), "topic.create", "ann", topic=11, kind="discussion", where=elsewhere)
    event(at(1, 10), "idea.propose", "dan", obj=12, where=elsewhere)
    event(at(5, 12), "post.react", "cat", "mona", 3, where=elsewhere)
    return community, ids


@pytest.fixture
def report(town):
    community, _ids = town
    return metrics.health_report(community, START, END, as_of=AS_OF)


def test_it_loads_everything_in_three_queries(town, django_assert_num_queries):
    community, _ids = town
    with django_assert_num_queries(3):
        metrics.health_report(community, START, END, as_of=AS_OF)


def test_active_members_and_stickiness(report):
    # Active per day: 0 ann mona dan · 1 ann ben · 2 ben cat · 3 ann ben cat dan mona ·
    # 4 olivia ann dan eve · 5 ann ben · 6 olivia mona cat.
    # 28 days ending each day (dan's Feb 26 reaction counts for all of them):
    # {dan ann mona}=3, +ben=4, +cat=5, 5, +olivia +eve=7, 7, 7.
    days = report.active.days
    assert [d.active for d in days] == [3, 2, 2, 5, 4, 2, 3]
    assert [d.active_28_days for d in days] == [3, 4, 5, 5, 7, 7, 7]
    assert days[0].start == START and days[6].start == at(6, 0)
    assert report.active.weeks == (7,)
    assert report.active.total == 7
    # DAU/MAU×100: 100, 50, 40, 100, 400/7, 200/7, 300/7 → sum 2930/7, mean 2930/49.
    assert report.active.stickiness == Fraction(2930, 49)


def test_member_to_member_share(report):
    # Interactions (actor ≠ target): mona→ann, dan→ann, ann→dan (accept), six replies
    # between ben and cat, ann→ben (reaction), mona→dan, dan→mona (accept), ann→mona
    # (mention), dan→mona (accept again), dan→olivia = 15. Staff on a side: mona→ann,
    # mona→dan, dan→mona ×2, ann→mona, dan→olivia = 6. Member to member 9/15.
    assert report.member_to_member == metrics.MemberToMember(15, 9, Fraction(3, 5))


def test_reciprocity_and_relationships(report, town):
    _community, ids = town
    # Ordered pairs: mona→ann, dan→ann, ann→dan, cat→ben, ben→cat, ann→ben, mona→dan,
    # dan→mona, ann→mona, dan→olivia = 10; unreturned: ann→ben, dan→olivia → 8/10.
    # Only ben and cat have 3+ each way.
    assert report.reciprocity == metrics.Reciprocity(
        10, 8, Fraction(4, 5), (tuple(sorted((ids["ben"], ids["cat"]))),)
    )


def test_never_answered(report, town):
    _community, ids = town
    # Posted: ann, mona, dan, ben, cat, olivia, eve. Replied or reacted to: ann (mona, dan),
    # ben (cat, ann), cat (ben), dan (mona), olivia (dan). Mona only got acceptances and a
    # mention; eve's t9 got a reply only in the other community.
    assert report.never_answered == metrics.NeverAnswered(
        7, tuple(sorted((ids["mona"], ids["eve"])))
    )


def test_appreciation_reach(report):
    # Active 7; reacted to or accepted: dan (ann's accept), ben (ann's heart), mona
    # (dan's accepts) → 3/7.
    assert report.appreciation == metrics.AppreciationReach(7, 3, Fraction(3, 7))


def test_newcomer_welcome(report, town):
    _community, ids = town
    # First posts ever in the window: ann (day 0 10:00), ben (day 1 14:00), cat (day 2
    # 09:00), eve (day 4 09:30); dan, olivia and mona posted in January; ann's post in the
    # other community does not count. Welcomes: ann by mona after 2 h, ben by cat after 19 h,
    # cat by ben after 1 h; eve none → 3/4, median of 1, 2, 19 = 2 h. Posted again within
    # 30 days: ann (t5), ben, cat yes → 3/3; eve only on Apr 10, 33 days later → 0/1.
    n = report.newcomers
    assert n.newcomers == tuple(sorted(ids[x] for x in ("ann", "ben", "cat", "eve")))
    assert n.welcomed == tuple(sorted(ids[x] for x in ("ann", "ben", "cat")))
    assert n.unwelcomed == (ids["eve"],)
    assert n.rate == Fraction(3, 4)
    assert n.median_hours_to_reply == 2
    assert n.welcomed_returned == 1
    assert n.unwelcomed_returned == 0


def test_time_to_first_response(report):
    # Topics (not questions): t3 → cat after 19 h, t4 → dan after 4 h; t5, t6, t9 none.
    # Median and mean (19 + 4) / 2 = 11.5 h.
    assert report.first_response.topics == metrics.ResponseTimes(
        5, 2, Fraction(23, 2), Fraction(23, 2), (5, 6, 9)
    )
    # Questions: t2 → mona after 2 h, t8 → mona after 1.5 h; t7 only answered in June,
    # after the follow-up. Median and mean 1.75 h.
    assert report.first_response.questions == metrics.ResponseTimes(
        3, 2, Fraction(7, 4), Fraction(7, 4), (7,)
    )


def test_member_support(report):
    # t2: dan's answer accepted after 23 h (member). t8: mona's answer accepted, taken back,
    # accepted again 24 h after asking (staff). t7: no answer. Share 1/2, median 23.5 h.
    assert report.support == metrics.MemberSupport(3, 2, 1, Fraction(1, 2), Fraction(47, 2), (7,))


def test_retention(report, town):
    _community, ids = town
    # One cohort (week of Monday 4 March): ann (joined Mar 4), ben (5), cat (6), eve (8),
    # week k being days [7k, 7k + 7) after each join day. Week 1: cat (Mar 14 in 13–19).
    # Week 2: ann (Mar 20 in 18–24). Week 4: ben (Apr 3 in 2–8), eve (Apr 10 in 5–11).
    # Week 8: ann (May 1 in Apr 29–May 5). Week 12: ann (leaving on May 28 is an action).
    (cohort,) = report.retention
    assert cohort.week == date(2024, 3, 4)
    assert cohort.members == tuple(sorted(ids[x] for x in ("ann", "ben", "cat", "eve")))
    quarter, half = Fraction(1, 4), Fraction(1, 2)
    assert cohort.retention == {1: quarter, 2: quarter, 4: half, 8: quarter, 12: quarter}


def test_retention_counts_only_weeks_that_have_ended(town):
    community, ids = town
    # On Apr 10 00:00, week 4 has ended for ann (at Apr 8 00:00), ben (Apr 9) and cat
    # (Apr 10), not for eve (Apr 12); only ben was active in his. Week 8 has ended for nobody.
    window = metrics.load_window(community, START, END, as_of=utc(4, 10, 0))
    (cohort,) = metrics.retention(window)
    assert cohort.retention[4] == Fraction(1, 3)
    assert cohort.retention[8] is None and cohort.retention[12] is None


def test_ideas(report):
    # Proposed t5 (ann) and t6 (mona, staff); one vote; t5 got a response; t6 shipped.
    assert report.ideas == metrics.Ideas(2, 1, 1, 1, Fraction(1, 2), 1)


def test_an_empty_window_has_no_undefined_figures(town):
    community, _ids = town
    start = datetime(2023, 1, 2, tzinfo=UTC)
    report = metrics.health_report(community, start, start + timedelta(days=28), as_of=AS_OF)
    assert [d.active for d in report.active.days] == [0] * 28
    assert report.active.weeks == (0, 0, 0, 0)
    assert report.active.stickiness is None
    assert report.member_to_member == metrics.MemberToMember(0, 0, None)
    assert report.reciprocity == metrics.Reciprocity(0, 0, None, ())
    assert report.never_answered == metrics.NeverAnswered(0, ())
    assert report.appreciation == metrics.AppreciationReach(0, 0, None)
    assert report.newcomers == metrics.NewcomerWelcome((), (), (), None, None, None, None)
    empty = metrics.ResponseTimes(0, 0, None, None, ())
    assert report.first_response == metrics.FirstResponse(empty, empty)
    assert report.support == metrics.MemberSupport(0, 0, 0, None, None, ())
    assert report.retention == ()
    assert report.ideas == metrics.Ideas(0, 0, 0, 0, None, 0)


def test_a_partial_last_day_still_counts(town):
    community, _ids = town
    report = metrics.health_report(community, START, at(1, 12), as_of=AS_OF)
    # Day 1 is 00:00–12:00: only ann (the accept at 09:00); ben joins at 12:00.
    assert [d.active for d in report.active.days] == [3, 1]


@pytest.mark.parametrize(
    "start, end",
    [(END, START), (START, START), (START.replace(tzinfo=None), END)],
)
def test_it_rejects_bad_windows(db, start, end):
    community = community_factory()
    with pytest.raises(ValueError):
        metrics.load_window(community, start, end)


def test_the_limits_are_inclusive(db):
    # A welcome at exactly 24 h counts, a microsecond later does not; the same for posting
    # again at 30 days. A reply a microsecond before the 13-week follow-up ends counts.
    community = community_factory()
    u1, u2, u3, u4 = (membership_factory(community).user for _ in range(4))
    tick = timedelta(microseconds=1)
    first, end = at(0, 1), at(1, 0)

    def event(when, verb, actor, target=None, topic=None, **data):
        InteractionEvent.objects.create(
            community=community, created_at=when, verb=verb, actor=actor, target_user=target,
            object_id=topic if verb == "question.ask" else None,
            data=data if verb == "question.ask" else {"topic": topic, **data},
        )  # fmt: skip

    event(first, "topic.create", u1, topic=1, kind="discussion")
    event(first, "topic.create", u3, topic=2, kind="discussion")
    event(first, "topic.create", u4, topic=3, kind="questions")
    event(first, "question.ask", u4, topic=3)
    event(first + timedelta(hours=24), "post.reply", u2, u1, 1)
    event(first + timedelta(hours=24) + tick, "post.reply", u2, u3, 2)
    event(first + timedelta(days=30), "post.reply", u1, u2, 1)
    event(first + timedelta(days=30) + tick, "post.reply", u3, u2, 2)
    event(end + timedelta(weeks=13) - tick, "post.reply", u2, u4, 3)

    report = metrics.health_report(community, START, end, as_of=AS_OF)
    assert report.newcomers.welcomed == (u1.pk,)
    assert report.newcomers.unwelcomed == (u3.pk, u4.pk)
    assert report.newcomers.median_hours_to_reply == 24
    assert (report.newcomers.welcomed_returned, report.newcomers.unwelcomed_returned) == (1, 0)
    assert report.first_response.questions.responded == 1
    assert report.first_response.topics.unanswered == ()
