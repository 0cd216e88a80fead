import csv
import io

from django.urls import reverse

from hearth.discussions import services as discussion_services
from hearth.ideas import services
from hearth.ideas.models import Idea, IdeaStatus
from hearth.testing.factories import actor_for, membership_factory


def _ideas(community, board, n, status=None):
    for i in range(n):
        user = membership_factory(community).user
        topic = discussion_services.topic_create(
            actor=actor_for(user, community), category=board, title=f"Idea {i}", body="x"
        )
        idea = Idea.objects.get(topic=topic)
        services.idea_vote(
            actor=actor_for(membership_factory(community).user, community), idea=idea
        )
        if status:
            owner = community.created_by
            services.idea_set_status(actor=actor_for(owner, community), idea=idea, status=status)


def test_vote_and_withdraw_through_pages(client, community, newcomer, idea):
    client.force_login(newcomer)
    url = reverse("ideas:vote", args=["garden", idea.pk])
    assert client.post(url).status_code == 302
    idea.refresh_from_db()
    assert idea.vote_count == 1
    client.post(url)  # twice: refused with a message, still one vote
    idea.refresh_from_db()
    assert idea.vote_count == 1
    client.post(url, {"withdraw": "1"})
    idea.refresh_from_db()
    assert idea.vote_count == 0


def test_status_change_by_member_is_403(client, member, idea):
    client.force_login(member)
    response = client.post(reverse("ideas:status", args=["garden", idea.pk]), {"status": "planned"})
    assert response.status_code == 403


def test_idea_lists_and_roadmap_have_flat_query_counts(
    client, community, member, board, django_assert_max_num_queries
):
    client.force_login(member)
    urls = [
        f"/c/garden/category/{board.slug}/?sort=votes",
        f"/c/garden/category/{board.slug}/?sort=trending",
        "/c/garden/ideas/roadmap",
    ]
    _ideas(community, board, 3, status=IdeaStatus.PLANNED)
    counts = {}
    for url in urls:
        with django_assert_max_num_queries(30) as few:
            assert client.get(url).status_code == 200
        counts[url] = len(few.captured_queries)
    _ideas(community, board, 12, status=IdeaStatus.PLANNED)
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            client.get(url)


def test_roadmap_lists_planned_ideas(client, community, owner, idea):
    services.idea_set_status(
        actor=actor_for(owner, community), idea=idea, status=IdeaStatus.PLANNED
    )
    body = client.get("/c/garden/ideas/roadmap").content.decode()
    assert "Dark mode for the app" in body


def test_csv_export_is_staff_only_and_escapes_formulas(client, community, member, moderator, board):
    discussion_services.topic_create(
        actor=actor_for(member, community), category=board, title='=HYPERLINK("http://x")', body="x"
    )
    client.force_login(member)
    assert client.get("/c/garden/ideas/export.csv").status_code == 403
    client.force_login(moderator)
    response = client.get("/c/garden/ideas/export.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:6] == ["id", "title", "category", "author", "status", "votes"]
    assert rows[1][1].startswith("'=")


def test_board_settings_page(client, owner, moderator):
    client.force_login(moderator)
    assert client.get("/c/garden/manage/ideas/").status_code == 403
    client.force_login(owner)
    response = client.post("/c/garden/manage/ideas/", {"vote_limit": "0", "allow_self_vote": "on"})
    assert response.status_code == 200
    assert client.post("/c/garden/manage/ideas/", {"vote_limit": "5"}).status_code == 302
