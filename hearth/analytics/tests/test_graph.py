"""The interaction graph on a tiny community worked out by hand, and against brute force.

Read on AS_OF = 1 July 2024. Members 1 (staff), 2, 3, 4, ANON (opted out of being named),
6 and 7. Edge weights (10 × replies/mentions/accepts/messages + 3 × reactions + 1 × shared
topics, × 0.9 per full 30-day month since the edge's last interaction):

    1–2  2→1: 2 replies + 1 reaction (10 days ago); 1→2: 1 mention + 1 message (40 days)
         10×2 + 3×1 + 10×(1+1) = 43, last 10 days ago → 0 months → 43
    2–3  3→2: 1 accepted answer (65 days ago) + a shared topic (70 days ago)
         10 + 1 = 11, last 65 days ago → 2 months → 11 × 0.81 = 891/100
    1–3  3→1: 2 reactions exactly 30 days ago → 1 month → 6 × 0.9 = 27/5
    3–4  4→3: 1 reply exactly 90 days ago → 3 months → 10 × 0.729 = 729/100
    4–ANON  ANON→4: 1 reaction 29 days 23 hours ago + a shared topic 100 days ago
         3 + 1 = 4, last under 30 days ago → 0 months → 4
    ignored: 2→2 (self), 2→8 (8 is not a member), 6→7 (nothing to weigh)

Figures: 7 nodes, 5 edges; components {1,2,3,4,ANON}, {6}, {7} → largest 5, share 5/7;
density 5 / (7×6/2) = 5/21; average degree 2×5/7 = 10/7; local clustering 1 (1 and 2:
their two neighbours are linked), 1/3 (3: one link among 3 neighbour pairs), 0 for the
rest → (1 + 1 + 1/3) / 7 = 1/3; bridges 3–4 and 4–ANON → 2; isolated 6 and 7.
Weighted degrees: 2: 43 + 891/100 = 5191/100; 1: 43 + 27/5 = 242/5;
3: 891/100 + 27/5 + 729/100 = 108/5; 4: 729/100 + 4 = 1129/100; ANON: 4; 6, 7: 0.
"""

import dataclasses
import math
import random
from collections import deque
from datetime import UTC, datetime, timedelta
from fractions import Fraction

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hearth.analytics.graph import PairActivity, _spring, decay_months, interaction_graph

AS_OF = datetime(2024, 7, 1, tzinfo=UTC)
DAY, HOUR = timedelta(days=1), timedelta(hours=1)
ANON = 424242
MEMBERS = [1, 2, 3, 4, ANON, 6, 7]


def pair(actor, target, ago, replies=0, mentions=0, reactions=0, accepts=0, messages=0):
    return PairActivity(actor, target, replies, mentions, reactions, accepts, messages, AS_OF - ago)


PAIRS = [
    pair(2, 1, 10 * DAY, replies=2, reactions=1),
    pair(1, 2, 40 * DAY, mentions=1, messages=1),
    pair(3, 2, 65 * DAY, accepts=1),
    pair(3, 1, 30 * DAY, reactions=2),
    pair(4, 3, 90 * DAY, replies=1),
    pair(ANON, 4, 30 * DAY - HOUR, reactions=1),
    pair(2, 2, DAY, replies=5),
    pair(2, 8, DAY, replies=3),
    pair(6, 7, DAY),
]
CO_TOPIC = [(2, 3, AS_OF - 70 * DAY), (4, ANON, AS_OF - 100 * DAY)]


def build(pairs=PAIRS, co_topic=CO_TOPIC, members=MEMBERS, **kwargs):
    return interaction_graph(
        pairs, co_topic, members, frozenset({1}), frozenset({ANON}), AS_OF, **kwargs
    )


def test_figures_match_the_hand_computation():
    graph = build()
    assert (graph.nodes, graph.edges) == (7, 5)
    assert graph.largest_component == 5
    assert graph.largest_share == Fraction(5, 7)
    assert graph.density == Fraction(5, 21)
    assert graph.average_degree == Fraction(10, 7)
    assert graph.clustering == Fraction(1, 3)
    assert graph.bridges == 2
    assert graph.isolated == (6, 7)


def test_picture_weights_order_and_flags():
    picture = build().picture
    assert [n.key for n in picture.nodes] == ["m2", "m1", "m3", "m4", "a1", "m6", "m7"]
    assert [n.weight for n in picture.nodes] == [
        Fraction(5191, 100), Fraction(242, 5), Fraction(108, 5), Fraction(1129, 100),
        Fraction(4), Fraction(0), Fraction(0),
    ]  # fmt: skip
    assert [(e.source, e.target, e.weight) for e in picture.edges] == [
        ("m2", "m1", Fraction(43)),
        ("m2", "m3", Fraction(891, 100)),
        ("m1", "m3", Fraction(27, 5)),
        ("m3", "m4", Fraction(729, 100)),
        ("m4", "a1", Fraction(4)),
    ]
    by_key = {n.key: n for n in picture.nodes}
    assert [n.key for n in picture.nodes if n.staff] == ["m1"]
    assert by_key["a1"].anonymous and by_key["a1"].user is None
    assert by_key["m2"].user == 2 and not by_key["m2"].anonymous
    assert by_key["m1"].cluster == by_key["m2"].cluster is not None
    assert by_key["m6"].cluster is None and by_key["m7"].cluster is None
    for node in picture.nodes:
        assert 0 <= node.x <= 1000 and 0 <= node.y <= 1000


