"""Property test: on random questions, acceptances, roles and views, the deflection figures
equal a brute-force recomputation that reads the definitions literally (loop over every
question and every view) and shares no code with ``deflection``. Views go through the
audience flush, so the asker filter at the source is checked too; noise goes to another
community."""

from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from hearth.analytics.dashboard import Window
from hearth.audience.recording import PageView
from hearth.audience.services import page_views_save
from hearth.benefits import deflection
from hearth.communities.models import Membership, Role
from hearth.core import ratelimit
from hearth.discussions import services as discussion_services
from hearth.discussions.models import Post, Topic
from hearth.qa.models import Question
from hearth.testing.factories import actor_for, community_factory, membership_factory, user_factory

BASE = date(2025, 6, 2)
PEOPLE = 4
QUESTIONS = 5

question_st = st.fixed_dictionaries(
    {
        # None: not solved; else the answerer (an index) and minutes after BASE.
        "answerer": st.one_of(st.none(), st.integers(0, PEOPLE - 1)),
        "minute": st.integers(-3 * 24 * 60, 12 * 24 * 60),
        "deleted": st.booleans(),
    }
)
view_st = st.fixed_dictionaries(
    {
        "question": st.integers(0, QUESTIONS - 1),
        "day": st.integers(-3, 12),
        "viewer": st.one_of(st.none(), st.integers(0, PEOPLE - 1)),
        "n": st.integers(1, 3),
        "elsewhere": st.booleans(),
    }
)


class DeflectionMatchesBruteForce(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.users = [user_factory() for _ in range(PEOPLE)]
        cls.community = community_factory(owner=cls.users[0])
        for user in cls.users[1:]:
            membership_factory(cls.community, user=user)
        cls.elsewhere = community_factory(owner=cls.users[1])
        owner = actor_for(cls.users[0], cls.community)
        support = discussion_services.category_create(actor=owner, name="Help", kind="questions")
        cls.topics, cls.answers = [], []
        with ratelimit.paused():
            for i in range(QUESTIONS):
                asker = cls.users[i % PEOPLE]
                topic = discussion_services.topic_create(
                    actor=actor_for(asker, cls.community),
                    category=support,
                    title=f"Question {i}",
                    body="How?",
                )
                cls.topics.append(topic)
                cls.answers.append(
                    {
                        j: discussion_services.post_reply(
                            actor=actor_for(user, cls.community), topic=topic, body=f"Like so {j}"
                        ).pk
                        for j, user in enumerate(cls.users)
                    }
                )

    @settings(
        max_examples=150,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        questions=st.lists(question_st, min_size=QUESTIONS, max_size=QUESTIONS),
        views=st.lists(view_st, max_size=40),
        staff=st.lists(st.booleans(), min_size=PEOPLE, max_size=PEOPLE),
        start=st.integers(0, 6),
        length=st.integers(1, 9),
    )
    def test_the_figures_match(self, questions, views, staff, start, length):
        ids = [u.pk for u in self.users]
        for user_id, is_staff in zip(ids, staff, strict=True):
            Membership.objects.filter(community=self.community, user_id=user_id).update(
                role=Role.MODERATOR if is_staff else Role.MEMBER
            )
        base = datetime(BASE.year, BASE.month, BASE.day, tzinfo=UTC)
        accepted = {}
        for i, q in enumerate(questions):
            topic = self.topics[i]
            if q["answerer"] is None:
                Question.objects.filter(topic=topic).update(accepted_answer=None, accepted_at=None)
            else:
                moment = base + timedelta(minutes=q["minute"])
                Question.objects.filter(topic=topic).update(
                    accepted_answer_id=self.answers[i][q["answerer"]], accepted_at=moment
                )
                accepted[i] = moment
            Topic.objects.filter(pk=topic.pk).update(deleted_at=base if q["deleted"] else None)
        page_views_save(
            [
                PageView(
                    (self.elsewhere if v["elsewhere"] else self.community).pk,
                    BASE + timedelta(days=v["day"]),
                    1,
                    "",
                    "",
                    "",
                    self.topics[v["question"]].pk,
                    0 if v["viewer"] is None else ids[v["viewer"]],
                )
                for v in views
                for _ in range(v["n"])
            ]
        )
        window = Window(BASE + timedelta(days=start), BASE + timedelta(days=start + length - 1))

        figures = deflection.deflection(self.community, window)

        def in_window(day):
            return window.start <= day <= window.end

        def counts(i):
            return i in accepted and not questions[i]["deleted"]

        askers = [ids[i % PEOPLE] for i in range(QUESTIONS)]
        solved = [i for i in accepted if counts(i) and in_window(accepted[i].date())]
        answerer_of = {
            i: Post.objects.get(pk=self.answers[i][questions[i]["answerer"]]).author_id
            for i in solved
        }
        staff_ids = {user_id for user_id, s in zip(ids, staff, strict=True) if s}
        by_members = [i for i in solved if answerer_of[i] not in staff_ids]
        counted = [
            v
            for v in views
            if not v["elsewhere"]
            and counts(v["question"])
            and in_window(BASE + timedelta(days=v["day"]))
            and BASE + timedelta(days=v["day"]) >= accepted[v["question"]].date()
            and (v["viewer"] is None or ids[v["viewer"]] != askers[v["question"]])
        ]
        assert figures.solved == len(solved)
        assert figures.solved_by_members == len(by_members)
        assert figures.answer_views == sum(v["n"] for v in counted)
        assert figures.viewed_questions == len({v["question"] for v in counted})
        for row in figures.days:
            assert row.solved == sum(1 for i in solved if accepted[i].date() == row.day)
            assert row.solved_by_members == sum(
                1 for i in by_members if accepted[i].date() == row.day
            )
            assert row.answer_views == sum(
                v["n"] for v in counted if BASE + timedelta(days=v["day"]) == row.day
            )
