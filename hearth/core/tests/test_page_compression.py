import gzip

from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory

from hearth.core.middleware import PageCompressionMiddleware

PAGE = "<!doctype html><title>x</title>" + "<p>Members talk to each other.</p>" * 200


def _through(response, accept="gzip, deflate, br"):
    request = RequestFactory().get("/", HTTP_ACCEPT_ENCODING=accept)
    return PageCompressionMiddleware(lambda r: response)(request)


def test_pages_are_gzipped_for_browsers_that_accept_it(client, db):
    response = client.get("/", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert b"<!doctype html>" in gzip.decompress(response.content).lower()
    assert "Accept-Encoding" in response["Vary"]


def test_no_gzip_without_accept_encoding():
    response = _through(HttpResponse(PAGE, content_type="text/html"), accept="")
    assert not response.has_header("Content-Encoding")


def test_a_live_event_stream_is_never_compressed():
    stream = StreamingHttpResponse(iter([b"data: x\n\n"] * 200), content_type="text/event-stream")
    response = _through(stream)
    assert not response.has_header("Content-Encoding")


def test_images_are_left_alone():
    response = _through(HttpResponse(b"\x89PNG" + b"\0" * 4000, content_type="image/png"))
    assert not response.has_header("Content-Encoding")