def test_picture_keeps_the_heaviest_nodes():
    picture = build(picture_nodes=3).picture
    assert [n.key for n in picture.nodes] == ["m2", "m1", "m3"]
    assert [(e.source, e.target) for e in picture.edges] == [
        ("m2", "m1"), ("m2", "m3"), ("m1", "m3"),
    ]  # fmt: skip
    assert build(picture_nodes=0).picture.nodes == ()


def test_an_anonymous_member_id_never_appears_in_the_picture():
    text = repr(dataclasses.asdict(build().picture))
    assert str(ANON) not in text
    assert "a1" in text


def test_same_input_gives_the_same_picture_whatever_the_order():
    shuffled_pairs, shuffled_members = PAIRS[:], MEMBERS[:]
    random.Random(4).shuffle(shuffled_pairs)
    random.Random(5).shuffle(shuffled_members)
    assert build() == build(shuffled_pairs, CO_TOPIC[::-1], shuffled_members)


@pytest.mark.parametrize(
    ("ago", "months"),
    [
        (timedelta(0), 0),
        (30 * DAY - timedelta(seconds=1), 0),
        (30 * DAY, 1),
        (60 * DAY - HOUR, 1),
        (60 * DAY, 2),
        (365 * DAY, 12),  # 365 // 30
        (-DAY, 0),  # after as_of: no growth
    ],
)
def test_decay_counts_full_30_day_months(ago, months):
    assert decay_months(AS_OF - ago, AS_OF) == months


def test_decay_uses_the_last_interaction_of_either_direction():
    # 1→2 one reply 95 days ago alone: 3 months → 10 × 0.729 = 7.29
    old = [pair(1, 2, 95 * DAY, replies=1)]
    assert build(old, []).picture.edges[0].weight == Fraction(729, 100)
    # 2→1 one reaction 5 days ago refreshes the whole edge: (10 + 3) × 1 = 13
    fresh = [*old, pair(2, 1, 5 * DAY, reactions=1)]
    assert build(fresh, []).picture.edges[0].weight == Fraction(13)
    # a shared topic counts as an interaction too: (10 + 1), last 29 days ago → 11
    topic = [(2, 1, AS_OF - 29 * DAY)]
    assert build(old, topic).picture.edges[0].weight == Fraction(11)


def test_no_members():
    graph = build([], [], [])
    assert (graph.nodes, graph.edges, graph.largest_component, graph.bridges) == (0, 0, 0, 0)
    assert graph.largest_share is graph.density is graph.average_degree is None
    assert graph.clustering is None
    assert graph.isolated == ()
    assert graph.picture.nodes == graph.picture.edges == ()


def test_one_member_without_edges():
    graph = build(PAIRS, CO_TOPIC, [6])
    assert (graph.nodes, graph.edges) == (1, 0)
    assert graph.largest_share == 1
    assert graph.density is None  # no pair of members
    assert graph.average_degree == 0 and graph.clustering == 0
    assert graph.isolated == (6,)
    (node,) = graph.picture.nodes
    assert (node.x, node.y, node.cluster) == (500, 500, None)


def test_members_without_interactions():
    graph = build([], [], [3, 1, 2])
    assert (graph.edges, graph.density, graph.average_degree) == (0, 0, 0)
    assert graph.largest_share == Fraction(1, 3)
    assert graph.isolated == (1, 2, 3)


@pytest.mark.parametrize("size", [-1, 401])
def test_picture_size_is_bounded(size):
    with pytest.raises(ValueError, match="picture_nodes"):
        build(picture_nodes=size)


# Property test against brute force -----------------------------------------------------

PEOPLE = 8
person_st = st.integers(0, PEOPLE - 1)
ago_st = st.integers(0, 200 * 24).map(lambda hours: AS_OF - hours * HOUR)
count_st = st.integers(0, 2)
pair_st = st.builds(
    PairActivity, person_st, person_st, count_st, count_st, count_st, count_st, count_st, ago_st
)


def brute_force(pairs, co_topic, members, as_of):
    """The definitions read literally: loops over pairs, BFS, remove-and-recount."""
    weights = {}
    for a in members:
        for b in members:
            if a >= b:
                continue
            raw, last = 0, None
            for p in pairs:
                if {p.actor, p.target} == {a, b}:
                    talk = p.replies + p.mentions + p.accepts + p.messages
                    if 10 * talk + 3 * p.reactions:
                        raw += 10 * talk + 3 * p.reactions
                        last = p.last_at if last is None else max(last, p.last_at)
            for x, y, at in co_topic:
                if {x, y} == {a, b}:
                    raw += 1
                    last = at if last is None else max(last, at)
            if raw:
                months = 0
                while last + (months + 1) * timedelta(days=30) <= as_of:
                    months += 1
                weights[a, b] = raw * Fraction(9, 10) ** months
    return weights


