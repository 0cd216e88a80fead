from hearth.discussions import services
from hearth.search import selectors
from hearth.testing.factories import actor_for


def test_similar_topics_match_telling_words_and_respect_visibility(
    client, community, member, owner, general, members_only
):
    services.topic_create(
        actor=actor_for(member, community),
        category=general,
        title="Reset the camera firmware",
        body="How?",
    )
    services.topic_create(
        actor=actor_for(owner, community),
        category=members_only,
        title="Firmware secrets",
        body="Shh",
    )
    hits = selectors.similar_topics(
        actor=actor_for(None, community), community=community, title="How do I reset firmware"
    )
    assert [h.topic_title for h in hits] == ["Reset the camera firmware"]
    member_hits = selectors.similar_topics(
        actor=actor_for(member, community), community=community, title="firmware"
    )
    assert {h.topic_title for h in member_hits} == {"Reset the camera firmware", "Firmware secrets"}
    # Falls back to fewer words when all of them match nothing.
    assert selectors.similar_topics(
        actor=actor_for(member, community), community=community, title="firmware zebra"
    )
    assert (
        selectors.similar_topics(
            actor=actor_for(member, community), community=community, title="the a of"
        )
        == []
    )


def test_similar_endpoint_renders_partial(client, community, member, general):
    services.topic_create(
        actor=actor_for(member, community), category=general, title="Lens cleaning", body="x"
    )
    body = client.get("/c/garden/similar", {"title": "cleaning my lens"}).content.decode()
    assert "Lens cleaning" in body and "<html" not in body
    assert client.get("/c/garden/similar", {"title": '"*)(NEAR'}).status_code == 200
