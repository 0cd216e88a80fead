"""Support and feedback journeys in headless Chromium: a question is asked, answered,
accepted and up-voted, and shows up as solved in the category filters while a newcomer's
question waits in the unanswered queue; an idea is proposed, voted on, planned by staff with
an official response and lands on the roadmap; votes are withdrawn and declined ideas take
no more votes."""

import os
import re

import pytest

if not os.path.exists("/usr/bin/chromium"):
    pytest.skip("/usr/bin/chromium is not installed", allow_module_level=True)

from django.urls import reverse  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from hearth.communities.models import Community  # noqa: E402
from hearth.discussions import services  # noqa: E402
from hearth.discussions.models import Category, Post, Topic  # noqa: E402
from hearth.ideas import services as idea_services  # noqa: E402
from hearth.ideas.models import Idea, IdeaVote  # noqa: E402
from hearth.qa import services as qa_services  # noqa: E402
from hearth.qa.models import AnswerVote, Question  # noqa: E402
from hearth.testing.factories import (  # noqa: E402
    PASSWORD,
    actor_for,
    community_factory,
    membership_factory,
    user_factory,
)

from .pages import (  # noqa: E402
    answer_vote,
    idea_panel,
    post,
    roadmap_card,
    roadmap_column,
    sign_in,
    start_topic_via_ui,
    topic_badges,
    topic_row,
)

pytestmark = pytest.mark.browser

SLUG = "potters"
QUESTION = "Why do my mugs crack in the bisque firing?"
QUESTION_BODY = "Thrown last week, fired to cone 04 and three of six cracked at the base."
EARLY_ANSWER = "Maybe the kiln ramped up too fast?"
ANSWER = "The bases are too thick: trim them to match the walls and dry them upside down."
NEWCOMER_QUESTION = "How do I centre clay on the wheel?"
HELPER_QUESTION = "Which glaze is food safe for mugs?"

IDEA = "Open studio on Sunday mornings"
IDEA_BODY = "Many of us work weekdays. Could the studio open 9–12 on Sundays?"
RESPONSE = "We will trial Sunday mornings from next month, staffed by volunteers."


@pytest.fixture
def club(db):
    """Potters' Guild with a questions and an ideas category, staff owner Olivia, members
    Ada, Bruno, Cleo and Dev (trust level 1) and Nina, a newcomer (trust level 0)."""
    owner = user_factory(username="olivia")
    community = community_factory(owner=owner, slug=SLUG, name="Potters' Guild")
    members = {
        name: membership_factory(community, user=user_factory(username=name), trust_level=1).user
        for name in ("ada", "bruno", "cleo", "dev")
    }
    members["nina"] = membership_factory(
        community, user=user_factory(username="nina"), trust_level=0
    ).user
    members["olivia"] = owner
    Community.objects.filter(pk=community.pk).update(member_count=len(members))
    community.refresh_from_db()
    staff = actor_for(owner, community)
    services.category_create(
        actor=staff,
        name="Questions",
        kind="questions",
        color="#b45309",
        description="Ask the guild: throwing, glazing, firing.",
    )
    services.category_create(
        actor=staff,
        name="Ideas",
        kind="ideas",
        color="#7c3aed",
        description="Suggest how the studio could work better.",
    )
    return community, members


def actor(community, user):
    return actor_for(user, community)


def topic_path(topic) -> str:
    return reverse("discussions:topic", args=[topic.community.slug, topic.slug, topic.pk])


def category(community, slug):
    return Category.objects.get(community=community, slug=slug)


def ask(community, user, title, body="Any advice welcome."):
    return services.topic_create(
        actor=actor(community, user), category=category(community, "questions"),
        title=title, body=body,
    )  # fmt: skip


def propose(community, user, title, body="Would be lovely."):
    return services.topic_create(
        actor=actor(community, user), category=category(community, "ideas"),
        title=title, body=body,
    )  # fmt: skip


def signed_in(new_context, base, username):
    page = new_context().new_page()
    sign_in(page, base, username, PASSWORD)
    return page


def queue_row(page, title):
    """A row of the unanswered queue."""
    return page.locator("li.row").filter(has=page.locator("a.topic-row__title", has_text=title))


def question_tab(page, name):
    return page.locator(".tabs").get_by_role("link", name=name, exact=True)


# Q&A ------------------------------------------------------------------------------------