def neighbours(edges, node):
    return {b for a, b in edges if a == node} | {a for a, b in edges if b == node}


def components(nodes, edges):
    seen, found = set(), []
    for start in nodes:
        if start in seen:
            continue
        queue, component = deque([start]), {start}
        while queue:
            for nxt in neighbours(edges, queue.popleft()):
                if nxt not in component:
                    component.add(nxt)
                    queue.append(nxt)
        seen |= component
        found.append(component)
    return found


@settings(max_examples=60, deadline=None)
@given(
    pairs=st.lists(pair_st, max_size=14),
    co_topic=st.lists(st.tuples(person_st, person_st, ago_st), max_size=6),
    members=st.sets(person_st),
    anonymous=st.sets(person_st),
    picture_nodes=st.integers(0, PEOPLE),
)
def test_figures_equal_brute_force(pairs, co_topic, members, anonymous, picture_nodes):
    graph = interaction_graph(
        pairs, co_topic, members, frozenset({0}), frozenset(anonymous), AS_OF,
        picture_nodes=picture_nodes,
    )  # fmt: skip
    weights = brute_force(pairs, co_topic, sorted(members), AS_OF)
    edges, n = set(weights), len(members)
    largest = max((len(c) for c in components(sorted(members), edges)), default=0)
    assert (graph.nodes, graph.edges, graph.largest_component) == (n, len(edges), largest)
    assert graph.largest_share == (Fraction(largest, n) if n else None)
    assert graph.density == (Fraction(len(edges), n * (n - 1) // 2) if n >= 2 else None)
    assert graph.average_degree == (Fraction(2 * len(edges), n) if n else None)
    local = []
    for node in members:
        near = sorted(neighbours(edges, node))
        links = sum(1 for i, a in enumerate(near) for b in near[i + 1 :] if (a, b) in edges)
        pairs_near = len(near) * (len(near) - 1) // 2
        local.append(Fraction(links, pairs_near) if pairs_near else Fraction(0))
    assert graph.clustering == (sum(local) / n if n else None)
    count = len(components(members, edges))
    assert graph.bridges == sum(
        1 for edge in edges if len(components(members, edges - {edge})) > count
    )
    assert graph.isolated == tuple(sorted(m for m in members if not neighbours(edges, m)))

    picture = graph.picture
    shown = [n.key for n in picture.nodes]
    assert len(shown) == min(n, picture_nodes) == len(set(shown))
    strength = {m: sum((w for e, w in weights.items() if m in e), Fraction(0)) for m in members}
    kept = {int(n.key[1:]) for n in picture.nodes if not n.anonymous}
    kept_weights = sorted(n.weight for n in picture.nodes)
    left_out = sorted(strength.values())[: n - len(shown)]
    assert not left_out or not kept_weights or max(left_out) <= min(kept_weights)
    for node in picture.nodes:
        assert (node.user is None) == node.anonymous == node.key.startswith("a")
        assert node.user is None or node.weight == strength[node.user]
        assert node.user is None or node.staff == (node.user == 0)
        assert 0 <= node.x <= 1000 and 0 <= node.y <= 1000
    assert sum(node.staff for node in picture.nodes) <= 1
    assert not kept & anonymous
    anonymous_ids = {str(a) for a in anonymous}
    assert not anonymous_ids & {n.key[1:] for n in picture.nodes if not n.anonymous}
    pictured_edges = {(e.source, e.target) for e in picture.edges}
    assert len(pictured_edges) == len(picture.edges)
    named = {f"m{m}": m for m in kept}
    for e in picture.edges:
        if e.source in named and e.target in named:
            a, b = sorted((named[e.source], named[e.target]))
            assert weights[a, b] == e.weight
    both_named = sum(1 for a, b in edges if a in kept and b in kept)
    assert both_named == sum(1 for e in picture.edges if e.source in named and e.target in named)


def test_the_layout_puts_members_as_far_apart_as_their_steps():
    positions = _spring(nx.path_graph(8), 1)
    gaps = {
        (a, b): math.dist(positions[a], positions[b]) for a in range(8) for b in range(a + 1, 8)
    }
    neighbours = [gaps[a, a + 1] for a in range(7)]
    assert max(neighbours) < 1.1 * min(neighbours)  # a path is drawn as evenly spaced
    assert gaps[0, 7] == pytest.approx(7 * min(neighbours), rel=0.05)  # ... straight line
    assert max(abs(c) for point in positions.values() for c in point) == pytest.approx(1)
    star = _spring(nx.star_graph(6), 0.5)
    assert math.dist(star[0], (0, 0)) < 0.05  # the hub in the middle
