"""The interaction graph's summary figures over the whole graph, exact, in sparse-matrix
arithmetic (scipy) rather than a Python object per node and edge: at 100,000 members the
graph has tens of thousands of nodes and hundreds of thousands of edges, and networkx's
components, triangles and bridges took most of a dashboard's computation.

- **Components**: ``scipy.sparse.csgraph.connected_components``.
- **Triangles** per node (for the local clustering coefficient), with each edge oriented
  from the lower to the higher of (degree, index), so no node has more than √(2m)
  out-neighbours: with D that orientation, X = (D·D) ∘ D counts each triangle once at
  (lowest, highest) and Z = (Dᵀ·D) ∘ D once at (middle, highest); a node's triangles are
  its row sum of X (lowest), column sum of X (highest) and row sum of Z (middle). Neither
  product grows with a hub's degree squared.
- **Bridges**: one depth-first tree of the graph plus a root joined to each component (a
  depth-first tree's other edges join a node to one of its ancestors); a tree edge into
  ``c`` is a bridge when no other edge joins ``c``'s subtree to above it: +1 at each such
  edge's lower end, −1 at its upper end, summed over the subtree, is 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from scipy import sparse
from scipy.sparse import csgraph

from hearth.core.lazy_import import lazy

np = lazy("numpy")  # loaded on first use: web processes never compute


@dataclass(frozen=True)
class Figures:
    largest_component: int
    clustering: Fraction | None
    bridges: int
    isolated: tuple[int, ...]


def figures(nodes: list[int], a: np.ndarray, b: np.ndarray) -> Figures:
    """``nodes`` sorted; the undirected edges as indices into it, each once, no loops."""
    n = len(nodes)
    if not n:
        return Figures(0, None, 0, ())
    m = len(a)
    ones = np.ones(2 * m, dtype=np.int64)
    adjacency = sparse.csr_matrix(
        (ones, (np.concatenate([a, b]), np.concatenate([b, a]))), shape=(n, n)
    )
    degree = np.diff(adjacency.indptr)
    count, labels = csgraph.connected_components(adjacency, directed=False)
    largest = int(np.bincount(labels).max())
    isolated = tuple(nodes[i] for i in np.flatnonzero(degree == 0))
    return Figures(
        largest_component=largest,
        clustering=_clustering(n, a, b, degree),
        bridges=_bridges(n, a, b, labels, count),
        isolated=isolated,
    )


def _clustering(n: int, a, b, degree) -> Fraction:
    """Mean over all nodes of 2·triangles / (d(d − 1)), degree < 2 counting 0."""
    if not len(a):
        return Fraction(0)
    rank = np.empty(n, dtype=np.int64)
    rank[np.lexsort((np.arange(n), degree))] = np.arange(n)
    low = np.where(rank[a] < rank[b], a, b)
    high = np.where(rank[a] < rank[b], b, a)
    oriented = sparse.csr_matrix((np.ones(len(a), dtype=np.int64), (low, high)), shape=(n, n))
    x = (oriented @ oriented).multiply(oriented).tocsr()
    z = (oriented.T @ oriented).multiply(oriented).tocsr()
    triangles = (
        np.asarray(x.sum(axis=1)).ravel()
        + np.asarray(x.sum(axis=0)).ravel()
        + np.asarray(z.sum(axis=1)).ravel()
    )
    # Sum per degree: a handful of distinct denominators instead of one per node.
    total = Fraction(0)
    for d in np.unique(degree[degree >= 2]):
        t = int(triangles[degree == d].sum())
        if t:
            total += Fraction(2 * t, int(d) * (int(d) - 1))
    return total / n


def _bridges(n: int, a, b, labels, count: int) -> int:
    if not len(a):
        return 0
    # A root (index n) joined to the first node of every component, so one depth-first
    # search covers the graph; its edges are tree edges and are not counted.
    firsts = np.unique(labels, return_index=True)[1]
    root = np.full(count, n, dtype=np.int64)
    rows = np.concatenate([a, b, root, firsts])
    cols = np.concatenate([b, a, firsts, root])
    rooted = sparse.csr_matrix(
        (np.ones(len(rows), dtype=np.int64), (rows, cols)), shape=(n + 1, n + 1)
    )
    order, parent = csgraph.depth_first_order(rooted, n, directed=False, return_predecessors=True)
    position = np.empty(n + 1, dtype=np.int64)
    position[order] = np.arange(len(order))
    tree = (parent[a] == b) | (parent[b] == a)
    upper = np.where(position[a] < position[b], a, b)[~tree]
    lower = np.where(position[a] < position[b], b, a)[~tree]
    cover = np.zeros(n + 1, dtype=np.int64)
    np.add.at(cover, lower, 1)
    np.add.at(cover, upper, -1)
    cover = cover.tolist()
    parents = parent.tolist()
    for node in reversed(order.tolist()[1:]):
        cover[parents[node]] += cover[node]
    # Tree edges into real nodes whose parent is a real node, not covered from below.
    return sum(1 for node in order.tolist()[1:] if parents[node] != n and cover[node] == 0)
