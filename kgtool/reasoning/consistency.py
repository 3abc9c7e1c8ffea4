"""`kgtool reason`: HermiT on the ontology alone, then on the ontology with the data; the class hierarchy.

The data is the union of the store's asserted graphs (ontology, data, imports), never the derived bindings or
the OWL 2 RL inferences. When the ontology with the data is inconsistent, ``explain`` names the individuals and
classes involved; the hierarchy then comes from the ontology alone.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from kgtool.reasoning.explain import Culprit, explain_inconsistency
from kgtool.reasoning.graphs import asserted_triples, ontology_triples
from kgtool.reasoning.hermit import HermitResult, hermit_version, run_hermit
from kgtool.reasoning.hierarchy import ClassEntry, class_hierarchy
from kgtool.reasoning.java import find_java
from kgtool.sparql.files import read_query
from kgtool.store import EmbeddedStore

RDFS_SUBCLASS_OF = "http://www.w3.org/2000/01/rdf-schema#subClassOf"


@dataclass(frozen=True)
class ReasonerRun:
    """One HermiT run over a set of triples, and the culprits when it is inconsistent."""

    name: str
    result: HermitResult
    culprits: tuple[Culprit, ...] = ()

    @property
    def ok(self) -> bool:
        """True when consistent and no class is unsatisfiable."""
        return self.result.consistent and not self.result.unsatisfiable

    def as_dict(self) -> dict[str, object]:
        """Return the run with stable keys for JSON output (no timings, so output is reproducible)."""
        return {
            "consistent": self.result.consistent,
            "triples": self.result.triples,
            "unsatisfiable": list(self.result.unsatisfiable),
            "explanation": [c.as_dict() for c in self.culprits],
        }


@dataclass(frozen=True)
class ReasonReport:
    """The verdicts of `kgtool reason` and the inferred class hierarchy."""

    reasoner: str
    ontology: ReasonerRun
    data: ReasonerRun | None
    hierarchy: tuple[ClassEntry, ...]
    hierarchy_of: str

    @property
    def ok(self) -> bool:
        """True when every run is consistent and no class is unsatisfiable (exit 0)."""
        return self.ontology.ok and (self.data is None or self.data.ok)

    def runs(self) -> list[ReasonerRun]:
        """Return the runs in order: ontology, then ontology with data."""
        return [self.ontology] + ([self.data] if self.data is not None else [])


def term_labels(store: EmbeddedStore) -> dict[str, str]:
    """Return one label per IRI (English first), from ``queries/reasoning/labels.rq``."""
    labels: dict[str, str] = {}
    for row in store.select(read_query("reasoning/labels.rq")):
        labels.setdefault(row["term"].value, row["label"].value)
    return labels


def _subclass_pairs(triples: list[ox.Triple]) -> set[tuple[str, str]]:
    return {
        (t.subject.value, t.object.value)
        for t in triples
        if t.predicate.value == RDFS_SUBCLASS_OF
        and isinstance(t.subject, ox.NamedNode)
        and isinstance(t.object, ox.NamedNode)
    }


def reason_store(store: EmbeddedStore, *, ontology_only: bool = False) -> ReasonReport:
    """Run HermiT on the ontology (and, unless ``ontology_only``, on the ontology with the data)."""
    java = find_java()
    ontology = ontology_triples(store)
    result = run_hermit(ontology, java)
    ontology_run = ReasonerRun("ontology", result, () if result.consistent else tuple(explain_inconsistency(ontology)))
    data_run = None
    source = ontology
    if not ontology_only:
        asserted = asserted_triples(store)
        result = run_hermit(asserted, java)
        culprits = () if result.consistent else tuple(explain_inconsistency(asserted))
        data_run = ReasonerRun("ontology + data", result, culprits)
        if result.consistent:
            source = asserted
    best = data_run if data_run is not None and data_run.result.consistent else ontology_run
    hierarchy: tuple[ClassEntry, ...] = ()
    if best.result.consistent:
        hierarchy = tuple(class_hierarchy(best.result, _subclass_pairs(source), term_labels(store)))
    return ReasonReport(f"HermiT {hermit_version()} (owlready2)", ontology_run, data_run, hierarchy, best.name)