def test_question_is_answered_accepted_voted_and_filtered(
    live_server, new_context, shot_both, club
):
    base = live_server.url
    community, m = club
    # Waiting questions: a newcomer's (trust 0) first, then a regular member's.
    ask(community, m["nina"], NEWCOMER_QUESTION, "I keep getting a wobble. Help!")
    ask(community, m["dev"], HELPER_QUESTION)

    # Ada asks through the UI.
    asker = signed_in(new_context, base, "ada")
    start_topic_via_ui(asker, base, SLUG, category="Questions", title=QUESTION, body=QUESTION_BODY)
    topic = Topic.objects.get(community=community, title=QUESTION)
    topic_url = f"{base}{topic_path(topic)}"
    expect(asker).to_have_url(topic_url)
    expect(topic_badges(asker).get_by_text("Question", exact=True)).to_be_visible()
    question = Question.objects.get(topic=topic)
    assert question.asker == m["ada"] and not question.is_solved

    # Cleo answers first, so Bruno's later answer must move up once it is accepted.
    services.post_reply(actor=actor(community, m["cleo"]), topic=topic, body=EARLY_ANSWER)

    answerer = signed_in(new_context, base, "bruno")
    answerer.goto(topic_url)
    expect(post(answerer, 1)).to_contain_text(QUESTION_BODY)
    answerer.get_by_label("Your reply").fill(ANSWER)
    answerer.get_by_role("button", name="Post reply").click()
    expect(answerer).to_have_url(f"{topic_url}?page=1#post-3")
    expect(post(answerer, 3)).to_contain_text(ANSWER)
    # Only the asker (or staff) may accept.
    expect(answerer.get_by_role("button", name="✓ Accept answer")).to_have_count(0)

    # Ada comes back and accepts Bruno's answer.
    asker.goto(topic_url)
    expect(post(asker, 3)).to_contain_text(ANSWER)
    expect(post(asker, 2).get_by_role("button", name="✓ Accept answer")).to_be_visible()
    post(asker, 3).get_by_role("button", name="✓ Accept answer").click()
    expect(asker).to_have_url(f"{topic_url}?page=1#post-3")
    expect(
        asker.get_by_text("Marked as the accepted answer. The question is solved.")
    ).to_be_visible()
    head = topic_badges(asker)
    expect(head.locator(".badge--ok")).to_have_text("✓ Solved")
    expect(head.get_by_text("Question", exact=True)).to_have_count(0)
    accepted = post(asker, 3)
    expect(accepted).to_have_class(re.compile(r"\bpost--accepted\b"))
    expect(accepted.locator(".accepted-label")).to_have_text("✓ Accepted answer")
    expect(asker.locator(".accepted-label")).to_have_count(1)
    expect(accepted.get_by_role("button", name="Unaccept")).to_be_visible()
    # Displayed directly under the question, ahead of the earlier answer.
    articles = asker.locator("article.post")
    expect(articles).to_have_count(3)
    expect(articles.nth(0)).to_have_attribute("id", "post-1")
    expect(articles.nth(1)).to_have_attribute("id", "post-3")
    expect(articles.nth(2)).to_have_attribute("id", "post-2")
    question.refresh_from_db()
    assert question.accepted_answer == Post.objects.get(topic=topic, number=3)
    assert question.accepted_by == m["ada"]

    # Cleo up-votes Bruno's answer: htmx swaps the button in place.
    voter = signed_in(new_context, base, "cleo")
    voter.goto(topic_url)
    vote = answer_vote(post(voter, 3))
    expect(vote).to_have_attribute("aria-pressed", "false")
    expect(vote).to_have_accessible_name("Up-vote this answer")
    expect(vote).to_have_text(re.compile(r"▲\s*0"))
    # Cleo cannot vote on her own answer: only a static count.
    expect(answer_vote(post(voter, 2))).to_have_count(0)
    expect(post(voter, 2).locator(".vote-btn--static")).to_have_text(re.compile(r"▲\s*0"))
    vote.click()
    vote = answer_vote(post(voter, 3))
    expect(vote).to_have_attribute("aria-pressed", "true")
    expect(vote).to_have_accessible_name("Remove your up-vote")
    expect(vote).to_have_text(re.compile(r"▲\s*1"))
    expect(vote).to_have_class(re.compile(r"\bvote-btn--mine\b"))
    expect(voter).to_have_url(topic_url)  # no navigation: htmx swapped #answer-vote-<pk>
    assert AnswerVote.objects.filter(post__topic=topic, post__number=3, user=m["cleo"]).exists()

    asker.goto(topic_url)
    # Ada sees Cleo's vote counted, and may vote herself.
    expect(answer_vote(post(asker, 3))).to_have_text(re.compile(r"▲\s*1"))
    expect(answer_vote(post(asker, 3))).to_have_attribute("aria-pressed", "false")
    shot_both(asker, "qa-topic-solved")

    # The questions category: Solved on the row and in the filter tabs.
    asker.goto(f"{base}/c/{SLUG}/category/questions/")
    expect(asker.get_by_role("heading", name="Questions", level=1)).to_be_visible()
    expect(question_tab(asker, "All")).to_have_attribute("aria-current", "page")
    solved_row = topic_row(asker, QUESTION)
    expect(solved_row.locator(".badge--ok")).to_have_text("✓ Solved")
    expect(topic_row(asker, NEWCOMER_QUESTION)).to_be_visible()
    expect(topic_row(asker, NEWCOMER_QUESTION).locator(".badge--ok")).to_have_count(0)
    shot_both(asker, "qa-category-list")

    question_tab(asker, "Solved").click()
    expect(asker).to_have_url(re.compile(r"\?filter=solved$"))
    expect(question_tab(asker, "Solved")).to_have_attribute("aria-current", "page")
    expect(topic_row(asker, QUESTION)).to_be_visible()
    expect(topic_row(asker, NEWCOMER_QUESTION)).to_have_count(0)

    for tab, flt in (("Unanswered", "unanswered"), ("Unsolved", "unsolved")):
        question_tab(asker, tab).click()
        expect(asker).to_have_url(re.compile(rf"\?filter={flt}$"))
        expect(question_tab(asker, tab)).to_have_attribute("aria-current", "page")
        expect(topic_row(asker, NEWCOMER_QUESTION)).to_be_visible()
        expect(topic_row(asker, HELPER_QUESTION)).to_be_visible()
        expect(topic_row(asker, QUESTION)).to_have_count(0)

    question_tab(asker, "Mine").click()
    expect(topic_row(asker, QUESTION)).to_be_visible()
    expect(asker.locator("li.topic-row")).to_have_count(1)

    # The unanswered queue, reached from the category sidebar.
    asker.get_by_role("navigation", name="Categories").get_by_role(
        "link", name="Unanswered questions"
    ).click()
    expect(asker).to_have_url(f"{base}/c/{SLUG}/unanswered")
    expect(asker.get_by_role("heading", name="Unanswered questions", level=1)).to_be_visible()
    newcomer = queue_row(asker, NEWCOMER_QUESTION)
    expect(newcomer.locator(".badge--new")).to_have_text("newcomer")
    expect(newcomer).to_contain_text("Nina")
    expect(queue_row(asker, HELPER_QUESTION)).to_contain_text("trust level 1")
    expect(queue_row(asker, HELPER_QUESTION).locator(".badge--new")).to_have_count(0)
    expect(queue_row(asker, QUESTION)).to_have_count(0)
    # Oldest first.
    titles = asker.locator("li.row a.topic-row__title")
    expect(titles).to_have_text([NEWCOMER_QUESTION, HELPER_QUESTION])
    shot_both(asker, "qa-unanswered")

    newcomer.get_by_role("link", name="Answer").click()
    expect(asker).to_have_url(re.compile(r"/t/how-do-i-centre-clay-on-the-wheel/\d+/#reply$"))
    expect(asker.get_by_label("Your reply")).to_be_visible()


