"""OWL 2 RL materialisation: compute what the asserted triples entail and keep it in its own named graph.

Two engines compute the OWL 2 RL closure: ``reasonable`` (Rust, fast) and ``owlrl`` (pure Python, the
reference). ``bench/RESULTS-reasoning.md`` measures both; they give the same inferences on kgtool's graphs
once ``reasonable`` is completed with the schema rules it does not apply (``queries/reasoning/schema-rules.rq``).
``reasonable`` ignores a few constructs altogether (property chains, keys, max cardinalities, enumerations):
when the graph uses one of them, ``auto`` picks ``owlrl``, which is correct but slower.

What is kept: triples entailed and not asserted, minus those true of everything (``x rdf:type owl:Thing``,
``x owl:sameAs x``, ``C rdfs:subClassOf C``, ...) and statements about the RDF, RDFS, OWL and XSD vocabularies
themselves. Inferences about blank nodes are counted but not stored: a blank node written back to the store is
a new node, so the triple would say nothing about the asserted one.
"""

from __future__ import annotations

import dataclasses
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from kgtool.compliance.rules import derive_bindings
from kgtool.errors import InputError
from kgtool.reasoning.compiled import (
    HIERARCHY_PREDICATES,
    CompiledRules,
    asserted_among,
    cannot_apply,
    count_distinct,
    instance_inferences,
    read_schema,
)
from kgtool.reasoning.graphs import RECOMPUTED_GRAPHS, asserted_ntriples
from kgtool.reasoning.terms import RdflibTriple, oxigraph_triples, rdflib_triples, rdflib_triples_from_ntriples
from kgtool.sparql.files import read_query
from kgtool.store import DATA_GRAPH, INFERRED_GRAPH, EmbeddedStore

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = RDF + "type"
ENGINES = ("auto", "compiled", "reasonable", "owlrl")
#: Why ``auto`` picks the compiled rules when they apply.
COMPILED_WHY = (
    "the schema has only hierarchies, domains, ranges, equivalent, inverse and symmetric properties; "
    "fastest measured; gives the same inferences as owlrl"
)

#: OWL 2 RL constructs that reasonable 0.4.4 does not apply (tests/test_reason.py checks each against owlrl).
NOT_APPLIED_BY_REASONABLE = (
    OWL + "propertyChainAxiom",
    OWL + "hasKey",
    OWL + "maxCardinality",
    OWL + "maxQualifiedCardinality",
    OWL + "oneOf",
)
#: The predicates queries/reasoning/schema-rules.rq reads.
SCHEMA_PREDICATES = HIERARCHY_PREDICATES | {OWL + "intersectionOf", OWL + "unionOf", RDF + "first", RDF + "rest"}
_BUILT_IN = (RDF, RDFS, OWL, XSD)
_REFLEXIVE_TAUTOLOGIES = {
    OWL + "sameAs",
    RDFS + "subClassOf",
    OWL + "equivalentClass",
    RDFS + "subPropertyOf",
    OWL + "equivalentProperty",
}
_TOP_TAUTOLOGIES = {RDF_TYPE, RDFS + "subClassOf", RDFS + "domain", RDFS + "range"}


@dataclass(frozen=True)
class Inference:
    """The result of one materialisation: the engine used and why, and the inferred triples."""

    engine: str
    why: str
    asserted: int
    triples: tuple[ox.Triple, ...]
    blank_node_triples: int
    seconds: float

    def by_predicate(self) -> dict[str, int]:
        """Return the number of inferred triples per predicate IRI, most frequent first."""
        counts = Counter(t.predicate.value for t in self.triples)
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))

    def by_class(self) -> dict[str, int]:
        """Return the number of inferred ``rdf:type`` triples per class IRI, most frequent first."""
        counts = Counter(
            t.object.value for t in self.triples if t.predicate.value == RDF_TYPE and isinstance(t.object, ox.NamedNode)
        )
        return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def informative(triple: ox.Triple) -> bool:
    """Return False for an entailment that holds of everything or is about the built-in vocabularies."""
    subject, predicate, obj = triple.subject, triple.predicate.value, triple.object
    if isinstance(subject, ox.NamedNode) and subject.value.startswith(_BUILT_IN):
        return False
    if predicate in _REFLEXIVE_TAUTOLOGIES and subject == obj:
        return False
    return not (predicate in _TOP_TAUTOLOGIES and isinstance(obj, ox.NamedNode) and obj.value == OWL + "Thing")


def choose_engine(triples: Iterable[ox.Triple], requested: str = "auto") -> tuple[str, str]:
    """Return the engine to use and why: ``reasonable`` unless the graph uses a construct it does not apply."""
    return _choose_engine({t.predicate.value for t in triples}, requested)


def _choose_engine(predicates: set[str], requested: str) -> tuple[str, str]:
    if requested not in ENGINES:
        raise InputError(f"unknown OWL 2 RL engine {requested!r} (one of {', '.join(ENGINES)})")
    if requested != "auto":
        return requested, "chosen with --engine"
    used = sorted(predicates & set(NOT_APPLIED_BY_REASONABLE))
    if used:
        names = ", ".join("owl:" + iri.removeprefix(OWL) for iri in used)
        return "owlrl", f"the graph uses {names}, which reasonable does not apply"
    return "reasonable", "fastest measured; gives the same inferences as owlrl (bench/RESULTS-reasoning.md)"


