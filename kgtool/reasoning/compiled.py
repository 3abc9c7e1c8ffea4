"""OWL 2 RL on the store: the schema's instance rules compiled into SPARQL queries over the asserted triples.

For a graph whose schema uses only class and property hierarchies, domains, ranges, equivalent and inverse
properties and symmetry (``SCHEMA_PREDICATES`` and ``SCHEMA_CLASSES``; no restrictions, lists, keys, chains or
owl:sameAs), the OWL 2 RL closure splits in two parts:

- what the schema entails about itself: the schema triples alone (a few hundred) go through ``reasonable``
  completed with the schema rules, exactly as a whole graph would;
- what the instance triples entail given that closed schema: rdf:type through superclasses (cax-sco,
  cax-eqc1/2), domains (prp-dom) and ranges (prp-rng), and property triples through superproperties (prp-spo1),
  equivalent properties (prp-eqp1/2), inverses (prp-inv1/2) and symmetry (prp-symp). None of these rules makes
  a triple that another of them reads in a new way once the hierarchies are closed here, so one pass of the
  queries of ``queries/reasoning/compiled/`` computes them, in the engine, over the asserted graphs.

Functional and inverse-functional properties make owl:sameAs only when a node has two values: the queries look
for that first, and any such graph (or any other construct) goes to ``reasonable`` or ``owlrl`` instead.
owl:disjointWith makes no triple; an individual in two disjoint classes is an inconsistency, which
`kgtool reason` (HermiT) reports. tests/test_reason.py compares this engine with owlrl.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from kgtool.sparql.files import insert_values, read_query
from kgtool.store import EmbeddedStore

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
RDF_TYPE = RDF + "type"
_BUILT_IN = (RDF, RDFS, OWL)

#: Built-in predicates that no OWL 2 RL rule reads: their triples are instance triples like any other.
ANNOTATIONS = frozenset(
    {
        RDFS + "label",
        RDFS + "comment",
        RDFS + "seeAlso",
        RDFS + "isDefinedBy",
        OWL + "versionInfo",
        OWL + "versionIRI",
        OWL + "priorVersion",
        OWL + "backwardCompatibleWith",
        OWL + "incompatibleWith",
        OWL + "deprecated",
        OWL + "imports",
    }
)
#: The schema predicates of class and property hierarchies, domains and ranges.
HIERARCHY_PREDICATES = frozenset(
    {
        RDFS + "subClassOf",
        RDFS + "subPropertyOf",
        RDFS + "domain",
        RDFS + "range",
        OWL + "equivalentClass",
        OWL + "equivalentProperty",
    }
)
#: The schema predicates this engine applies (owl:disjointWith makes no triple, only inconsistencies).
SCHEMA_PREDICATES = HIERARCHY_PREDICATES | {OWL + "inverseOf", OWL + "disjointWith"}
#: The built-in classes a node may be typed with.
SCHEMA_CLASSES = frozenset(
    {
        OWL + "Class",
        RDFS + "Class",
        RDFS + "Datatype",
        RDFS + "Resource",
        RDF + "Property",
        OWL + "ObjectProperty",
        OWL + "DatatypeProperty",
        OWL + "AnnotationProperty",
        OWL + "SymmetricProperty",
        OWL + "FunctionalProperty",
        OWL + "InverseFunctionalProperty",
        OWL + "Ontology",
        OWL + "Thing",
        OWL + "NamedIndividual",
    }
)

Step = tuple[str, bool]  # a property and whether a triple goes the same way (True) or is reversed (False)


def _short(iri: str) -> str:
    for prefix, name in ((RDF, "rdf:"), (RDFS, "rdfs:"), (OWL, "owl:")):
        if iri.startswith(prefix):
            return name + iri.removeprefix(prefix)
    return f"<{iri}>"


@dataclass(frozen=True)
class Schema:
    """The asserted schema triples of a store and what this engine cannot apply to them (empty when it can)."""

    triples: tuple[ox.Triple, ...]
    unsupported: tuple[str, ...]


def read_schema(store: EmbeddedStore, graphs: Sequence[str]) -> Schema:
    """Return the schema triples of the given graphs: built-in predicates (not annotations), built-in types."""
    predicates = {
        row["predicate"].value for row in store.select(read_query("reasoning/compiled/predicates.rq"), graphs)
    }
    schema_predicates = sorted(p for p in predicates if p.startswith(_BUILT_IN) and p not in ANNOTATIONS | {RDF_TYPE})
    classes = {row["class"].value for row in store.select(read_query("reasoning/compiled/classes.rq"), graphs)}
    schema_classes = sorted(c for c in classes if c.startswith(_BUILT_IN))
    triples: list[ox.Triple] = []
    if schema_predicates:
        query = insert_values(
            read_query("reasoning/compiled/triples.rq"), ["predicate"], [[ox.NamedNode(p)] for p in schema_predicates]
        )
        triples += [ox.Triple(r["subject"], r["predicate"], r["object"]) for r in store.select(query, graphs)]
    if schema_classes:
        query = insert_values(
            read_query("reasoning/compiled/typed-with.rq"), ["class"], [[ox.NamedNode(c)] for c in schema_classes]
        )
        triples += [ox.Triple(r["node"], ox.NamedNode(RDF_TYPE), r["class"]) for r in store.select(query, graphs)]
    unsupported = [p for p in schema_predicates if p not in SCHEMA_PREDICATES]
    unsupported += [c for c in schema_classes if c not in SCHEMA_CLASSES]
    return Schema(tuple(triples), tuple(_short(iri) for iri in sorted(unsupported)))


def _closure(edges: dict[str, set[str]], start: str) -> set[str]:
    """Return every node reachable from ``start`` (``start`` included)."""
    seen, todo = {start}, [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


class CompiledRules:
    """The instance rules of one closed schema: which types and triples each property and class entails."""

    def __init__(self, schema: Iterable[ox.Triple]) -> None:
        superclasses: dict[str, set[str]] = defaultdict(set)
        steps: dict[Step, set[Step]] = defaultdict(set)
        self.domains: dict[str, set[str]] = defaultdict(set)
        self.ranges: dict[str, set[str]] = defaultdict(set)
        self.functional: set[str] = set()
        self.inverse_functional: set[str] = set()
        self.has_blank_node_axiom = False
        for triple in schema:
            predicate = triple.predicate.value
            on_blank_node = isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode)
            if on_blank_node and (predicate == RDF_TYPE or predicate in SCHEMA_PREDICATES):
                self.has_blank_node_axiom = True
                continue
            if not isinstance(triple.object, ox.NamedNode):
                continue
            subject, obj = triple.subject.value, triple.object.value
            if predicate == RDFS + "subClassOf":
                superclasses[subject].add(obj)
            elif predicate == OWL + "equivalentClass":
                superclasses[subject].add(obj)
                superclasses[obj].add(subject)
            elif predicate in (RDFS + "subPropertyOf", OWL + "equivalentProperty"):
                pairs = (
                    [(subject, obj), (obj, subject)] if predicate == OWL + "equivalentProperty" else [(subject, obj)]
                )
                for sub, sup in pairs:
                    steps[(sub, True)].add((sup, True))
                    steps[(sub, False)].add((sup, False))
            elif predicate == OWL + "inverseOf":
                for one, other in ((subject, obj), (obj, subject)):
                    steps[(one, True)].add((other, False))
                    steps[(one, False)].add((other, True))
            elif predicate == RDFS + "domain":
                self.domains[subject].add(obj)
            elif predicate == RDFS + "range":
                self.ranges[subject].add(obj)
            elif predicate == RDF_TYPE and obj == OWL + "SymmetricProperty":
                steps[(subject, True)].add((subject, False))
                steps[(subject, False)].add((subject, True))
            elif predicate == RDF_TYPE and obj == OWL + "FunctionalProperty":
                self.functional.add(subject)
            elif predicate == RDF_TYPE and obj == OWL + "InverseFunctionalProperty":
                self.inverse_functional.add(subject)
        self._superclasses = superclasses
        self._steps = steps
        properties = {p for p, _ in steps} | set(self.domains) | set(self.ranges)
        self.reach = {p: _closure(steps, (p, True)) for p in properties}  # type: ignore[arg-type]

    def classes_of(self, classes: Iterable[str]) -> set[str]:
        """Return the given classes and all their superclasses."""
        found: set[str] = set()
        for cls in classes:
            found |= _closure(self._superclasses, cls)
        return found

    def superclass_pairs(self) -> list[tuple[str, str]]:
        """Return (class, strict superclass) pairs for every class with a superclass."""
        return [(c, s) for c in sorted(self._superclasses) for s in sorted(self.classes_of([c]) - {c})]

    def type_pairs(self, subjects: bool) -> list[tuple[str, str]]:
        """Return (property, class) pairs: the subject (or non-literal object) of its triples is of the class.

        Through the domains and ranges of every property such a triple entails, and their superclasses.
        """
        pairs = []
        for prop, steps in sorted(self.reach.items()):
            direct = [c for q, same in steps for c in (self.domains if same == subjects else self.ranges).get(q, ())]
            pairs += [(prop, c) for c in sorted(self.classes_of(direct))]
        return pairs

    def triple_pairs(self, same: bool) -> list[tuple[str, str]]:
        """Return (property, entailed property) pairs, in the same direction or reversed."""
        return sorted(
            (prop, q)
            for prop, steps in self.reach.items()
            for q, way in steps
            if way == same and (q, way) != (prop, True)
        )

    def unsafe_functional(self) -> list[str]:
        """Return the (inverse-)functional properties that other properties feed: their check needs owlrl."""
        fed = {q for prop, steps in self.reach.items() for q, _ in steps if q != prop}
        return sorted((self.functional | self.inverse_functional) & fed)


def _rows(
    store: EmbeddedStore, relative: str, variables: list[str], pairs: list[tuple[str, str]], graphs: Sequence[str]
) -> list[dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]]:
    if not pairs:
        return []
    query = insert_values(read_query(relative), variables, [[ox.NamedNode(a), ox.NamedNode(b)] for a, b in pairs])
    return store.select(query, graphs)


def cannot_apply(store: EmbeddedStore, graphs: Sequence[str], schema: Schema, rules: CompiledRules) -> str | None:
    """Return why this engine cannot give the OWL 2 RL closure of the graphs, or None when it can."""
    if schema.unsupported:
        return f"the graph uses {', '.join(schema.unsupported)}"
    if rules.has_blank_node_axiom:
        return "the schema has axioms on blank nodes"
    unsafe = rules.unsafe_functional()
    if unsafe:
        return f"functional property {_short(unsafe[0])} has sub- or inverse properties"
    for relative, properties in (
        ("reasoning/compiled/functional-conflicts.rq", rules.functional),
        ("reasoning/compiled/inverse-functional-conflicts.rq", rules.inverse_functional),
    ):
        if properties:
            query = insert_values(read_query(relative), ["property"], [[ox.NamedNode(p)] for p in sorted(properties)])
            found = store.select(query, graphs)
            if found:
                return f"{_short(found[0]['property'].value)} has two values for one node (owl:sameAs follows)"
    return None


def instance_inferences(store: EmbeddedStore, graphs: Sequence[str], rules: CompiledRules) -> set[ox.Triple]:
    """Return what the instance triples of the graphs entail through the compiled rules, minus what is asserted."""
    rdf_type = ox.NamedNode(RDF_TYPE)
    found: set[ox.Triple] = set()
    for relative, pairs in (
        ("reasoning/compiled/types-from-types.rq", rules.superclass_pairs()),
        ("reasoning/compiled/types-of-subjects.rq", rules.type_pairs(subjects=True)),
        ("reasoning/compiled/types-of-objects.rq", rules.type_pairs(subjects=False)),
    ):
        variables = ["asserted", "class"] if relative.endswith("types-from-types.rq") else ["property", "class"]
        found.update(
            ox.Triple(r["node"], rdf_type, r["class"]) for r in _rows(store, relative, variables, pairs, graphs)
        )
    for relative, same in (
        ("reasoning/compiled/same-direction.rq", True),
        ("reasoning/compiled/reverse-direction.rq", False),
    ):
        rows = _rows(store, relative, ["property", "entailed"], rules.triple_pairs(same), graphs)
        found.update(ox.Triple(r["subject"], r["entailed"], r["object"]) for r in rows)
    return found


def asserted_among(store: EmbeddedStore, graphs: Sequence[str], triples: Iterable[ox.Triple]) -> set[ox.Triple]:
    """Return those of the given triples (blank nodes left out: VALUES cannot hold them) that are asserted."""
    candidates = [
        t for t in triples if not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode)
    ]
    if not candidates:
        return set()
    query = insert_values(
        read_query("reasoning/compiled/triples.rq"),
        ["subject", "predicate", "object"],
        [[t.subject, t.predicate, t.object] for t in candidates],
    )
    return {ox.Triple(r["subject"], r["predicate"], r["object"]) for r in store.select(query, graphs)}


def count_distinct(store: EmbeddedStore, graphs: Sequence[str]) -> int:
    """Return the number of distinct triples in the union of the graphs."""
    rows = store.select(read_query("reasoning/compiled/count.rq"), graphs)
    return int(rows[0]["triples"].value) if rows else 0