# Ideas ----------------------------------------------------------------------------------


def test_idea_is_voted_planned_and_shown_on_roadmap(live_server, new_context, shot_both, club):
    base = live_server.url
    community, m = club
    staff = actor(community, m["olivia"])
    # Other ideas in every state, so the list and the roadmap have neighbours.
    wheel = Idea.objects.get(topic=propose(community, m["bruno"], "Evening wheel sessions"))
    for name in ("ada", "cleo"):
        idea_services.idea_vote(actor=actor(community, m[name]), idea=wheel)
    idea_services.idea_set_status(actor=staff, idea=wheel, status="in_progress")
    library = Idea.objects.get(topic=propose(community, m["cleo"], "A shared glaze recipe library"))
    idea_services.idea_vote(actor=actor(community, m["dev"]), idea=library)
    idea_services.idea_set_status(
        actor=staff, idea=library, status="shipped", response="It's in the wiki now."
    )
    webcam = Idea.objects.get(topic=propose(community, m["dev"], "A webcam in the kiln room"))
    idea_services.idea_vote(actor=actor(community, m["nina"]), idea=webcam)
    glitter = Idea.objects.get(topic=propose(community, m["nina"], "Stock glitter glazes"))
    idea_services.idea_set_status(
        actor=staff, idea=glitter, status="declined", response="They contaminate the kiln."
    )

    # Ada proposes through the UI.
    proposer = signed_in(new_context, base, "ada")
    start_topic_via_ui(proposer, base, SLUG, category="Ideas", title=IDEA, body=IDEA_BODY)
    topic = Topic.objects.get(community=community, title=IDEA)
    idea = Idea.objects.get(topic=topic)
    topic_url = f"{base}{topic_path(topic)}"
    expect(proposer).to_have_url(topic_url)
    panel = idea_panel(proposer)
    expect(panel.locator(".idea-votes")).to_have_text(re.compile(r"^\s*0\s+votes\s*$"))
    expect(panel.locator(".status-badge")).to_have_text("New")
    expect(panel.get_by_role("button", name="Vote for this idea")).to_be_visible()
    # Members are not staff: no status controls.
    expect(panel.get_by_text("Staff: set status or merge")).to_have_count(0)

    # Three members vote.
    voters = {}
    for count, name in enumerate(("bruno", "cleo", "dev"), start=1):
        voter = signed_in(new_context, base, name)
        voter.goto(topic_url)
        idea_panel(voter).get_by_role("button", name="Vote for this idea").click()
        expect(voter).to_have_url(topic_url)
        expect(voter.get_by_text("Thanks for your vote!")).to_be_visible()
        panel = idea_panel(voter)
        expect(panel.locator(".idea-votes strong")).to_have_text(str(count))
        expect(panel.get_by_role("button", name="Withdraw vote")).to_be_visible()
        expect(panel.get_by_role("button", name="Vote for this idea")).to_have_count(0)
        voters[name] = voter
    idea.refresh_from_db()
    assert idea.vote_count == 3
    assert IdeaVote.objects.filter(idea=idea).count() == 3

    # Staff plan it with an official response.
    owner = signed_in(new_context, base, "olivia")
    owner.goto(topic_url)
    panel = idea_panel(owner)
    expect(panel.locator(".idea-votes")).to_have_text(re.compile(r"^\s*3\s+votes\s*$"))
    staff_form = panel.get_by_label("Status", exact=True)
    expect(staff_form).to_be_hidden()
    panel.get_by_text("Staff: set status or merge").click()
    expect(staff_form).to_be_visible()
    staff_form.select_option(label="Planned")
    panel.get_by_label(re.compile(r"^Official response")).fill(RESPONSE)
    panel.get_by_role("button", name="Save status").click()
    expect(owner).to_have_url(topic_url)
    expect(owner.get_by_text("Status set to Planned.")).to_be_visible()
    panel = idea_panel(owner)
    expect(panel.locator(".status-badge")).to_have_text("Planned")
    response = panel.locator(".official-response")
    expect(response.locator(".label")).to_have_text("Official response")
    expect(response).to_contain_text(RESPONSE)
    idea.refresh_from_db()
    assert idea.status == "planned" and idea.official_response == RESPONSE

    # What a voter sees.
    dev = voters["dev"]
    dev.goto(topic_url)
    expect(idea_panel(dev).locator(".status-badge")).to_have_text("Planned")
    expect(idea_panel(dev).locator(".official-response")).to_contain_text(RESPONSE)
    shot_both(dev, "idea-topic-response")

    # The ideas category, Top voted first.
    dev.goto(f"{base}/c/{SLUG}/category/ideas/")
    expect(dev.get_by_role("heading", name="Ideas", level=1)).to_be_visible()
    top = dev.locator(".tabs").get_by_role("link", name="Top voted")
    expect(top).to_have_attribute("aria-current", "page")
    rows = dev.locator("li.topic-row")
    expect(rows.first.locator("a.topic-row__title")).to_have_text(IDEA)
    row = topic_row(dev, IDEA)
    expect(row.locator(".idea-count strong")).to_have_text("3")
    expect(row.locator(".status-badge")).to_have_text("Planned")
    expect(topic_row(dev, "Evening wheel sessions").locator(".status-badge")).to_have_text(
        "In progress"
    )
    shot_both(dev, "ideas-category-list")

    # Choosing a status filters at once (a data-autosubmit script, not an inline handler).
    dev.get_by_label("Status", exact=True).select_option(label="In progress")
    expect(dev).to_have_url(re.compile(r"status=in_progress"))
    expect(rows).to_have_count(1)
    expect(rows.first.locator("a.topic-row__title")).to_have_text("Evening wheel sessions")
    dev.goto(f"{base}/c/{SLUG}/category/ideas/")

    # The roadmap, from the tab on the ideas list.
    dev.locator(".tabs").get_by_role("link", name=re.compile(r"^Roadmap")).click()
    expect(dev).to_have_url(f"{base}/c/{SLUG}/ideas/roadmap")
    expect(dev.get_by_role("heading", name="Roadmap", level=1)).to_be_visible()
    card = roadmap_card(dev, "planned", IDEA)
    expect(card).to_be_visible()
    expect(card.locator(".roadmap__votes strong")).to_have_text("3")
    expect(card.locator(".roadmap__votes")).to_contain_text("votes")
    expect(roadmap_card(dev, "in_progress", "Evening wheel sessions")).to_be_visible()
    expect(roadmap_card(dev, "shipped", "A shared glaze recipe library")).to_be_visible()
    # New and declined ideas are not on the roadmap.
    for title in ("A webcam in the kiln room", "Stock glitter glazes"):
        expect(dev.locator("a.roadmap__card").filter(has_text=title)).to_have_count(0)
    expect(roadmap_column(dev, "planned").locator("a.roadmap__card")).to_have_count(1)
    shot_both(dev, "ideas-roadmap")

    card.click()
    expect(dev).to_have_url(topic_url)

    # Bruno withdraws his vote.
    bruno = voters["bruno"]
    bruno.goto(topic_url)
    idea_panel(bruno).get_by_role("button", name="Withdraw vote").click()
    expect(bruno.get_by_text("Your vote is withdrawn.")).to_be_visible()
    panel = idea_panel(bruno)
    expect(panel.locator(".idea-votes")).to_have_text(re.compile(r"^\s*2\s+votes\s*$"))
    expect(panel.get_by_role("button", name="Vote for this idea")).to_be_visible()
    idea.refresh_from_db()
    assert idea.vote_count == 2
    assert not IdeaVote.objects.filter(idea=idea, user=m["bruno"]).exists()

    # A declined idea takes no votes.
    bruno.goto(f"{base}{topic_path(glitter.topic)}")
    panel = idea_panel(bruno)
    expect(panel.locator(".status-badge")).to_have_text("Declined")
    expect(panel.locator(".official-response")).to_contain_text("They contaminate the kiln.")
    expect(panel.get_by_role("button", name="Vote for this idea")).to_have_count(0)
    expect(panel.get_by_role("button", name="Withdraw vote")).to_have_count(0)
    expect(panel).to_contain_text("This idea is declined and takes no more votes.")


