"""Upload parts: bounded in size, together the whole graph, blank nodes never split between two documents."""

from __future__ import annotations

import pyoxigraph as ox

from kgtool.store import EmbeddedStore, parts
from kgtool.store.parts import upload_parts
from kgtool.store.profiles import profile_for
from kgtool.store.remote import RemoteStore

EX = "https://example.org/"


def iri(name: str) -> ox.NamedNode:
    return ox.NamedNode(EX + name)


def blank_nodes(part: list[ox.Triple]) -> set[str]:
    return {t.value for triple in part for t in (triple.subject, triple.object) if isinstance(t, ox.BlankNode)}


def test_parts_are_bounded_and_together_the_graph():
    triples = [ox.Triple(iri(f"s{i}"), iri("p"), ox.Literal(str(i))) for i in range(23)]
    cut = list(upload_parts(triples, 5))
    assert [len(part) for part in cut] == [5, 5, 5, 5, 3]
    assert [t for part in cut for t in part] == triples
    assert list(upload_parts([], 5)) == [[]]


def test_triples_linked_by_blank_nodes_travel_in_one_part():
    a, b, c, lone = (ox.BlankNode(name) for name in ("a", "b", "c", "lone"))
    chain = [  # a -> b -> c, and two subjects share b
        ox.Triple(iri("x"), iri("p"), a),
        ox.Triple(a, iri("next"), b),
        ox.Triple(iri("y"), iri("p"), b),
        ox.Triple(b, iri("next"), c),
        ox.Triple(c, iri("label"), ox.Literal("end")),
        ox.Triple(a, iri("label"), ox.Literal("start")),
    ]
    other = [ox.Triple(lone, iri("label"), ox.Literal("alone")), ox.Triple(iri("z"), iri("p"), lone)]
    plain = [ox.Triple(iri(f"s{i}"), iri("p"), iri(f"o{i}")) for i in range(7)]
    triples = [*plain[:3], *chain[:3], *other[:1], *plain[3:], *chain[3:], *other[1:]]
    cut = list(upload_parts(triples, 2))
    assert sorted(map(str, (t for part in cut for t in part))) == sorted(map(str, triples))
    holding = {node: [i for i, part in enumerate(cut) if node in blank_nodes(part)] for node in ("a", "b", "c", "lone")}
    assert holding["a"] == holding["b"] == holding["c"]
    assert len(holding["a"]) == len(holding["lone"]) == 1
    assert sorted(len(part) for part in cut) == [1, 2, 2, 2, 2, 6]  # the chain whole, though larger than 2


def test_a_part_is_sent_before_the_rest_of_the_graph_is_read():
    read: list[int] = []

    def stream():
        for i in range(12):
            read.append(i)
            yield ox.Triple(iri(f"s{i}"), iri("p"), ox.Literal(str(i)))

    cut = upload_parts(stream(), 5)
    assert len(next(cut)) == 5
    assert len(read) == 5
    assert [len(part) for part in cut] == [5, 2]
    assert len(read) == 12


def test_a_store_streams_one_graph_as_its_triples():
    store = EmbeddedStore()
    kept = [ox.Triple(iri(f"s{i}"), iri("p"), ox.Literal(str(i)) if i % 2 else iri("o")) for i in range(6)]
    store.replace_graph(EX + "g", kept)
    store.replace_graph(EX + "other", [ox.Triple(iri("x"), iri("p"), iri("y"))])
    assert sorted(map(str, store.triples(EX + "g"))) == sorted(map(str, kept))


def test_the_default_part_size_is_the_named_constant(monkeypatch):
    triples = [ox.Triple(iri(f"s{i}"), iri("p"), iri("o")) for i in range(10)]
    assert len(list(upload_parts(triples))) == 1
    monkeypatch.setattr(parts, "PART_TRIPLES", 3)
    assert len(list(upload_parts(triples))) == 4


def test_moving_a_million_triples_may_take_500_s_and_never_less_than_the_timeout():
    server = RemoteStore(profile_for("oxigraph", "http://127.0.0.1:9/"), timeout=120.0)
    assert server.move_timeout(1_000_000) == 500.0
    assert server.move_timeout(1_000) == 120.0
    assert EmbeddedStore().move_timeout(1_000_000) is None
