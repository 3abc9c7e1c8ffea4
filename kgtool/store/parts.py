"""A graph split into upload parts of bounded size, each part one document, blank nodes kept together.

A blank node is scoped to the document it comes in: the same label in two uploads names two nodes. So every
triple that mentions a blank node travels in one part with every other triple connected to it through blank
nodes; the other triples are cut into parts of ``PART_TRIPLES``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox

#: Triples per upload part. Measured with the 982,978-triple generated graph (~140 bytes a triple, so ~7 MB a
#: part), uploading it in parts of 10k / 50k / 200k triples: Oxigraph server 23.9 / 23.7 / 29.7 s, Virtuoso 7.8 /
#: 6-7 / 6.1 s (one 1M-triple POST: 8.2 s on Virtuoso; one PUT 51-58 s on Oxigraph). Parts of 50k cost nothing
#: over fewer, larger ones, keep each request around a second, and keep large bodies away from the servers'
#: single-upload limits (Virtuoso's loader hung on one 140 MB upload).
PART_TRIPLES = 50_000


def _blank_nodes(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> list[str]:
    if isinstance(term, ox.BlankNode):
        return [term.value]
    if isinstance(term, ox.Triple):  # a quoted triple (RDF 1.2) may hold blank nodes too
        return _blank_nodes(term.subject) + _blank_nodes(term.object)
    return []


def upload_parts(triples: Iterable[ox.Triple], size: int | None = None) -> Iterator[list[ox.Triple]]:
    """Yield the triples as parts of at most ``size`` triples (``PART_TRIPLES``), at least one part.

    Triples without blank nodes are yielded as soon as a part is full, so a graph streamed from the store is
    never held whole in Python; triples connected through blank nodes are kept until the end and stay in one
    part (such a group larger than ``size`` is a part of its own, whatever its size).
    """
    size = size or PART_TRIPLES
    parent: dict[str, str] = {}

    def root(node: str) -> str:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    plain: list[ox.Triple] = []
    linked: list[tuple[str, ox.Triple]] = []
    yielded = False
    for triple in triples:
        nodes = _blank_nodes(triple.subject) + _blank_nodes(triple.object)
        if not nodes:
            plain.append(triple)
            if len(plain) == size:
                yield plain
                plain, yielded = [], True
            continue
        for node in nodes:
            parent.setdefault(node, node)
        first = root(nodes[0])
        for node in nodes[1:]:
            parent[root(node)] = first
        linked.append((nodes[0], triple))
    if plain:
        yield plain
        yielded = True
    groups: dict[str, list[ox.Triple]] = {}
    for node, triple in linked:
        groups.setdefault(root(node), []).append(triple)
    current: list[ox.Triple] = []
    for group in groups.values():
        if current and len(current) + len(group) > size:
            yield current
            current = []
        current += group
    if current or not yielded:
        yield current
