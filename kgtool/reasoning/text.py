"""Output of `kgtool reason`: verdicts and class hierarchy (text, JSON, Turtle) and materialisation summaries."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pyoxigraph as ox

from kgtool.output.export import canonical_quads, serialize
from kgtool.output.names import compact
from kgtool.reasoning.consistency import ReasonerRun, ReasonReport
from kgtool.reasoning.explain import Culprit
from kgtool.reasoning.hierarchy import ClassEntry
from kgtool.reasoning.materialise import Inference
from kgtool.reasoning.ontology_checks import OntologyReport

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_SUBCLASS_OF = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
OWL = "http://www.w3.org/2002/07/owl#"
_SHORT = {
    OWL: "owl:",
    "http://www.w3.org/2000/01/rdf-schema#": "rdfs:",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf:",
    "http://www.w3.org/2001/XMLSchema#": "xsd:",
}


def name(iri: str | None) -> str:
    """Return a short name for an IRI: kgtool's prefixes, plus rdf:, rdfs:, owl: and xsd:."""
    if iri is None:
        return ""
    for namespace, prefix in _SHORT.items():
        if iri.startswith(namespace):
            return prefix + iri[len(namespace) :]
    return compact(iri)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "es" if word.endswith("s") else "s")


def culprit_line(culprit: Culprit) -> str:
    """Return one culprit as text: who, and what is wrong with the classes, property or value involved."""
    return f"{name(culprit.individual)}: {culprit.message(name)}"


def _run_lines(run: ReasonerRun) -> list[str]:
    result = run.result
    timing = f"({result.triples} triples, {result.seconds:.1f} s)"
    if not result.consistent:
        lines = [f"{run.name}: INCONSISTENT {timing}"]
        lines += [f"  {culprit_line(c)}" for c in run.culprits]
        if not run.culprits:
            lines.append("  (no individual found by the explanation queries of queries/reasoning/explain/)")
        return lines
    count = len(result.unsatisfiable)
    lines = [f"{run.name}: consistent, {_plural(count, 'unsatisfiable class')} {timing}"]
    lines += [f"  unsatisfiable: {name(c)}" for c in result.unsatisfiable]
    return lines


def _tree(entries: tuple[ClassEntry, ...]) -> list[str]:
    by_iri = {e.iri: e for e in entries}
    children: dict[str | None, list[tuple[str, bool]]] = defaultdict(list)
    for entry in entries:
        if entry.unsatisfiable:
            continue
        parents = [(p, inferred) for p, inferred in entry.superclasses if p in by_iri]
        if not parents:
            children[None].append((entry.iri, False))
        for parent, inferred in parents:
            children[parent].append((entry.iri, inferred))
    lines = ["owl:Thing"]

    def walk(parent: str | None, depth: int) -> None:
        for iri, inferred in sorted(children[parent], key=lambda c: name(c[0])):
            entry = by_iri[iri]
            text = "  " * depth + name(iri)
            text += "".join(f" = {name(e)}" for e in entry.equivalent)
            if entry.label:
                text += f"  ({entry.label})"
            if inferred:
                text += "  [inferred]"
            lines.append(text)
            walk(iri, depth + 1)

    walk(None, 1)
    unsatisfiable = [e for e in entries if e.unsatisfiable]
    if unsatisfiable:
        lines.append("owl:Nothing")
        lines += [f"  {name(e.iri)}" for e in unsatisfiable]
    return lines


def report_text(report: ReasonReport) -> str:
    """Return the verdicts, the culprits and the class hierarchy as text."""
    lines = [f"Reasoner: {report.reasoner}"]
    for run in report.runs():
        lines += _run_lines(run)
    if report.hierarchy:
        lines += [
            "",
            f"Class hierarchy of the {report.hierarchy_of} ([inferred]: not asserted):",
            *_tree(report.hierarchy),
        ]
    return "\n".join(lines) + "\n"


