"""The member interaction graph of a window, from per-pair totals (pure: no queries).

The caller (the daily rollups) gives one :class:`PairActivity` per ordered pair
actor → target, the same-topic presences, and the window's active members::

    figures = interaction_graph(pairs, co_topic, members, staff, anonymous, as_of)

Definitions (PRODUCT.md, "Interaction graph"), and the choices made here:

- **Nodes** are exactly ``members``, isolated ones included. An interaction with someone
  outside ``members`` (a member who was not active in the window, or who left) is left
  out: the caller decides who is a node.
- **Edges** are undirected. The weight of edge a–b is 10 × (replies + mentions +
  accepted answers + direct messages, both directions) + 3 × reactions (both directions)
  + 1 × same-topic presences (one per topic both posted in), decayed × 0.9 per full
  30-day month between the edge's last interaction (the latest of its parts) and
  ``as_of``. A pair with nothing to weigh is no edge; self-interactions are ignored.
- **Figures** ignore weights: the graph's shape is what they describe. Largest connected
  share = largest component size / nodes; density = edges / (n(n − 1)/2); average degree
  = 2 × edges / nodes; clustering = the mean over all nodes of each node's local
  clustering coefficient, nodes of degree < 2 counting 0 (networkx's
  ``average_clustering``), computed exactly from triangle counts so it is a ``Fraction``
  like every other share; bridges = the number of edges whose removal disconnects their
  ends. A figure whose denominator is empty is ``None``. They are computed over the whole
  graph, every active member, in sparse-matrix arithmetic (graph_figures.py); only the
  picture is limited to the heaviest nodes.
- **Picture**: the ``picture_nodes`` heaviest nodes by weighted degree (ties by id, so
  a small community is pictured whole, isolated members included). Each connected group
  is laid out by how many steps apart its members are (the Kamada–Kawai energy,
  lowered by stress majorization from classical scaling, a bounded number of steps: the
  same input always gives the same picture, and one very heavy pair does not crush
  everyone else into a dot); the largest group sits in the middle, smaller ones
  on a ring around it and isolated members on an outer ring, so they do not push the
  connected core into a corner. Coordinates are integers 0..1000. Clusters are
  networkx's Louvain communities of the pictured subgraph (seed 1), numbered from 1 by
  size; a node alone in its community has no cluster. At most 400 nodes are pictured:
  more is unreadable.
- **Anonymity**: members in ``anonymous`` (who opted out of being named in graphs) appear
  in the picture only under an opaque key ``a1``, ``a2``… numbered in picture order; their
  id is nowhere in the picture. Their staff flag stays (roles are public). The figures'
  ``isolated`` list is a staff drill-down, not part of the picture, and keeps ids.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from typing import TYPE_CHECKING

from hearth.core.lazy_import import lazy

np = lazy("numpy")  # loaded on first use: web processes never compute

if TYPE_CHECKING:
    import networkx as nx

# networkx and scipy (~50 MB) are imported where the graph is computed, in the worker: the
# web processes import this module for its constants and types and never need them.

CONVERSATION_WEIGHT = 10  # replies (answers are replies), mentions, accepted answers, messages
REACTION_WEIGHT = 3
CO_TOPIC_WEIGHT = 1
DECAY = Fraction(9, 10)
DECAY_PERIOD = timedelta(days=30)
PICTURE_SCALE = 1000
MAX_PICTURE_NODES = 400
SEED = 1
CORE_SCALE = 0.7  # the largest group, inside the rings of smaller groups and isolated members
GROUP_RING = 0.82  # where smaller groups sit
GROUP_SCALE = 0.06  # how large each smaller group is drawn
LAYOUT_STEPS = 300  # at most, whatever the group
LAYOUT_TOLERANCE = 1e-5  # stop when a step lowers the stress by less than this share


@dataclass(frozen=True)
class PairActivity:
    """One ordered pair actor → target over the window."""

    actor: int
    target: int
    replies: int  # post.reply (answers are replies)
    mentions: int
    reactions: int
    accepts: int  # accepted answers (counted like answers)
    messages: int  # direct messages (message.send)
    last_at: datetime  # last interaction of this ordered pair

    @property
    def weight(self) -> int:
        conversation = self.replies + self.mentions + self.accepts + self.messages
        return CONVERSATION_WEIGHT * conversation + REACTION_WEIGHT * self.reactions


@dataclass(frozen=True)
class PictureNode:
    key: str  # "m<user id>", or "a<n>" for an anonymous member
    user: int | None  # None for an anonymous member
    x: int  # 0..1000
    y: int  # 0..1000
    weight: Fraction  # weighted degree
    cluster: int | None  # 1 = the picture's largest community; None when alone in one
    staff: bool
    anonymous: bool


@dataclass(frozen=True)
class PictureEdge:
    source: str  # node keys; the source comes first in the picture's node order
    target: str
    weight: Fraction


@dataclass(frozen=True)
class Picture:
    nodes: tuple[PictureNode, ...]  # heaviest first
    edges: tuple[PictureEdge, ...]


@dataclass(frozen=True)
class InteractionGraph:
    nodes: int
    edges: int
    largest_component: int  # members in the largest connected component
    largest_share: Fraction | None  # largest_component / nodes
    density: Fraction | None  # edges / (n(n - 1)/2); None under two nodes
    average_degree: Fraction | None  # 2 × edges / nodes
    clustering: Fraction | None  # average local clustering coefficient
    bridges: int
    isolated: tuple[int, ...]  # member ids with no edge
    picture: Picture


def decay_months(last_at: datetime, as_of: datetime) -> int:
    """Full 30-day months from ``last_at`` to ``as_of`` (0 if ``last_at`` is later)."""
    return max(0, (as_of - last_at) // DECAY_PERIOD)


@dataclass(frozen=True)
class WeighedEdges:
    """Edges weighed before the decay, one per unordered pair (``low`` < ``high``): member
    ids, the raw weight, and the pair's latest moment in microseconds since the Unix
    epoch (UTC). Arrays, so a graph of hundreds of thousands of edges is decayed, filtered
    and summed without a Python object per edge."""

    low: np.ndarray
    high: np.ndarray
    weight: np.ndarray
    last: np.ndarray


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def micros(at: datetime) -> int:
    """An aware moment as microseconds since the Unix epoch, exactly."""
    return (at - EPOCH) // MICROSECOND


def pair_order(low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """The indices that sort the pairs by ``low``, then ``high``: one sort on a single key
    (both ids in one integer) where they fit, as member ids do: ~8 times faster than two
    (the order of equal pairs is left to the sort)."""
    if len(low) and max(low.max(), high.max()) >= 2**31:
        return np.lexsort((high, low))
    return np.argsort(low << 32 | high)


def _merged(
    pairs: Iterable[PairActivity | tuple[int, int, int, datetime]],
    co_topic: Iterable[tuple[int, int, datetime]],
) -> WeighedEdges:
    """Per-kind pairs, weighed pairs (both directions, maybe) and same-topic presences
    merged per unordered pair; parts with nothing to weigh, and self-interactions, left
    out."""
    raw: dict[tuple[int, int], int] = defaultdict(int)
    last: dict[tuple[int, int], datetime] = {}

    def add(a: int, b: int, weight: int, at: datetime) -> None:
        if a == b or weight <= 0:
            return
        key = (a, b) if a < b else (b, a)
        raw[key] += weight
        last[key] = max(last[key], at) if key in last else at

    for pair in pairs:
        if isinstance(pair, PairActivity):
            add(pair.actor, pair.target, pair.weight, pair.last_at)
        else:
            add(*pair)
    for a, b, at in co_topic:
        add(a, b, CO_TOPIC_WEIGHT, at)
    keys = list(raw)
    return WeighedEdges(
        low=np.array([a for a, _ in keys], dtype=np.int64),
        high=np.array([b for _, b in keys], dtype=np.int64),
        weight=np.array([raw[key] for key in keys], dtype=np.int64),
        last=np.array([micros(last[key]) for key in keys], dtype=np.int64),
    )


def _edge_weights(
    edges: WeighedEdges, nodes: np.ndarray, as_of: datetime
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """The edges between ``nodes`` (sorted ids), as node indices (low, high), sorted, with
    their decayed weights × a common denominator, and that denominator.

    A decayed weight is raw × 9^m / 10^m; over 10^(the largest m) every weight is an
    integer, so summing hundreds of thousands of them stays exact without Fraction's cost
    (in 64-bit integers when they fit, else in Python's)."""
    keep = np.isin(edges.low, nodes) & np.isin(edges.high, nodes)
    low, high = edges.low[keep], edges.high[keep]
    raw, last = edges.weight[keep], edges.last[keep]
    order = pair_order(low, high)
    low, high, raw, last = low[order], high[order], raw[order], last[order]
    period = DECAY_PERIOD // MICROSECOND
    months = np.maximum((micros(as_of) - last) // period, 0)
    most = int(months.max()) if len(months) else 0
    denominator = DECAY.denominator**most
    factors = {
        m: DECAY.numerator**m * DECAY.denominator ** (most - m) for m in np.unique(months).tolist()
    }
    if len(raw) and int(raw.max()) * denominator < 2**62:
        table = np.zeros(most + 1, dtype=np.int64)
        for m, factor in factors.items():
            table[m] = factor
        weights = raw * table[months]
    else:
        weights = np.array(
            [r * factors[m] for r, m in zip(raw.tolist(), months.tolist(), strict=True)],
            dtype=object,
        )
    return np.searchsorted(nodes, low), np.searchsorted(nodes, high), weights, denominator


def _share(part: int, whole: int) -> Fraction | None:
    return Fraction(part, whole) if whole else None


def _spring(graph: nx.Graph, scale: float) -> dict[int, tuple[float, float]]:
    """Positions of a connected group's members by how many steps apart they are (the
    Kamada–Kawai energy, which spreads a group evenly where a spring layout knots the
    members around each hub). It starts from classical scaling (the two main axes of the
    squared step counts) and lowers the energy by stress majorization: each step moves
    every member to where its distances to the others fit best. A step is a few
    element-wise passes over a 150 × 150 array (no matrix library, whose threads only
    contend on a busy worker), and their number is bounded."""
    from scipy import sparse
    from scipy.sparse import csgraph

    users = list(graph)
    n = len(users)
    index = {user: i for i, user in enumerate(users)}
    ends = np.array([(index[a], index[b]) for a, b in graph.edges()], dtype=np.int64)
    adjacency = sparse.csr_matrix((np.ones(len(ends)), (ends[:, 0], ends[:, 1])), shape=(n, n))
    steps = csgraph.shortest_path(adjacency, directed=False, unweighted=True)
    weights = np.zeros((n, n))
    apart = ~np.eye(n, dtype=bool)
    weights[apart] = steps[apart] ** -2.0  # a group is connected: every step count is > 0
    total_weight = weights.sum(axis=1)[:, None]
    positions = _classical_scaling(steps)
    stress = math.inf
    for _ in range(LAYOUT_STEPS):
        offsets = positions[:, None, :] - positions[None, :, :]
        gaps = np.sqrt(np.einsum("ijk,ijk->ij", offsets, offsets))
        now = float(np.einsum("ij,ij->", weights, (gaps - steps) ** 2))
        if stress - now <= LAYOUT_TOLERANCE * now:
            break
        stress = now
        pull = np.divide(weights * steps, gaps, out=np.zeros_like(gaps), where=gaps > 0)
        positions = (
            np.einsum("ij,jk->ik", weights, positions) + np.einsum("ij,ijk->ik", pull, offsets)
        ) / total_weight
    positions -= positions.mean(axis=0)
    largest = np.abs(positions).max()
    if largest > 0:
        positions *= scale / largest
    return {user: (float(x), float(y)) for user, (x, y) in zip(users, positions, strict=True)}


def _classical_scaling(steps: np.ndarray) -> np.ndarray:
    """Two coordinates per member whose distances best match ``steps`` in the least-squares
    sense of their squares (the two largest eigenvectors of the double-centred squared
    distances), each axis's sign fixed by its largest entry so the same input always gives
    the same start. A better start than a circle, which folds grids and chains."""
    squared = steps**2
    centred = -0.5 * (
        squared - squared.mean(axis=0) - squared.mean(axis=1)[:, None] + squared.mean()
    )
    values, vectors = np.linalg.eigh(centred)
    axes = vectors[:, -2:][:, ::-1] * np.sqrt(np.maximum(values[-2:][::-1], 0))
    signs = np.sign(axes[np.argmax(np.abs(axes), axis=0), [0, 1]])
    signs[signs == 0] = 1
    return axes * signs


def _ring(count: int, radius: float) -> list[tuple[float, float]]:
    """``count`` points on a circle, from the top, clockwise."""
    return [
        (
            radius * math.cos(2 * math.pi * i / count - math.pi / 2),
            radius * math.sin(2 * math.pi * i / count - math.pi / 2),
        )
        for i in range(count)
    ]


def _layout(shown: nx.Graph) -> dict[int, tuple[float, float]]:
    """Positions in [-1, 1]²: the largest connected group in the middle,
    smaller groups each laid out small on a ring around it, isolated members on the outer
    ring. Laying the groups out together would let two far-apart groups squeeze the main
    one into a dot."""
    import networkx as nx

    isolated = [user for user in shown if shown.degree(user) == 0]
    groups = sorted(
        (sorted(c) for c in nx.connected_components(shown) if len(c) > 1),
        key=lambda c: (-len(c), c[0]),
    )
    if len(shown) == 1:
        return {next(iter(shown)): (0.0, 0.0)}  # a lone member sits in the middle
    positions: dict[int, tuple[float, float]] = {}
    if groups:
        outer = bool(isolated or groups[1:])
        positions.update(_spring(shown.subgraph(groups[0]), CORE_SCALE if outer else 1))
    small = groups[1:]
    for group, (cx, cy) in zip(small, _ring(len(small), GROUP_RING), strict=True):
        for user, (x, y) in _spring(shown.subgraph(group), GROUP_SCALE).items():
            positions[user] = (cx + x, cy + y)
    for user, point in zip(isolated, _ring(len(isolated), 1), strict=True):
        positions[user] = point
    return positions


def _position(coordinate: float) -> int:
    # Clamp against floating-point overshoot of the [-1, 1] layout.
    return min(PICTURE_SCALE, max(0, round((coordinate + 1) * PICTURE_SCALE / 2)))


def _picture(
    low: np.ndarray,
    high: np.ndarray,
    weights: np.ndarray,
    denominator: int,
    members: list[int],
    staff: frozenset[int],
    anonymous: frozenset[int],
    size: int,
) -> Picture:
    import networkx as nx

    strength_of = np.zeros(len(members), dtype=weights.dtype)
    np.add.at(strength_of, low, weights)
    np.add.at(strength_of, high, weights)
    strength = dict(zip(members, strength_of.tolist(), strict=True))
    chosen = sorted(members, key=lambda user: (-strength[user], user))[:size]
    order = {user: i for i, user in enumerate(chosen)}
    pictured = np.zeros(len(members), dtype=bool)
    pictured[np.searchsorted(members, chosen)] = True
    among = pictured[low] & pictured[high]
    edges = [
        ((a, b) if order[a] < order[b] else (b, a), weight)
        for a, b, weight in zip(
            [members[i] for i in low[among].tolist()],
            [members[i] for i in high[among].tolist()],
            weights[among].tolist(),
            strict=True,
        )
    ]
    edges.sort(key=lambda edge: (order[edge[0][0]], order[edge[0][1]]))

    shown = nx.Graph()
    shown.add_nodes_from(chosen)
    shown.add_edges_from((a, b, {"weight": w / denominator}) for (a, b), w in edges)
    positions = _layout(shown)
    communities = nx.community.louvain_communities(shown, weight="weight", seed=SEED)
    communities = sorted(
        (c for c in communities if len(c) > 1),
        key=lambda c: (-len(c), min(order[user] for user in c)),
    )
    cluster = {user: i for i, c in enumerate(communities, start=1) for user in c}

    keys, anonymous_count, nodes = {}, 0, []
    for user in chosen:
        if user in anonymous:
            anonymous_count += 1
            keys[user] = f"a{anonymous_count}"
        else:
            keys[user] = f"m{user}"
        x, y = positions[user]
        nodes.append(
            PictureNode(
                key=keys[user],
                user=None if user in anonymous else user,
                x=_position(x),
                y=_position(y),
                weight=Fraction(strength[user], denominator),
                cluster=cluster.get(user),
                staff=user in staff,
                anonymous=user in anonymous,
            )
        )
    return Picture(
        nodes=tuple(nodes),
        edges=tuple(
            PictureEdge(keys[a], keys[b], Fraction(weight, denominator)) for (a, b), weight in edges
        ),
    )


def interaction_graph(
    pairs: Iterable[PairActivity | tuple[int, int, int, datetime]] | WeighedEdges,
    co_topic: Iterable[tuple[int, int, datetime]],
    members: Iterable[int],
    staff: frozenset[int],
    anonymous: frozenset[int],
    as_of: datetime,
    *,
    picture_nodes: int = 150,
) -> InteractionGraph:
    from hearth.analytics import graph_figures

    if not 0 <= picture_nodes <= MAX_PICTURE_NODES:
        raise ValueError(f"picture_nodes must be between 0 and {MAX_PICTURE_NODES}")
    nodes = sorted(set(members))
    if not isinstance(pairs, WeighedEdges):
        pairs = _merged(pairs, co_topic)
    elif co_topic:
        raise ValueError("same-topic presence goes into WeighedEdges' weights")
    low, high, weights, denominator = _edge_weights(pairs, np.array(nodes, dtype=np.int64), as_of)
    n, m = len(nodes), len(weights)
    whole = graph_figures.figures(nodes, low, high)
    return InteractionGraph(
        nodes=n,
        edges=m,
        largest_component=whole.largest_component,
        largest_share=_share(whole.largest_component, n),
        density=_share(m, n * (n - 1) // 2),
        average_degree=_share(2 * m, n),
        clustering=whole.clustering,
        bridges=whole.bridges,
        isolated=whole.isolated,
        picture=_picture(low, high, weights, denominator, nodes, staff, anonymous, picture_nodes),
    )
