"""Convert RDF terms between pyoxigraph (kgtool's store) and rdflib (what owlrl and reasonable read)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox
import rdflib

from kgtool.store.values import unescape

RdflibTriple = tuple[rdflib.term.Node, rdflib.term.Node, rdflib.term.Node]
XSD_STRING = rdflib.URIRef("http://www.w3.org/2001/XMLSchema#string")


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> rdflib.term.Node:
    """Return the rdflib term equal to a pyoxigraph term (blank nodes keep their labels)."""
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def from_rdflib(term: rdflib.term.Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """Return the pyoxigraph term equal to an rdflib term (a literal without datatype is an xsd:string)."""
    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, rdflib.Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"not an RDF term: {term!r}")


def rdflib_triples(triples: Iterable[ox.Triple]) -> list[RdflibTriple]:
    """Convert pyoxigraph triples to rdflib tuples (each distinct term converted once)."""
    cache: dict[ox.NamedNode | ox.BlankNode | ox.Literal, rdflib.term.Node] = {}

    def convert(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> rdflib.term.Node:
        found = cache.get(term)
        if found is None:
            found = cache[term] = to_rdflib(term)
        return found

    return [(convert(t.subject), convert(t.predicate), convert(t.object)) for t in triples]


def oxigraph_triples(triples: Iterable[RdflibTriple]) -> Iterator[ox.Triple]:
    """Convert rdflib tuples to pyoxigraph triples, leaving out generalised RDF (a literal as subject)."""
    cache: dict[rdflib.term.Node, ox.NamedNode | ox.BlankNode | ox.Literal] = {}

    def convert(term: rdflib.term.Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        found = cache.get(term)
        if found is None:
            found = cache[term] = from_rdflib(term)
        return found

    for subject, predicate, obj in triples:
        if isinstance(subject, rdflib.Literal) or not isinstance(predicate, rdflib.URIRef):
            continue
        yield ox.Triple(convert(subject), convert(predicate), convert(obj))


def _parse_term(text: str) -> rdflib.term.Node:
    """Return the rdflib term written in N-Triples syntax (as pyoxigraph writes it), like ``to_rdflib``."""
    if text.startswith("<"):
        return rdflib.URIRef(text[1:-1])
    if text.startswith("_:"):
        return rdflib.BNode(text[2:])
    end = text.rindex('"')
    lexical, suffix = unescape(text[1:end]), text[end + 1 :]
    if suffix.startswith("@"):
        return rdflib.Literal(lexical, lang=suffix[1:])
    if suffix.startswith("^^<"):
        return rdflib.Literal(lexical, datatype=rdflib.URIRef(suffix[3:-1]))
    return rdflib.Literal(lexical, datatype=XSD_STRING)


def rdflib_triples_from_ntriples(data: bytes) -> list[RdflibTriple]:
    """Return the distinct triples of an N-Triples document written by pyoxigraph, as rdflib tuples.

    Much cheaper than going through pyoxigraph term objects at a million triples: lines are split as text and
    each distinct term is built once. Only for pyoxigraph's own output (one triple a line, single spaces).
    """
    cache: dict[str, rdflib.term.Node] = {}

    def convert(text: str) -> rdflib.term.Node:
        found = cache.get(text)
        if found is None:
            found = cache[text] = _parse_term(text)
        return found

    triples = []
    for line in set(data.decode("utf-8").split("\n")):
        if not line:
            continue
        subject, predicate, rest = line.split(" ", 2)
        triples.append((convert(subject), convert(predicate), convert(rest[:-2])))
    return triples
