"""The search interface on whichever database runs the tests (SQLite or PostgreSQL)."""

import zoneinfo
from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hearth.discussions.models import Post
from hearth.search import backends
from hearth.search.backends import SearchResults, parse_query, safe_snippet, search_posts
from hearth.search.models import PostDocument
from hearth.testing.html import script_capable_parts


class TestParseQuery:
    @pytest.mark.parametrize(
        "typed, terms",
        [
            ("tomato blight", [("tomato",), ("blight",)]),
            ('"raised beds" compost', [("raised", "beds"), ("compost",)]),
            ("“raised beds”", [("raised", "beds")]),
            ('"unclosed phrase', [("unclosed", "phrase")]),
            ("e-mail don't", [("e", "mail"), ("don", "t")]),
            ("tomato AND blight OR NOT NEAR", [("tomato",), ("blight",)]),
            ("and or", [("and",), ("or",)]),
            ('title:foo* (bar) ^baz -qux "', [("title",), ("foo",), ("bar",), ("baz",), ("qux",)]),
            ("NEAR(tomato, blight)", [("tomato",), ("blight",)]),
            ("3.5 snake_case", [("3", "5"), ("snake", "case")]),
            ("café naïve 東京 हिन्दी", [("café",), ("naïve",), ("東京",), ("हिन्दी",)]),
            ("tomato tomato", [("tomato",)]),
            ("", []),
            ('*** "" () : ^', []),
        ],
    )
    def test_keeps_words_and_phrases_only(self, typed, terms):
        assert list(parse_query(typed).terms) == terms

    def test_long_input_is_cut(self):
        parsed = parse_query("word " * 10_000)
        assert parsed.terms == (("word",),)
        assert len(parse_query(" ".join(f"w{i}" for i in range(100))).terms) == 12


class TestSafeSnippet:
    def test_escapes_everything_but_the_marks(self):
        assert safe_snippet("a <b> \ue000c&d\ue001 \ue002i\ue003") == (
            "a &lt;b&gt; <mark>c&amp;d</mark> &lt;i&gt;"
        )

    def test_unpaired_markers_are_dropped(self):
        assert safe_snippet("\ue000x \ue000y\ue001") == "x y"


class TestMatching:
    def test_words_match_in_any_form(self, member, general, start_topic, find):
        start_topic(member, general, "Spring", "We are gardening with raised beds")
        assert find("garden") == [("Spring", 1)]
        assert find("GARDENS") == [("Spring", 1)]

    def test_every_word_must_appear(self, member, general, start_topic, find):
        start_topic(member, general, "Spring", "Raised beds")
        assert find("raised beds") == [("Spring", 1)]
        assert find("raised lawns") == []

    def test_phrases_need_their_words_together(self, member, general, start_topic, find):
        start_topic(member, general, "One", "We built raised beds last year")
        start_topic(member, general, "Two", "The beds were raised by a metre")
        assert find('"raised beds"') == [("One", 1)]
        assert sorted(find("raised beds")) == [("One", 1), ("Two", 1)]

    def test_reply_matches_words_of_its_topic_title(
        self, member, general, start_topic, reply, find
    ):
        topic = start_topic(member, general, "Tomato blight", "Leaves turn brown")
        reply(member, topic, "Copper spray helps")
        assert find("tomato copper") == [("Tomato blight", 2)]

    def test_title_matches_rank_first(self, member, general, start_topic, reply, find):
        older = start_topic(
            member, general, "Compost bins", "Which bin works? Mention tomato once."
        )
        start_topic(member, general, "Tomato varieties", "Which ones grow best?")
        reply(member, older, "Another reply about tomato and tomato leaves")
        results = find("tomato")
        assert results[0] == ("Tomato varieties", 1)
        assert len(results) == 2  # one row per topic

    def test_first_post_outranks_replies_of_the_same_topic(
        self, member, general, start_topic, reply, find
    ):
        topic = start_topic(member, general, "Tomato varieties", "Which ones grow best?")
        reply(member, topic, "Cherry ones")
        assert find("tomato") == [("Tomato varieties", 1)]


