def test_ids_beyond_bigint_are_404_not_500(client, community, topic, member):
    client.force_login(member)
    for url in [
        "/c/garden/t/x/99999999999999999999999/",
        "/c/garden/p/99999999999999999999999/edit",
        "/c/garden/p/99999999999999999999999/history",
        "/c/garden/manage/members/99999999999999999999999/ban",
        "/c/garden/t/99999999999999999999999/tools",
    ]:
        r = client.get(url)
        assert r.status_code in (404, 403), (url, r.status_code)
    r = client.post("/c/garden/t/99999999999999999999999/reply", {"body": "x"})
    assert r.status_code == 404
    r = client.post(
        "/c/garden/new-topic", {"category": "99999999999999999999999", "title": "x", "body": "y"}
    )
    assert r.status_code == 200