def test_reading_a_solved_question_leaves_nothing_unread(live_server, page, club):
    base = live_server.url
    community, m = club
    topic = ask(community, m["ada"], QUESTION, QUESTION_BODY)
    services.post_reply(actor=actor(community, m["cleo"]), topic=topic, body=EARLY_ANSWER)
    answer = services.post_reply(actor=actor(community, m["bruno"]), topic=topic, body=ANSWER)
    qa_services.answer_accept(actor=actor(community, m["ada"]), answer=answer)

    sign_in(page, base, "dev", PASSWORD)
    page.goto(f"{base}{topic_path(topic)}")
    # Shown as question, accepted answer (post 3), then post 2: every post is on screen.
    expect(page.locator("article.post")).to_have_count(3)
    page.goto(f"{base}/c/{SLUG}/category/questions/")
    row = topic_row(page, QUESTION)
    expect(row).to_be_visible()
    expect(row.locator(".count--unread")).to_have_count(0, timeout=2000)


def test_questions_list_fits_a_phone(live_server, phone_context, club):
    base = live_server.url
    community, m = club
    ask(community, m["nina"], NEWCOMER_QUESTION)
    phone = phone_context().new_page()
    sign_in(phone, base, "ada", PASSWORD)
    phone.goto(f"{base}/c/{SLUG}/category/questions/")
    expect(question_tab(phone, "Mine")).to_be_attached()
    overflow = phone.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page is {overflow}px wider than the phone"
