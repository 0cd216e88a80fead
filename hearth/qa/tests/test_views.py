from django.urls import reverse

from hearth.discussions import services as discussion_services
from hearth.discussions.models import Post
from hearth.qa.models import Question
from hearth.testing.factories import actor_for, membership_factory


def test_accept_through_page_and_solved_everywhere(
    client, community, newcomer, member, support, question
):
    answer = discussion_services.post_reply(
        actor=actor_for(member, community), topic=question, body="Try this"
    )
    client.force_login(newcomer)
    response = client.post(reverse("qa:answer-accept", args=["garden", answer.pk]))
    assert response.status_code == 302
    assert Question.objects.get(topic=question).accepted_answer == answer
    page = client.get(
        reverse("discussions:topic", args=["garden", question.slug, question.pk])
    ).content.decode()
    assert "Accepted answer" in page and "Solved" in page
    listing = client.get(f"/c/garden/category/{support.slug}/?filter=solved").content.decode()
    assert question.title in listing
    assert (
        question.title
        not in client.get(f"/c/garden/category/{support.slug}/?filter=unsolved").content.decode()
    )


def test_member_cannot_accept_on_someone_elses_question(client, community, member, question):
    answer = discussion_services.post_reply(
        actor=actor_for(member, community), topic=question, body="Try this"
    )
    client.force_login(member)
    assert client.post(reverse("qa:answer-accept", args=["garden", answer.pk])).status_code == 403
    assert not Question.objects.get(topic=question).is_solved


def test_answers_are_sorted_accepted_then_votes(
    client, community, newcomer, member, owner, question
):
    discussion_services.post_reply(
        actor=actor_for(member, community), topic=question, body="first answer"
    )
    voted = discussion_services.post_reply(
        actor=actor_for(owner, community), topic=question, body="voted answer"
    )
    accepted = discussion_services.post_reply(
        actor=actor_for(member, community), topic=question, body="accepted answer"
    )
    from hearth.qa import services

    services.answer_vote_toggle(actor=actor_for(newcomer, community), answer=voted)
    services.answer_accept(actor=actor_for(newcomer, community), answer=accepted)
    page = client.get(
        reverse("discussions:topic", args=["garden", question.slug, question.pk])
    ).content.decode()
    positions = [
        page.index(text) for text in ("Help!", "accepted answer", "voted answer", "first answer")
    ]
    assert positions == sorted(positions)