class TestOneRowPerTopic:
    def test_a_topic_shows_once_with_its_best_post_and_how_many_match(
        self, member, general, start_topic, reply
    ):
        busy = start_topic(member, general, "Compost bins", "Which bin works best?")
        reply(member, busy, "A word on tomato")
        best = reply(member, busy, "Tomato, tomato, tomato: tomato peels compost well, tomato")
        reply(member, busy, "Nothing to see")
        start_topic(member, general, "Seeds", "Tomato seeds")
        found = search_posts(query="tomato", community_ids=None, category_ids=[general.pk])
        by_topic = {hit.topic_title: hit for hit in found.hits}
        assert sorted(by_topic) == ["Compost bins", "Seeds"]
        assert (by_topic["Compost bins"].post_id, by_topic["Compost bins"].matches) == (
            best.pk,
            2,
        )
        assert by_topic["Seeds"].matches == 1
        assert (found.topics, found.posts, found.capped) == (2, 3, False)

    def test_a_common_word_is_counted_and_ranked_among_the_newest_posts_only(
        self, monkeypatch, member, general, start_topic
    ):
        monkeypatch.setattr(backends, "CANDIDATES", 3)
        topics = [start_topic(member, general, f"Topic {n}", "Tomato") for n in range(5)]
        found = search_posts(query="tomato", community_ids=None, category_ids=[general.pk])
        assert (found.posts, found.capped) == (3, True)
        # The newest three, and the fourth that says there were more.
        assert {hit.topic_id for hit in found.hits} == {t.pk for t in topics[1:]}

    def test_unreadable_posts_never_fill_the_candidates_or_the_counts(
        self, monkeypatch, member, owner, general, staff_room, start_topic, reply
    ):
        monkeypatch.setattr(backends, "CANDIDATES", 3)
        start_topic(member, general, "Open", "Tomato")
        secret = start_topic(owner, staff_room, "Secret tomato", "Tomato")
        for n in range(6):
            reply(owner, secret, f"Tomato {n}")
        found = search_posts(query="tomato", community_ids=None, category_ids=[general.pk])
        assert [hit.topic_title for hit in found.hits] == ["Open"]
        assert (found.topics, found.posts, found.capped) == (1, 1, False)
        browse = search_posts(query="", community_ids=None, category_ids=[general.pk])
        assert [hit.topic_title for hit in browse.hits] == ["Open"]
        assert (browse.posts, browse.capped) == (1, False)


class TestSnippets:
    def _hit(self, query, general):
        return search_posts(query=query, community_ids=None, category_ids=[general.pk]).hits[0]

    def test_matched_words_are_marked(self, member, general, start_topic):
        start_topic(member, general, "Spring", "We are gardening with raised beds this year")
        snippet = self._hit("gardening", general).snippet
        assert "<mark>gardening</mark>" in snippet

    def test_html_in_posts_comes_back_escaped(self, member, general, start_topic):
        start_topic(
            member,
            general,
            "Scripts",
            'Never paste <script>alert("x")</script> or <img src=x onerror=alert(1)> into the '
            "tomato forum",
        )
        snippet = self._hit("tomato", general).snippet
        assert "&lt;script&gt;" in snippet
        assert "<mark>tomato</mark>" in snippet
        assert script_capable_parts(snippet) == []
        assert "<img" not in snippet and "<script" not in snippet

    def test_hit_carries_what_a_result_row_shows(self, community, member, general, start_topic):
        topic = start_topic(member, general, "Tomato blight", "Leaves turn brown")
        hit = self._hit("brown", general)
        assert (hit.topic_id, hit.topic_slug, hit.post_number) == (topic.pk, "tomato-blight", 1)
        assert (hit.community_id, hit.community_slug, hit.category_id) == (
            community.pk,
            community.slug,
            general.pk,
        )
        assert (hit.author_username, hit.category_name) == (member.username, general.name)
        assert hit.url == f"/c/{community.slug}/t/tomato-blight/{topic.pk}/#post-1"
        assert hit.rank > 0
        assert hit.created_at == Post.objects.get(topic=topic, number=1).created_at


