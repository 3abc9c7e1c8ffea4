"""Which triples a reasoner reads: the asserted ones, never what kgtool derived or inferred before."""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from kgtool.store import DERIVED_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH, EmbeddedStore

#: Graphs computed from the others: the bindings of the binding rule and the OWL 2 RL inferences.
RECOMPUTED_GRAPHS = frozenset({DERIVED_GRAPH, INFERRED_GRAPH})


def asserted_triples(store: EmbeddedStore) -> list[ox.Triple]:
    """Return the union of the asserted graphs (ontology, data, imports and their records), without duplicates.

    In no particular order: reasoners and checks read them as a set.
    """
    seen: set[ox.Triple] = set()
    for quad in store.quads():
        if isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name.value in RECOMPUTED_GRAPHS:
            continue
        seen.add(quad.triple)
    return list(seen)


def ontology_triples(store: EmbeddedStore) -> list[ox.Triple]:
    """Return the triples of the ontology graph (the ontology and its controlled vocabularies)."""
    return sorted({quad.triple for quad in store.quads(ONTOLOGY_GRAPH)}, key=str)


def ntriples(triples: Iterable[ox.Triple]) -> bytes:
    """Serialise triples as N-Triples (the format HermiT reads through owlready2)."""
    return ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b""


def asserted_ntriples(store: EmbeddedStore) -> bytes:
    """Return the asserted graphs as one N-Triples document (a triple in two graphs is written twice)."""
    return b"".join(store.graph_ntriples(graph) for graph in store.graphs() if graph not in RECOMPUTED_GRAPHS)
