"""The demo reads like a real community: every topic's replies belong to it, nothing
repeats on a page, thanks go to whoever helped, and members have pictures."""

import random
from collections import Counter

from django.core.files.storage import default_storage

from hearth.accounts.models import User
from hearth.communities.models import Membership, Role
from hearth.core.actor import Actor
from hearth.demo import build_demo, content, generated, people
from hearth.demo.script import ANSWER, AUTHOR, REPLY_PREV, parse, render
from hearth.discussions import selectors
from hearth.discussions.models import Category, Post, Topic
from hearth.ideas.models import Idea
from hearth.qa.models import Question


def test_the_demo_reads_like_a_real_community(db):
    """One build (it takes a while) for every check on the data."""
    lumen = build_demo(members=40, days=90, seed=3)
    _no_title_repeats_on_any_first_page_or_at_all(lumen)
    _no_reply_repeats_within_a_topic(lumen)
    _thanks_go_to_the_accepted_answerer(lumen)
    _ideas_have_votes_and_statuses(lumen)
    _members_have_generated_avatars(lumen)


def _first_page(actor, community, category=None):
    topics = selectors.topic_list(actor, community, category=category)
    return list(topics[: selectors.TOPICS_PER_PAGE])


def _no_title_repeats_on_any_first_page_or_at_all(lumen):
    for actor in (Actor.for_user(None, lumen), Actor.for_user(lumen.created_by, lumen)):
        pages = [_first_page(actor, lumen)] + [
            _first_page(actor, lumen, category)
            for category in Category.objects.filter(community=lumen)
        ]
        for page in pages:
            titles = Counter(t.title for t in page)
            assert not [title for title, n in titles.items() if n > 1]
    titles = Counter(Topic.objects.filter(community=lumen).values_list("title", flat=True))
    assert not [title for title, n in titles.items() if n > 1]


def _no_reply_repeats_within_a_topic(lumen):
    bodies = Counter(Post.objects.filter(community=lumen).values_list("topic_id", "body"))
    assert not [key for key, n in bodies.items() if n > 1]


def _thanks_go_to_the_accepted_answerer(lumen):
    accepted = Question.objects.filter(topic__community=lumen).exclude(accepted_answer=None)
    assert accepted.count() >= 3
    thanked = 0
    for question in accepted.select_related("topic", "accepted_answer__author"):
        answerer = question.accepted_answer.author
        thanks = Post.objects.filter(
            topic=question.topic, author=question.topic.author, number__gt=1
        ).filter(body__icontains="thank")
        for post in thanks:
            assert f"@{answerer.username}" in post.body, (question.topic.title, post.body)
            thanked += 1
    assert thanked
    # Members answer too, and some questions wait for an answer.
    staff = set(
        Membership.objects.filter(community=lumen)
        .exclude(role=Role.MEMBER)
        .values_list("user_id", flat=True)
    )
    assert any(q.accepted_answer.author_id not in staff for q in accepted)
    assert Question.objects.filter(topic__community=lumen, accepted_answer=None).exists()


def _ideas_have_votes_and_statuses(lumen):
    ideas = Idea.objects.filter(topic__community=lumen)
    # Votes go mostly to popular ideas (as on a real board): in this small build, at least two.
    assert ideas.filter(vote_count__gt=0).count() >= 2
    assert ideas.exclude(status="new").exists()


def _members_have_generated_avatars(lumen):
    members = User.objects.filter(memberships__community=lumen, memberships__role=Role.MEMBER)
    with_picture = [u for u in members if people.has_avatar(u.username)]
    assert len(with_picture) > 0.7 * members.count()
    assert len(with_picture) < members.count()  # a few keep their initials
    for user in with_picture:
        assert user.avatar and default_storage.exists(user.avatar.name), user.username
    for user in members:
        if not people.has_avatar(user.username):
            assert not user.avatar


def test_avatars_are_deterministic_and_varied():
    first = people.avatar_image("ada1", "Ada Okafor")
    assert first == people.avatar_image("ada1", "Ada Okafor")
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    assert len({people.avatar_image(f"user{n}", "Sam Kim") for n in range(8)}) == 8


def test_names_do_not_repeat():
    names = people.unique_names(300, random.Random(1))
    assert len({name for _u, name in names}) == 300
    assert len({username for username, _n in names}) == 300


def test_every_thread_script_is_coherent():
    scripts = [
        *(s for kind in content.HANDWRITTEN.values() for s in kind),
        *content.CHALLENGES,
        *content.ANNOUNCEMENTS.values(),
        *(s for family in generated.FAMILIES.values() for s in family()),
    ]
    titles = Counter(s.title for s in scripts)
    assert not [t for t, n in titles.items() if n > 1]
    for script in scripts:
        bodies = [line.text for line in script.replies]
        assert len(bodies) == len(set(bodies)), script.title
        assert "{" not in script.title
        if script.category == "help":
            assert script.answer is not None, script.title
            # The asker thanks whoever answered, never whoever posted last.
            for line in script.replies:
                if line.speaker == AUTHOR and "thank" in line.text.lower():
                    assert "{ans}" in line.text, script.title


def test_script_notation_and_rendering():
    (script,) = parse(
        "=== help\n# How?\nWhat do I do?\n= Do this.\n- Also that.\n> Agreed.\nop: Thanks {ans}!"
    )
    assert script.category == "help" and script.answer == 0
    assert [line.speaker for line in script.replies] == [ANSWER, "-", REPLY_PREV, AUTHOR]

    class U:
        def __init__(self, username, name):
            self.username, self.display_name = username, name

    op, kenji, ada = U("op1", "Olu P"), U("kenji", "Kenji Ito"), U("ada", "Ada L")
    assert render("Thanks {ans}!", op=op, prev=ada, ans=kenji) == "Thanks @kenji!"
    quoted = render("{quote}Yes.", op=op, prev=ada, ans=None, prev_body="One. Two.")
    assert quoted == "> @ada wrote:\n> One.\n\nYes."