def test_vote_via_htmx(client, community, newcomer, member, question):
    answer = discussion_services.post_reply(
        actor=actor_for(member, community), topic=question, body="Try this"
    )
    client.force_login(newcomer)
    response = client.post(
        reverse("qa:answer-vote", args=["garden", answer.pk]), HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and 'aria-pressed="true"' in response.content.decode()
    client.force_login(member)
    assert client.post(reverse("qa:answer-vote", args=["garden", answer.pk])).status_code == 403


def test_unanswered_queue_oldest_first_with_trust_and_flat_queries(
    client, community, member, support, question, django_assert_max_num_queries
):
    client.force_login(member)
    with django_assert_max_num_queries(20) as few:
        body = client.get("/c/garden/unanswered").content.decode()
    assert question.title in body and "newcomer" in body
    for i in range(10):
        asker = membership_factory(community, trust_level=2).user
        discussion_services.topic_create(
            actor=actor_for(asker, community), category=support, title=f"Later {i}", body="?"
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get("/c/garden/unanswered").content.decode()
    # (Titles no random CSRF token can contain: a bare "Q0" sometimes matched one.)
    assert body.index(question.title) < body.index("Later 0")
    discussion_services.post_reply(
        actor=actor_for(member, community), topic=question, body="answered"
    )
    assert question.title not in client.get("/c/garden/unanswered").content.decode()


def test_question_page_query_count_is_flat(
    client, community, newcomer, owner, question, django_assert_max_num_queries
):
    client.force_login(newcomer)
    url = reverse("discussions:topic", args=["garden", question.slug, question.pk])
    discussion_services.post_reply(actor=actor_for(owner, community), topic=question, body="a")
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for _ in range(10):
        user = membership_factory(community).user
        discussion_services.post_reply(actor=actor_for(user, community), topic=question, body="b")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
    assert Post.objects.filter(topic=question).count() == 12


def test_unanswered_queue_pages_without_counting(
    client, community, member, support, question, django_assert_max_num_queries, monkeypatch
):
    """Previous/next links and "Page N", never a COUNT(*) over every waiting question; the
    same number of queries on every page and at every length of the queue."""
    from hearth.qa import views

    real = views.paginate_uncounted
    monkeypatch.setattr(
        views, "paginate_uncounted", lambda request, qs, per_page: real(request, qs, 2)
    )
    client.force_login(member)
    with django_assert_max_num_queries(20) as one:
        body = client.get("/c/garden/unanswered").content.decode()
    assert question.title in body and 'rel="next"' not in body and "Page 1" not in body
    for i in range(5):
        discussion_services.topic_create(
            actor=actor_for(member, community), category=support, title=f"Q{i}", body="?"
        )
    counts = []
    for page, titles, has_prev, has_next in [
        ("1", [question.title, "Q0"], False, True),
        ("2", ["Q1", "Q2"], True, True),
        ("3", ["Q3", "Q4"], True, False),
    ]:
        with django_assert_max_num_queries(len(one.captured_queries)) as queries:
            body = client.get(f"/c/garden/unanswered?page={page}").content.decode()
        # The only count of the queue is capped (WAITING_CAP + 1 rows at most).
        assert all(
            "LIMIT 101" in q["sql"]
            for q in queries.captured_queries
            if "COUNT(" in q["sql"] and "qa_question" in q["sql"]
        )
        counts.append(len(queries.captured_queries))
        assert all(title in body for title in titles)
        assert f"Page {page}" in body and "Page 1 of" not in body
        assert ('rel="prev"' in body) is has_prev and ('rel="next"' in body) is has_next
    assert len(set(counts)) == 1
    # Bad and absurd pages are answered, never a 500.
    for bad in ("abc", "-4", "9" * 30):
        assert client.get(f"/c/garden/unanswered?page={bad}").status_code == 200
    past = client.get("/c/garden/unanswered?page=50").content.decode()
    assert "No more questions here." in past and "Every question has an answer" not in past


def test_unanswered_queue_says_how_many_wait_up_to_the_cap(
    client, community, owner, member, support, question, monkeypatch
):
    """The count is exact up to WAITING_CAP and "More than N" beyond; it counts only what
    the viewer may read (a staff-only questions category stays out of a member's count)."""
    from hearth.discussions.models import ReadAccess
    from hearth.qa import selectors

    client.force_login(member)
    body = client.get("/c/garden/unanswered").content.decode()
    assert "1 question is waiting for an answer." in body
    staff_only = discussion_services.category_create(
        actor=actor_for(owner, community),
        name="Staff questions",
        kind="questions",
        read_access=ReadAccess.STAFF,
    )
    discussion_services.topic_create(
        actor=actor_for(owner, community), category=staff_only, title="Secret Q", body="?"
    )
    discussion_services.topic_create(
        actor=actor_for(member, community), category=support, title="Open Q", body="?"
    )
    body = client.get("/c/garden/unanswered").content.decode()
    assert "2 questions are waiting for an answer." in body and "Secret Q" not in body
    client.force_login(owner)
    body = client.get("/c/garden/unanswered").content.decode()
    assert "3 questions are waiting for an answer." in body and "Secret Q" in body
    monkeypatch.setattr(selectors, "WAITING_CAP", 2)
    body = client.get("/c/garden/unanswered").content.decode()
    assert "More than 2 questions are waiting for an answer." in body
    assert "3 questions" not in body
    client.force_login(member)
    body = client.get("/c/garden/unanswered").content.decode()
    assert "2 questions are waiting for an answer." in body and "More than" not in body
    # Past the end the page claims no count.
    body = client.get("/c/garden/unanswered?page=9").content.decode()
    assert "waiting for an answer" not in body
