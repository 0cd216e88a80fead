"""Text that is not valid UTF-8 is refused with a 400 that says so, never stored as
replacement characters."""

import pytest
from django.test.client import BOUNDARY

from hearth.discussions.models import Topic

FORM = "application/x-www-form-urlencoded"
# Spelled out: the test client would re-encode a body posted as its MULTIPART_CONTENT.
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"
MESSAGE = "not valid UTF-8"


def _topic_form(category, title: str) -> str:
    return f"category={category.pk}&title={title}&body=Body&client_token=t1"


def _multipart(fields: dict[str, bytes]) -> bytes:
    parts = [
        b'--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n'
        % (BOUNDARY.encode(), name.encode(), value)
        for name, value in fields.items()
    ]
    return b"".join(parts) + b"--%s--\r\n" % BOUNDARY.encode()


@pytest.mark.parametrize(
    "body",
    ["%FF%FE", "%C3", "ok%ED%A0%80"],  # bytes that are no character, a cut one, a surrogate
)
def test_a_topic_title_of_invalid_utf8_is_refused(client, community, member, general, body):
    client.force_login(member)
    response = client.post("/c/garden/new-topic", _topic_form(general, body), content_type=FORM)
    assert response.status_code == 400
    assert MESSAGE in response.content.decode()
    assert not Topic.objects.exists()


def test_raw_invalid_bytes_in_a_form_are_refused(client, community, member, general):
    client.force_login(member)
    body = f"category={general.pk}&title=".encode() + b"\xff\xfe" + b"&body=Body"
    response = client.post("/c/garden/new-topic", body, content_type=FORM)
    assert response.status_code == 400
    assert not Topic.objects.exists()


def test_invalid_utf8_in_a_multipart_form_is_refused(client, community, member, general):
    client.force_login(member)
    fields = {"category": str(general.pk).encode(), "title": b"\xff\xfe", "body": b"Body"}
    response = client.post("/c/garden/new-topic", _multipart(fields), content_type=MULTIPART)
    assert response.status_code == 400
    assert MESSAGE in response.content.decode()
    assert not Topic.objects.exists()


def test_text_in_any_script_is_accepted(client, community, member, general):
    client.force_login(member)
    title = "Café, 日本語 and emoji 🌱"
    response = client.post(
        "/c/garden/new-topic",
        {"category": str(general.pk), "title": title, "body": "Body", "client_token": "t1"},
    )
    assert response.status_code == 302
    fields = {"category": str(general.pk).encode(), "title": "Ünïcode".encode(), "body": b"x"}
    response = client.post("/c/garden/new-topic", _multipart(fields), content_type=MULTIPART)
    assert response.status_code == 302
    assert sorted(Topic.objects.values_list("title", flat=True)) == sorted([title, "Ünïcode"])


def test_invalid_utf8_in_a_query_string_is_refused(client, community):
    response = client.get("/c/garden/latest?source=%FF")
    assert response.status_code == 400
    assert MESSAGE in response.content.decode()
    # A raw byte: WSGI passes the query string as latin-1 text.
    assert client.get("/c/garden/latest", QUERY_STRING="source=\xff").status_code == 400
    assert client.get("/c/garden/latest?source=caf%C3%A9").status_code == 200


def test_the_api_refuses_invalid_utf8_with_json(client, community):
    response = client.get("/api/v1/communities/?page=1&q=%FF%FE")
    assert response.status_code == 400
    assert MESSAGE in response.json()["error"]["message"]


def test_sign_up_refuses_an_invalid_utf8_username(client, db):
    body = "username=ad%FFmin&email=a%40example.com&password1=x8Hq!pw0rd&password2=x8Hq!pw0rd"
    response = client.post("/accounts/signup/", body, content_type=FORM)
    assert response.status_code == 400