def report_json(report: ReasonReport) -> dict[str, Any]:
    """Return the report with stable keys: consistent, reasoner, ontology, data, hierarchy."""
    return {
        "consistent": all(run.result.consistent for run in report.runs()),
        "ok": report.ok,
        "reasoner": report.reasoner,
        "ontology": report.ontology.as_dict(),
        "data": report.data.as_dict() if report.data is not None else None,
        "hierarchy_of": report.hierarchy_of,
        "hierarchy": [e.as_dict() for e in report.hierarchy],
    }


def _quad(s: str, p: str, o: str) -> ox.Quad:
    return ox.Quad(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o), ox.DefaultGraph())


def hierarchy_turtle(report: ReasonReport) -> bytes:
    """Return the classified hierarchy as Turtle: each class, its direct superclasses and equivalents."""
    quads = []
    for entry in report.hierarchy:
        quads.append(_quad(entry.iri, RDF_TYPE, OWL + "Class"))
        quads += [_quad(entry.iri, RDFS_SUBCLASS_OF, parent) for parent, _ in entry.superclasses]
        quads += [_quad(entry.iri, OWL + "equivalentClass", e) for e in entry.equivalent]
        if entry.unsatisfiable:
            quads.append(_quad(entry.iri, OWL + "equivalentClass", OWL + "Nothing"))
    return serialize(canonical_quads(quads), "turtle")


#: How the summary names an engine.
ENGINE_NAMES = {"compiled": "the compiled rules"}


def inference_text(inference: Inference, graph: str, stored: bool) -> str:
    """Return what a materialisation inferred: counts per predicate, and per class for rdf:type."""
    where = f"written to graph <{graph}>" if stored else "not stored (in-memory graph; give --store DIR to keep)"
    lines = [
        f"OWL 2 RL materialisation with {ENGINE_NAMES.get(inference.engine, inference.engine)} ({inference.why}): "
        f"{len(inference.triples)} triple(s) inferred from {inference.asserted} asserted, "
        f"{inference.seconds:.2f} s; {where}.",
    ]
    if inference.blank_node_triples:
        lines.append(f"{inference.blank_node_triples} inferred triple(s) about blank nodes were left out.")
    by_class = inference.by_class()
    for predicate, count in inference.by_predicate().items():
        lines.append(f"  {count:6d}  {name(predicate)}")
        if predicate == RDF_TYPE:
            lines += [f"  {n:6d}      {name(c)}" for c, n in by_class.items()]
    return "\n".join(lines) + "\n"


def inference_json(inference: Inference, graph: str, stored: bool) -> dict[str, Any]:
    """Return a materialisation summary with stable keys (no timings, so output is reproducible)."""
    return {
        "engine": inference.engine,
        "why": inference.why,
        "graph": graph,
        "stored": stored,
        "asserted": inference.asserted,
        "inferred": len(inference.triples),
        "blank_node_triples_left_out": inference.blank_node_triples,
        "by_predicate": inference.by_predicate(),
        "by_class": inference.by_class(),
    }


def inference_turtle(inference: Inference) -> bytes:
    """Return the inferred triples as deterministic Turtle."""
    quads = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in inference.triples]
    return serialize(canonical_quads(quads), "turtle")


def ontology_report_text(report: OntologyReport) -> str:
    """Return the ontology checks as text: a summary line, then one line per issue."""
    status = "hold" if report.conforms else "fail"
    lines = [f"Ontology checks {status}: {len(report.violations)} violation(s), {len(report.warnings)} warning(s)."]
    lines += [f"[{i.severity}] {name(i.term)}: {i.message} ({i.check})" for i in report.issues]
    return "\n".join(lines) + "\n"


def ontology_report_json(report: OntologyReport) -> dict[str, Any]:
    """Return the ontology checks with stable keys: conforms, violations, warnings, results."""
    return {
        "conforms": report.conforms,
        "violations": len(report.violations),
        "warnings": len(report.warnings),
        "results": [i.as_dict() for i in report.issues],
    }
