"""Ontology quality checks (`kgtool validate --ontology`): SPARQL checks, and what HermiT rejects.

The checks are the files of ``queries/ontology-checks/``, one check each; they run over the store's asserted
graphs (not the derived bindings, not the inferred graph). HermiT runs on the ontology graph without ignoring
unsupported datatypes, so that it names each datatype outside the OWL 2 datatype map (a warning: kgtool's dates
are ``xsd:date``, ``xsd:gYearMonth`` and ``xsd:gYear`` on purpose, and `kgtool reason` ignores their values);
it then names an inconsistent ontology or unsatisfiable classes (violations).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from kgtool.reasoning.graphs import asserted_triples, ontology_triples
from kgtool.reasoning.hermit import UnsupportedDatatypeError, run_hermit
from kgtool.reasoning.java import find_java
from kgtool.resources import resource_dir
from kgtool.store import DATA_GRAPH, EmbeddedStore

SEVERITY_ORDER = {"Violation": 0, "Warning": 1}
OWL_ONTOLOGY = "http://www.w3.org/2002/07/owl#Ontology"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_MAX_HERMIT_RUNS = 12


@dataclass(frozen=True)
class OntologyIssue:
    """One result of an ontology check: which check, how severe, which term, what is wrong."""

    check: str
    severity: str
    term: str
    message: str

    def as_dict(self) -> dict[str, str]:
        """Return the issue with stable keys for JSON output."""
        return {"check": self.check, "severity": self.severity, "term": self.term, "message": self.message}


@dataclass(frozen=True)
class OntologyReport:
    """All issues of one run, sorted by severity, term and check."""

    issues: tuple[OntologyIssue, ...]

    @property
    def violations(self) -> list[OntologyIssue]:
        """Issues of severity Violation (these fail the run)."""
        return [i for i in self.issues if i.severity == "Violation"]

    @property
    def warnings(self) -> list[OntologyIssue]:
        """Issues of severity Warning (reported only)."""
        return [i for i in self.issues if i.severity == "Warning"]

    @property
    def conforms(self) -> bool:
        """True when no issue is a Violation."""
        return not self.violations


def check_files() -> list[Path]:
    """Return the SPARQL checks, one per file of ``queries/ontology-checks/``, sorted by name."""
    return sorted((resource_dir("queries") / "ontology-checks").glob("*.rq"))


def sparql_checks(triples: list[ox.Triple]) -> list[OntologyIssue]:
    """Run every SPARQL check over the given (asserted) triples."""
    store = EmbeddedStore()
    store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(DATA_GRAPH)) for t in triples)
    issues = []
    for path in check_files():
        for row in store.select(path.read_text(encoding="utf-8")):
            term = row["term"]
            issues.append(
                OntologyIssue(
                    check=path.stem,
                    severity="Violation",
                    term=term.value if not isinstance(term, ox.BlankNode) else f"_:{term.value}",
                    message=row["message"].value if "message" in row else path.stem,
                )
            )
    return issues


def _ontology_iri(triples: list[ox.Triple]) -> str:
    for t in triples:
        if t.predicate.value == RDF_TYPE and isinstance(t.object, ox.NamedNode) and t.object.value == OWL_ONTOLOGY:
            return t.subject.value
    return "ontology"


def _mentions(triple: ox.Triple, datatype: str) -> bool:
    obj = triple.object
    if isinstance(obj, ox.NamedNode):
        return obj.value == datatype or triple.subject == ox.NamedNode(datatype)
    return isinstance(obj, ox.Literal) and obj.datatype is not None and obj.datatype.value == datatype


def reasoner_checks(triples: list[ox.Triple], java: str) -> list[OntologyIssue]:
    """Run HermiT on the ontology triples and report what it rejects (see the module docstring)."""
    issues = []
    ontology = _ontology_iri(triples)
    for _ in range(_MAX_HERMIT_RUNS):
        try:
            result = run_hermit(triples, java, ignore_unsupported_datatypes=False)
        except UnsupportedDatatypeError as error:
            issues.append(
                OntologyIssue(
                    "hermit-datatype",
                    "Warning",
                    error.datatype,
                    "datatype outside the OWL 2 datatype map: HermiT cannot reason with its values "
                    "(kgtool reason ignores them)",
                )
            )
            triples = [t for t in triples if not _mentions(t, error.datatype)]
            continue
        if not result.consistent:
            issues.append(
                OntologyIssue("hermit-consistency", "Violation", ontology, "HermiT: the ontology is inconsistent")
            )
        issues += [
            OntologyIssue("hermit-unsatisfiable", "Violation", c, "HermiT: unsatisfiable class (can have no members)")
            for c in result.unsatisfiable
        ]
        return issues
    issues.append(OntologyIssue("hermit-datatype", "Violation", ontology, "HermiT: too many unsupported datatypes"))
    return issues


def check_ontology(store: EmbeddedStore) -> OntologyReport:
    """Run the SPARQL checks over the asserted graphs and HermiT over the ontology graph."""
    java = find_java()
    issues = sparql_checks(asserted_triples(store)) + reasoner_checks(ontology_triples(store), java)
    ordered = sorted(set(issues), key=lambda i: (SEVERITY_ORDER[i.severity], i.term, i.check, i.message))
    return OntologyReport(tuple(ordered))
