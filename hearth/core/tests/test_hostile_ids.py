"""Numbers too large for a 64-bit column are refused where they enter (URL, form, query
string), so they never reach the database as an overflow (SQLite's OverflowError,
PostgreSQL's DataError)."""

import re
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter
from django.urls.resolvers import RoutePattern

from hearth.core.converters import MAX_ID, IdConverter
from hearth.discussions.forms import MergeForm
from hearth.discussions.views import topic_url
from hearth.ideas.forms import MergeIdeaForm
from hearth.onboarding.forms import ChecklistItemForm
from hearth.recognition.forms import FeatureForm, parse_reference

HUGE = [MAX_ID + 1, 2**64, 10**30]


def _routes(patterns=None, prefix="", converters=None):
    """Every route of the URLconf as (full route text, its converters)."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        pattern = entry.pattern
        if not isinstance(pattern, RoutePattern):
            continue
        route = prefix + str(pattern)
        found = {**(converters or {}), **pattern.converters}
        if isinstance(entry, URLResolver):
            yield from _routes(entry.url_patterns, route, found)
        elif isinstance(entry, URLPattern):
            yield route, found


ID_ROUTES = sorted(
    {route for route, convs in _routes() if any(isinstance(c, IdConverter) for c in convs.values())}
)
SAMPLE = {"slug": "garden", "str": "x", "path": "x"}


def _url(route: str, number: int) -> str:
    def value(match):
        kind = match["kind"]
        return str(number) if kind == "id" else SAMPLE[kind]

    return "/" + re.sub(r"<(?P<kind>\w+):\w+>", value, route)


def test_every_integer_in_a_url_is_a_bounded_id():
    """New routes take ``<id:…>``; a plain ``<int:…>`` would let any size through."""
    unbounded = [r for r, convs in _routes() if IntConverter in map(type, convs.values())]
    assert unbounded == []
    assert len(ID_ROUTES) > 30


@pytest.mark.parametrize("route", ID_ROUTES)
@pytest.mark.parametrize("number", HUGE, ids=["2**63", "2**64", "10**30"])
def test_ids_beyond_bigint_are_404_not_500(client, community, owner, route, number):
    client.force_login(owner)
    url = _url(route, number)
    assert client.get(url).status_code == 404
    assert client.post(url, {"body": "x", "reason": "x"}).status_code == 404


@pytest.mark.parametrize("route", ID_ROUTES)
def test_the_largest_id_is_an_ordinary_miss(client, community, owner, route):
    client.force_login(owner)
    url = _url(route, MAX_ID)
    assert client.get(url).status_code in (404, 405)
    assert client.post(url, {"body": "x", "reason": "x"}).status_code in (404, 405)


def test_ids_in_forms_and_query_strings_are_bounded(client, community, topic, member):
    client.force_login(member)
    for number in ["99999999999999999999999", str(MAX_ID + 1), "²", "-1"]:
        for param in ["reply_to", "quote"]:
            assert client.get(f"{topic_url(topic)}?{param}={number}").status_code == 200
        r = client.post(
            f"/c/garden/t/{topic.pk}/reply",
            {"body": "x", "reply_to": number, "client_token": str(uuid.uuid4())},
        )
        assert r.status_code == 400
        assert r.context["reply_form"].errors["reply_to"]
    r = client.post(
        "/c/garden/new-topic", {"category": "99999999999999999999999", "title": "x", "body": "y"}
    )
    assert r.status_code == 200


@pytest.mark.parametrize(
    ("form_class", "field", "data"),
    [
        (MergeForm, "into", {}),
        (MergeIdeaForm, "into", {}),
        (ChecklistItemForm, "topic", {"kind": "read_guide"}),
        (FeatureForm, "reference", {}),
    ],
)
@pytest.mark.parametrize("number", [MAX_ID + 1, 10**30])
def test_id_fields_refuse_numbers_beyond_an_id(form_class, field, data, number):
    form = form_class(data={**data, field: str(number)})
    assert not form.is_valid()
    assert form.errors[field]


def test_a_reference_past_an_id_is_refused():
    with pytest.raises(ValidationError):
        parse_reference(f"/c/garden/t/x/{MAX_ID + 1}/")
    with pytest.raises(ValidationError):
        parse_reference(f"/c/garden/t/x/1/#post-{MAX_ID + 1}")
    assert parse_reference(f"/c/garden/t/x/{MAX_ID}/#post-2").post_number == 2


PAGED = [
    "/",
    "/c/garden/latest",
    "/c/garden/members/",
    "/c/garden/messages/",
    "/c/garden/manage/members/",
    "/c/garden/manage/log/",
    "/c/garden/search?q=hello",
]


@pytest.mark.parametrize("page", [str(2**62), str(2**64), "-1", "0", "x", "1e9", "9" * 5000])
def test_pages_with_any_page_number_are_not_errors(client, community, topic, owner, page):
    client.force_login(owner)
    for url in [*PAGED, topic_url(topic)]:
        sep = "&" if "?" in url else "?"
        assert client.get(f"{url}{sep}page={page}").status_code == 200, url
