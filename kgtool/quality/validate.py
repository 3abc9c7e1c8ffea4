"""Data-quality validation: the shapes of ``shapes/quality.ttl``, compiled to SPARQL and run on the store.

``engine="pyshacl"`` runs the same shapes with pyshacl, the reference implementation, on an rdflib copy of
the store's triples; the test suite asserts both engines report the same results.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kgtool.resources import shape_file
from kgtool.store import EmbeddedStore

if TYPE_CHECKING:
    from kgtool.quality.shacl_sparql import CompiledConstraint

SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


@dataclass(frozen=True)
class QualityResult:
    """One data-quality result: which node, which property, what is wrong, how severe."""

    severity: str
    focus: str
    path: str | None
    message: str
    value: str | None

    def as_dict(self) -> dict[str, str | None]:
        """Return the result with stable keys for JSON output."""
        return {
            "severity": self.severity,
            "focus": self.focus,
            "path": self.path,
            "message": self.message,
            "value": self.value,
        }


@dataclass(frozen=True)
class QualityReport:
    """All results of one validation run, sorted by severity, focus node and message."""

    results: tuple[QualityResult, ...]

    @property
    def violations(self) -> list[QualityResult]:
        """Results of severity Violation (these fail the run)."""
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[QualityResult]:
        """Results of severity Warning (reported only)."""
        return [r for r in self.results if r.severity == "Warning"]

    @property
    def holds(self) -> bool:
        """True when no result is a Violation: what kgtool requires of data (warnings are reported only)."""
        return not self.violations

    @property
    def conforms(self) -> bool:
        """SHACL's conformance (SHACL 1.0, 3.6.2): true only when there is no result at all, of any severity."""
        return not self.results

    def counts(self) -> dict[str, int]:
        """Return the number of results of each severity (Violation, Warning, Info), zeros included."""
        counts = dict.fromkeys(SEVERITY_ORDER, 0)
        for result in self.results:
            counts[result.severity] = counts.get(result.severity, 0) + 1
        return counts

    def as_dict(self) -> dict[str, object]:
        """Return the report with stable keys for JSON output (``conforms`` as SHACL defines it)."""
        return {
            "conforms": self.conforms,
            "holds": self.holds,
            "counts": self.counts(),
            "violations": len(self.violations),
            "warnings": len(self.warnings),
            "results": [r.as_dict() for r in self.results],
        }


_RESULTS_QUERY = """
PREFIX sh: <http://www.w3.org/ns/shacl#>
SELECT ?severity ?focus ?path ?message ?value WHERE {
    ?result a sh:ValidationResult ;
        sh:resultSeverity ?severity ;
        sh:focusNode ?focus .
    OPTIONAL { ?result sh:resultPath ?path }
    OPTIONAL { ?result sh:resultMessage ?message }
    OPTIONAL { ?result sh:value ?value }
}
"""


def validate_store(store: EmbeddedStore, engine: str = "sparql") -> QualityReport:
    """Validate every triple of the store against the data-quality shapes and return the report."""
    if engine == "sparql":
        return _validate_with_sparql(store)
    if engine == "pyshacl":
        return _validate_with_pyshacl(store)
    raise ValueError(f"unknown validation engine {engine!r}")


def _report(results: set[QualityResult]) -> QualityReport:
    ordered = sorted(results, key=lambda r: (SEVERITY_ORDER.get(r.severity, 9), r.focus, r.message, r.value or ""))
    return QualityReport(tuple(ordered))


def _validate_with_sparql(store: EmbeddedStore) -> QualityReport:
    from kgtool.quality.shacl_sparql import quality_constraints

    return quality_report([constraint_results(store, c) for c in quality_constraints(store)])


def constraint_results(store: EmbeddedStore, constraint: CompiledConstraint) -> set[QualityResult]:
    """Run one compiled quality constraint on the store and return its results."""
    from kgtool.quality.shacl_sparql import fill_message

    results = set()
    for row in store.select(constraint.query):
        focus = row["this"]
        value = row.get("value")
        if value is None and constraint.value_is_focus:
            value = focus
        results.add(
            QualityResult(
                severity=constraint.severity,
                focus=focus.value,
                path=constraint.path,
                message=fill_message(constraint.message, row) or "does not conform",
                value=value.value if value is not None else None,
            )
        )
    return results


def quality_report(results: Iterable[set[QualityResult]]) -> QualityReport:
    """Return the report of the results of every constraint, sorted."""
    return _report(set().union(*results))


def _validate_with_pyshacl(store: EmbeddedStore) -> QualityReport:
    import pyshacl
    import rdflib

    # rdflib logs a traceback for each ill-typed literal it parses; the shapes report those values instead.
    logging.getLogger("rdflib.term").setLevel(logging.CRITICAL)
    data = rdflib.Graph()
    data.parse(data=store.union_ntriples(), format="nt")
    shapes = rdflib.Graph()
    shapes.parse(shape_file("quality.ttl"), format="turtle")
    _conforms, report_graph, _text = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", abort_on_first=False, allow_warnings=True
    )
    results = set()
    for row in report_graph.query(_RESULTS_QUERY):
        severity = str(row.severity).rsplit("#", 1)[-1]
        path = str(row.path) if isinstance(row.path, rdflib.URIRef) else None
        results.add(
            QualityResult(
                severity=severity,
                focus=str(row.focus),
                path=path,
                message=str(row.message) if row.message is not None else "does not conform",
                value=str(row.value) if row.value is not None else None,
            )
        )
    return _report(results)