class TestFilters:
    def test_author(self, member, moderator, general, start_topic, reply, find):
        topic = start_topic(member, general, "Seeds", "Tomato seeds")
        reply(moderator, topic, "Tomato seeds from me too")
        assert find("tomato", author_username="MONA") == [("Seeds", 2)]
        assert find("tomato", author_username="@mel") == [("Seeds", 1)]
        assert find("tomato", author_username="nobody") == []

    def test_categories(self, member, general, members_only, start_topic, find):
        start_topic(member, general, "Open", "Tomato")
        start_topic(member, members_only, "Closed", "Tomato")
        assert find("tomato", categories=[general.pk]) == [("Open", 1)]
        assert sorted(find("tomato", categories=[general.pk, members_only.pk])) == [
            ("Closed", 1),
            ("Open", 1),
        ]
        assert (
            search_posts(query="tomato", community_ids=None, category_ids=[])
            == SearchResults.empty()
        )

    def test_communities(self, community, member, general, start_topic, find):
        start_topic(member, general, "Open", "Tomato")
        assert find("tomato", community_ids=[community.pk]) == [("Open", 1)]
        assert find("tomato", community_ids=[community.pk + 1000]) == []
        assert find("tomato", community_ids=[]) == []

    def test_dates_are_whole_days_in_the_viewers_time_zone(
        self, member, general, start_topic, find
    ):
        topic = start_topic(member, general, "Late", "Tomato")
        PostDocument.objects.filter(topic_id=topic.pk).update(
            created_at=datetime(2024, 3, 10, 23, 30, tzinfo=UTC)
        )
        day, next_day = date(2024, 3, 10), date(2024, 3, 11)
        assert find("tomato", since=day, until=day) == [("Late", 1)]
        assert find("tomato", since=next_day) == []
        assert find("tomato", until=date(2024, 3, 9)) == []
        with timezone.override(zoneinfo.ZoneInfo("Asia/Tokyo")):  # 08:30 on the 11th there
            assert find("tomato", since=next_day, until=next_day) == [("Late", 1)]
            assert find("tomato", until=day) == []

    def test_extreme_dates_do_not_break(self, member, general, start_topic, find):
        start_topic(member, general, "Seeds", "Tomato")
        with timezone.override(zoneinfo.ZoneInfo("Asia/Tokyo")):
            assert find("tomato", since=date.min, until=date.max) == [("Seeds", 1)]

    def test_no_words_with_filters_lists_newest_posts(
        self, member, moderator, general, start_topic, reply, find
    ):
        topic = start_topic(member, general, "Seeds", "First <b>words</b>")
        reply(moderator, topic, "Second")
        found = search_posts(
            query="", community_ids=None, category_ids=[general.pk], author_username="mel"
        )
        assert [(h.post_number, h.snippet) for h in found.hits] == [
            (1, "First &lt;b&gt;words&lt;/b&gt;")
        ]
        reply(member, topic, "Third")
        start_topic(moderator, general, "Bulbs", "Tulips")
        assert find("", author_username="mel") == [("Seeds", 3)]

    def test_words_that_are_all_punctuation_find_nothing(self, member, general, start_topic, find):
        start_topic(member, general, "Seeds", "Tomato")
        assert find('*** "" ()', author_username="mel") == []


class TestPaging:
    def test_offset_limit_and_total(self, member, general, start_topic, reply):
        for n in range(5):
            topic = start_topic(member, general, f"Tomato {n}", "Tomato one")
        reply(member, topic, "Tomato reply")
        ids = [general.pk]
        first = search_posts(query="tomato", community_ids=None, category_ids=ids, limit=2)
        second = search_posts(
            query="tomato", community_ids=None, category_ids=ids, offset=2, limit=2
        )
        beyond = search_posts(
            query="tomato", community_ids=None, category_ids=ids, offset=50, limit=2
        )
        assert first.topics == beyond.topics == 5
        assert first.posts == beyond.posts == 6
        assert len(first.hits) == len(second.hits) == 2 and beyond.hits == []
        assert not {h.topic_id for h in first.hits} & {h.topic_id for h in second.hits}


