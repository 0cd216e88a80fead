"""The interaction graph's summary figures over the whole graph, exact, from igraph (a C
library) rather than a Python object per node and edge: at 100,000 members the graph has
tens of thousands of nodes and hundreds of thousands of edges, and networkx's components,
triangles and bridges took most of a dashboard's computation.

- **Components** and **bridges**: igraph's own.
- **Local clustering**: igraph gives each node's 2·triangles / (d(d − 1)) as a float; it
  is turned back into the node's triangle count (rounded: exact far beyond any
  community's size) and summed as a fraction, per degree, so the mean stays exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from hearth.core.lazy_import import lazy

np = lazy("numpy")  # loaded on first use: web processes never compute
igraph = lazy("igraph")


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
    graph = igraph.Graph(n=n, edges=list(zip(a.tolist(), b.tolist(), strict=True)))
    degree = np.array(graph.degree(), dtype=np.int64)
    return Figures(
        largest_component=max(graph.connected_components().sizes()),
        clustering=_clustering(graph, n, degree),
        bridges=len(graph.bridges()),
        isolated=tuple(nodes[i] for i in np.flatnonzero(degree == 0)),
    )


def _clustering(graph: igraph.Graph, n: int, degree: np.ndarray) -> Fraction:
    """Mean over all nodes of 2·triangles / (d(d − 1)), degree < 2 counting 0."""
    if not graph.ecount():
        return Fraction(0)
    local = np.array(graph.transitivity_local_undirected(mode="zero"))
    triangles = np.rint(local * (degree * (degree - 1) // 2)).astype(np.int64)
    # Sum per degree: a handful of distinct denominators instead of one per node.
    total = Fraction(0)
    for d in np.unique(degree[degree >= 2]):
        t = int(triangles[degree == d].sum())
        if t:
            total += Fraction(2 * t, int(d) * (int(d) - 1))
    return total / n
