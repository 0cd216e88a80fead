"""Search fixtures: the shared community's categories at each read level, and helpers that
write through the discussions services so the index is filled the way real posts fill it."""

import pytest

from hearth.discussions import services
from hearth.discussions.models import Category, ReadAccess
from hearth.search.backends import search_posts
from hearth.testing.factories import actor_for


@pytest.fixture
def general(community):
    return Category.objects.get(community=community, slug="general")


@pytest.fixture
def members_only(community, owner):
    return services.category_create(
        actor=actor_for(owner, community), name="Members lounge", read_access=ReadAccess.MEMBERS
    )


@pytest.fixture
def staff_room(community, owner):
    return services.category_create(
        actor=actor_for(owner, community), name="Staff room", read_access=ReadAccess.STAFF
    )


@pytest.fixture
def start_topic():
    def start(user, category, title, body="Opening post"):
        return services.topic_create(
            actor=actor_for(user, category.community), category=category, title=title, body=body
        )

    return start


@pytest.fixture
def reply():
    def answer(user, topic, body):
        return services.post_reply(actor=actor_for(user, topic.community), topic=topic, body=body)

    return answer


@pytest.fixture
def find(community):
    """find("words", **filters) -> [(topic title, best post's number), …] in the community's
    categories (all of them: visibility is the selectors' job, tested there)."""

    def run(query, *, categories=None, matches=False, **filters):
        ids = categories or list(
            Category.objects.filter(community=community).values_list("pk", flat=True)
        )
        found = search_posts(
            query=query, category_ids=ids, **{"community_ids": None, "limit": 50, **filters}
        )
        if matches:  # with how many posts of the topic match
            return [(hit.topic_title, hit.post_number, hit.matches) for hit in found.hits]
        return [(hit.topic_title, hit.post_number) for hit in found.hits]

    return run