HOSTILE = [
    '"',
    '""',
    '"""',
    "*",
    "tomato*",
    "NEAR(tomato blight)",
    "NEAR",
    "tomato NEAR/2 blight",
    "title:tomato",
    "body : tomato",
    "{title body}: tomato",
    "(tomato",
    "tomato)",
    "^tomato",
    "-tomato",
    "+tomato",
    "tomato & blight | !x <-> y",
    "'; DROP TABLE search_postdocument; --",
    "\\",
    "\x00tomato\x00",
    "\ue000tomato\ue001",
    "𝔱𝔬𝔪𝔞𝔱𝔬 🍅",
    "a" * 10_000,
    "tomato " * 2_000,
    '"tomato' * 500,
    "",
    "   ",
]


class TestHostileQueries:
    @pytest.mark.parametrize("query", HOSTILE)
    def test_never_raise(self, member, general, start_topic, query):
        start_topic(member, general, "Tomato blight", "Tomato leaves")
        found = search_posts(query=query, community_ids=None, category_ids=[general.pk])
        assert found.topics >= len(found.hits)

    @given(query=st.text())
    @settings(
        max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    def test_never_raise_for_any_text(self, general, query):
        search_posts(
            query=query, community_ids=None, category_ids=[general.pk], author_username=query
        )

    @given(query=st.text(alphabet="\"*:()^-+{}[]/\\<>&|!~' NEARORANDNOT.,tomato"))
    @settings(
        max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    def test_never_raise_for_operator_soup(self, general, query):
        search_posts(query=query, community_ids=None, category_ids=[general.pk])

    def test_found_words_survive_hostile_wrapping(self, member, general, start_topic, find):
        start_topic(member, general, "Tomato blight", "Leaves")
        assert find('NEAR("tomato" blight*)') == [("Tomato blight", 1)]
        assert find("{title}:tomato") == []  # no column filters: "title" is a word here


def test_deleted_posts_are_not_found(community, member, general, start_topic, reply, find):
    from hearth.discussions import services
    from hearth.testing.factories import actor_for

    topic = start_topic(member, general, "Seeds", "Opening")
    gone = reply(member, topic, "Tomato")
    services.post_delete(actor=actor_for(member, community), post=gone)
    assert Post.objects.filter(pk=gone.pk, deleted_at__isnull=False).exists()
    assert find("tomato") == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's recency windows")
def test_postgresql_reads_the_newest_matches_window_by_window(
    monkeypatch, member, general, start_topic, reply
):
    """Posts far apart in id, in every recency window and in the older rest: the candidates
    are still exactly the newest matches, each once, and a rare word is found in the rest."""
    topic = start_topic(member, general, "Allotment", "Opening post")
    shift = backends.RECENCY_SHIFT
    posts = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence('discussions_post', 'id')")
        sequence = cursor.fetchone()[0]
        # Bucket numbers: the rest (< 169 when the newest is 200), each window, the newest.
        for bucket in (3, 40, 160, 180, 195, 200):
            cursor.execute(f"ALTER SEQUENCE {sequence} RESTART WITH {(bucket << shift) + 5}")
            posts[bucket] = reply(member, topic, f"Tomato number {bucket}")
    old = posts[3]
    # The rarest word, only in the oldest post: found through the rest branch.
    PostDocument.objects.filter(post=old).update(body="Tomato and quinceberry")
    found = search_posts(query="quinceberry", community_ids=None, category_ids=[general.pk])
    assert [hit.post_id for hit in found.hits] == [old.pk]
    everything = search_posts(query="tomato", community_ids=None, category_ids=[general.pk])
    assert (everything.posts, everything.capped) == (6, False)
    assert everything.hits[0].matches == 6
    monkeypatch.setattr(backends, "CANDIDATES", 3)
    newest = search_posts(query="tomato", community_ids=None, category_ids=[general.pk])
    assert (newest.posts, newest.capped) == (3, True)
    # Ranked among the newest three and the one that tells there were more (160) only.
    assert newest.hits[0].post_id in {posts[b].pk for b in (200, 195, 180, 160)}
    assert search_posts(query="the", community_ids=None, category_ids=[general.pk]).hits == []