def complete_schema(triples: Sequence[ox.Triple]) -> set[ox.Triple]:
    """Return what the schema rules reasonable leaves out entail, run to a fixpoint (queries/reasoning/).

    The rules read only schema triples (the predicates of ``SCHEMA_PREDICATES``), so only those are loaded.
    """
    schema = [t for t in triples if t.predicate.value in SCHEMA_PREDICATES]
    store = EmbeddedStore()
    store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(DATA_GRAPH)) for t in schema)
    known = set(schema)
    found: set[ox.Triple] = set()
    query = read_query("reasoning/schema-rules.rq")
    while True:
        new = {t for t in store.construct(query) if t not in known}
        if not new:
            return found
        found |= new
        known |= new
        store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(INFERRED_GRAPH)) for t in new)


def _new_by_reasonable(asserted: list[RdflibTriple]) -> set[ox.Triple]:
    """Return what reasonable (completed with the schema rules) entails beyond the asserted triples.

    The reasoner returns its whole closure as rdflib terms; the asserted triples are taken out before the
    rest is converted back (at 1M triples that converts 0.2M triples instead of 1.2M).
    """
    import reasonable

    known = set(asserted)
    schema_triples = [t for t in asserted if str(t[1]) in SCHEMA_PREDICATES]
    schema = list(complete_schema(list(oxigraph_triples(schema_triples))))
    schema_rdflib = rdflib_triples(schema)
    reasoner = reasonable.PyReasoner()
    reasoner.from_graph([*asserted, *schema_rdflib])
    new = set(oxigraph_triples(t for t in reasoner.reason() if t not in known))
    return new | {t for t, converted in zip(schema, schema_rdflib, strict=True) if converted not in known}


def _new_by_owlrl(asserted: list[RdflibTriple]) -> set[ox.Triple]:
    """Return what owlrl entails beyond the asserted triples."""
    import owlrl
    import rdflib

    # rdflib logs a traceback for each ill-typed literal; the data-quality shapes report those values.
    logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)
    graph = rdflib.Graph()
    for triple in asserted:
        graph.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(graph)
    known = set(asserted)
    return set(oxigraph_triples(t for t in graph if t not in known))


def infer(triples: Sequence[ox.Triple], engine: str = "auto") -> Inference:
    """Compute the OWL 2 RL inferences of the triples that are not asserted (and not trivial)."""
    distinct = list(dict.fromkeys(triples))
    if engine not in ("auto", "compiled"):
        return _infer(rdflib_triples(distinct), engine)
    store = EmbeddedStore()
    store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(DATA_GRAPH)) for t in distinct)
    return _infer_on_store(store, [DATA_GRAPH], engine, lambda: rdflib_triples(distinct))


def infer_from_store(store: EmbeddedStore, engine: str = "auto") -> Inference:
    """Compute the OWL 2 RL inferences of the store's asserted graphs, as ``infer`` does.

    The compiled rules run in the store; the other engines read the asserted graphs from the engine's dump.
    """
    graphs = [graph for graph in store.graphs() if graph not in RECOMPUTED_GRAPHS]
    return _infer_on_store(store, graphs, engine, lambda: rdflib_triples_from_ntriples(asserted_ntriples(store)))


def _infer_on_store(
    store: EmbeddedStore, graphs: list[str], engine: str, asserted: Callable[[], list[RdflibTriple]]
) -> Inference:
    """Use the compiled rules when asked to (``compiled``) or when they apply (``auto``), else ``_infer``."""
    if engine not in ("auto", "compiled"):
        return _infer(asserted(), engine)
    start = time.perf_counter()
    schema = read_schema(store, graphs)
    why_not = cannot_apply(store, graphs, schema, CompiledRules(schema.triples))
    if why_not is None:
        why = "chosen with --engine" if engine == "compiled" else COMPILED_WHY
        schema_new = _new_by_reasonable(rdflib_triples(schema.triples)) if schema.triples else set()
        new = instance_inferences(store, graphs, CompiledRules([*schema.triples, *schema_new]))
        new |= schema_new - asserted_among(store, graphs, schema_new)
        return _inference("compiled", why, count_distinct(store, graphs), new, start)
    if engine == "compiled":
        raise InputError(f"--engine compiled cannot reason over this graph: {why_not}; use --engine auto")
    inference = _infer(asserted(), "auto")
    return dataclasses.replace(inference, why=f"{why_not}, beyond the compiled rules; {inference.why}")


def _infer(asserted: list[RdflibTriple], engine: str) -> Inference:
    chosen, why = _choose_engine({str(t[1]) for t in asserted}, engine)
    start = time.perf_counter()
    new = _new_by_reasonable(asserted) if chosen == "reasonable" else _new_by_owlrl(asserted)
    return _inference(chosen, why, len(asserted), new, start)


def _inference(engine: str, why: str, asserted: int, new: set[ox.Triple], start: float) -> Inference:
    """Keep the informative inferences; those about blank nodes are counted, not kept."""
    inferred = [t for t in new if informative(t)]
    kept = sorted(
        (t for t in inferred if not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode)),
        key=str,
    )
    return Inference(
        engine=engine,
        why=why,
        asserted=asserted,
        triples=tuple(kept),
        blank_node_triples=len(inferred) - len(kept),
        seconds=time.perf_counter() - start,
    )


def materialise(store: EmbeddedStore, engine: str = "auto") -> Inference:
    """Infer from the store's asserted graphs and replace its inferred graph with the result (one transaction).

    The store's derived bindings are recomputed afterwards, since the rules now see the inferred triples too.
    """
    inference = infer_from_store(store, engine)
    store.replace_graph(INFERRED_GRAPH, inference.triples)
    derive_bindings(store)
    store.flush()
    return inference
