"""`kgtool export`: deterministic serialisations, so that the same graph always gives the same bytes.

Determinism: blank nodes get canonical labels (RDFC-1.0), quads are sorted (graph, subject, predicate with
rdf:type first, object), and prefixes come from the JSON-LD context shipped with the ontology
(``ontology/context.jsonld``), in its order. JSON-LD is written compacted against that same context, inline.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pyoxigraph as ox

from kgtool.errors import InputError
from kgtool.resources import resource_dir
from kgtool.store import DERIVED_GRAPH, INFERRED_GRAPH, EmbeddedStore

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
EXPORT_FORMATS = ("turtle", "nt", "nq", "trig", "jsonld")
QUAD_FORMATS = ("nq", "trig")
#: Graphs left out of a whole-store export: they are recomputed from the others.
RECOMPUTED_GRAPHS = (DERIVED_GRAPH, INFERRED_GRAPH)


@cache
def context() -> dict[str, str]:
    """Return the prefixes of the JSON-LD context shipped with the ontology, in file order."""
    path = resource_dir("ontology") / "context.jsonld"
    return json.loads(path.read_text(encoding="utf-8"))["@context"]


def _term_key(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.DefaultGraph) -> str:
    # Kind first (default graph, IRI, blank node, literal), then the value; a literal's datatype and language
    # follow its value. One flat string per quad sorts several times faster than nested tuples (1M quads).
    if isinstance(term, ox.NamedNode):
        return "1" + term.value
    if isinstance(term, ox.Literal):
        return f"3{term.value}\x01{term.datatype.value if term.datatype else ''}\x01{term.language or ''}"
    if isinstance(term, ox.BlankNode):
        return "2" + term.value
    return "0"


def _quad_key(quad: ox.Quad) -> str:
    predicate = quad.predicate.value
    return "\x00".join(
        (
            _term_key(quad.graph_name),
            _term_key(quad.subject),
            "0" if predicate == RDF_TYPE else "1" + predicate,
            _term_key(quad.object),
        )
    )


def canonical_quads(quads: list[ox.Quad]) -> list[ox.Quad]:
    """Return the quads with canonical blank node labels (RDFC-1.0), sorted."""
    if any(isinstance(t, ox.BlankNode) for q in quads for t in (q.subject, q.object, q.graph_name)):
        dataset = ox.Dataset(quads)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
        quads = list(dataset)
    return sorted(set(quads), key=_quad_key)


def select_quads(store: EmbeddedStore, graph: str | None, output_format: str) -> list[ox.Quad]:
    """Return the quads to export: one named graph, or every graph but the recomputed ones."""
    if graph is not None:
        if graph not in store.graphs():
            known = ", ".join(store.graphs())
            raise InputError(f"no graph {graph!r} in the store (graphs: {known})")
        quads = store.quads(graph)
    else:
        quads = [q for name in store.graphs() if name not in RECOMPUTED_GRAPHS for q in store.quads(name)]
    if output_format not in QUAD_FORMATS:
        default = ox.DefaultGraph()
        quads = [ox.Quad(q.subject, q.predicate, q.object, default) for q in quads]
    return canonical_quads(quads)


def _compact(iri: str) -> str:
    for prefix, namespace in context().items():
        if iri.startswith(namespace) and len(iri) > len(namespace) and not iri[len(namespace) :].startswith("//"):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def _jsonld_value(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"@id": _compact(term.value)}
    if isinstance(term, ox.BlankNode):
        return {"@id": f"_:{term.value}"}
    if term.language:
        return {"@value": term.value, "@language": term.language}
    if term.datatype is not None and term.datatype.value != XSD_STRING:
        return {"@value": term.value, "@type": _compact(term.datatype.value)}
    return {"@value": term.value}


def jsonld(quads: list[ox.Quad]) -> bytes:
    """Write triples as JSON-LD compacted against the shipped context (inline), one node object per subject."""
    nodes: dict[str, dict[str, Any]] = {}
    for quad in quads:
        subject = _jsonld_value(quad.subject)["@id"]
        node = nodes.setdefault(subject, {"@id": subject})
        if quad.predicate.value == RDF_TYPE and isinstance(quad.object, ox.NamedNode):
            node.setdefault("@type", []).append(_compact(quad.object.value))
        else:
            node.setdefault(_compact(quad.predicate.value), []).append(_jsonld_value(quad.object))
    document = {"@context": context(), "@graph": list(nodes.values())}
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def serialize(quads: list[ox.Quad], output_format: str) -> bytes:
    """Serialise sorted quads in one of the export formats."""
    if output_format == "jsonld":
        return jsonld(quads)
    prefixes = dict(context())
    if output_format == "turtle":
        triples = [q.triple for q in quads]
        return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes) or b""
    if output_format == "trig":
        return ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=prefixes) or b""
    if output_format == "nq":
        return ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
    triples = [q.triple for q in quads]
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


def export(store: EmbeddedStore, output_format: str = "turtle", graph: str | None = None) -> bytes:
    """Export the store (or one named graph) deterministically."""
    if output_format not in EXPORT_FORMATS:
        raise InputError(f"unknown export format {output_format!r} (one of {', '.join(EXPORT_FORMATS)})")
    return serialize(select_quads(store, graph, output_format), output_format)
