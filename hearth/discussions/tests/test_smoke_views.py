from hearth.discussions import services
from hearth.testing.factories import actor_for


def test_pages_render(client, community, member, owner, topic, general):
    services.post_reply(actor=actor_for(owner, community), topic=topic, body="Welcome @mel!")
    for user in (None, member, owner):
        if user:
            client.force_login(user)
        for url in [
            "/c/garden/",
            "/c/garden/latest",
            "/c/garden/latest?show=unread",
            "/c/garden/category/general/",
            f"/c/garden/t/{topic.slug}/{topic.pk}/?page=1",
            "/c/garden/manage/categories/",
            "/c/garden/new-topic",
        ]:
            response = client.get(url)
            assert response.status_code in (200, 302, 403), (url, response.status_code)
            assert response.status_code != 500
