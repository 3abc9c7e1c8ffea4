"""`kgtool check`: validate data quality, derive bindings, run the compliance rules, describe each finding.

A finding is one (State, obligation) that a rule contradicts: the obligation, the instrument and provision
that impose it, since when it binds the State and through what, the first contradicting event, the evidence
(each with its sources; incidents with every source's count) and the State's positions that contest it.
"""

from __future__ import annotations

from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from kgtool.rules import RuleHit, evaluate_rules
from kgtool.sparql import read_query, with_values
from kgtool.store import EmbeddedStore
from kgtool.validate import QualityReport, validate_store

_EVIDENCE_KINDS = {
    "ForcedReturn": "forced-return",
    "TreatmentOfReturnees": "treatment-of-returnees",
    "Detention": "detention",
    "Finding": "finding",
    "Recommendation": "recommendation",
    "Resolution": "resolution",
}
_ROLE_ORDER = {"breach": 0, "risk": 1}


@dataclass
class CheckResult:
    """The data-quality report and, when quality holds, the findings."""

    quality: QualityReport
    findings: list[dict[str, Any]] = field(default_factory=list)


def _value(row: dict[str, ox.NamedNode | ox.BlankNode | ox.Literal], name: str) -> str | None:
    term = row.get(name)
    return term.value if term is not None else None


#: Above this many nodes a describing query runs once for all nodes and is filtered here: engines evaluate
#: large VALUES blocks followed by OPTIONALs slowly (measured: 5,000 incidents, 24.7 s with VALUES against
#: 1.2 s for every count claim of a 1M-triple graph).
VALUES_LIMIT = 500


def _select_for(store: EmbeddedStore, query_name: str, variable: str, iris: set[str]) -> list[dict]:
    if not iris:
        return []
    if len(iris) > VALUES_LIMIT:
        return [row for row in store.select(read_query(query_name)) if _value(row, variable) in iris]
    query = with_values(read_query(query_name), [variable], ([iri] for iri in sorted(iris)))
    return store.select(query)


def _sources(store: EmbeddedStore, nodes: set[str]) -> dict[str, list[dict[str, Any]]]:
    links = _select_for(store, "check/sources.rq", "node", nodes)
    details: dict[str, dict[str, Any]] = {}
    for row in _select_for(store, "check/source-details.rq", "source", {_value(r, "source") for r in links}):
        source = details.setdefault(
            _value(row, "source"),
            {
                "iri": _value(row, "source"),
                "key": _value(row, "key"),
                "title": _value(row, "title"),
                "publisher": [],
                "date": _value(row, "date"),
                "url": [],
                "symbol": _value(row, "symbol"),
            },
        )
        for key, name in (("publisher", "publisher"), ("url", "page")):
            value = _value(row, name)
            if value is not None and value not in source[key]:
                source[key].append(value)
    for source in details.values():
        source["publisher"].sort()
        source["url"].sort()
    by_node: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in links:
        source = details.get(_value(row, "source"))
        if source is not None:
            by_node[_value(row, "node")].append(source)
    return {node: sorted(found, key=lambda s: (s["key"] or "", s["iri"])) for node, found in by_node.items()}


class _Sources:
    """Collects the nodes whose sources a finding prints, then fetches them all with one query."""

    def __init__(self) -> None:
        self._wanted: dict[str, list[dict[str, Any]]] = {}

    def want(self, node: str) -> list[dict[str, Any]]:
        """Return the (for now empty) list that ``fill`` will give the node's sources."""
        return self._wanted.setdefault(node, [])

    def fill(self, store: EmbeddedStore) -> None:
        """Fetch the sources of every wanted node and fill their lists in place."""
        for node, sources in _sources(store, set(self._wanted)).items():
            self._wanted[node].extend(sources)


def _describe_evidence(store: EmbeddedStore, items: set[str]) -> dict[str, dict[str, Any]]:
    described: dict[str, dict[str, Any]] = {}
    for row in _select_for(store, "check/evidence.rq", "item", items):
        iri = _value(row, "item")
        kind = _EVIDENCE_KINDS[_value(row, "class").rsplit("#", 1)[-1]]
        entry = described.get(iri)
        # A resolution is also a recommendation: keep the most specific kind.
        if entry is not None and not (entry["kind"] == "recommendation" and kind == "resolution"):
            continue
        described[iri] = {
            "iri": iri,
            "kind": kind,
            "label": _value(row, "label"),
            "date": _value(row, "start"),
            "end_date": _value(row, "end"),
            "place": _value(row, "place"),
            "symbol": _value(row, "symbol"),
            "paragraph": _value(row, "paragraph"),
            "issued_by": _value(row, "issuerLabel"),
            "summary": _value(row, "summary"),
        }
    return described


def _counts(store: EmbeddedStore, incidents: set[str], sources: _Sources) -> dict[str, list[dict[str, Any]]]:
    rows = _select_for(store, "check/counts.rq", "incident", incidents)
    counts: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        people = _value(row, "people")
        claim = _value(row, "claim")
        counts[_value(row, "incident")].append(
            {
                "iri": claim,
                "people": int(people) if people is not None else None,
                "qualifier": _value(row, "qualifier"),
                "text": _value(row, "text"),
                "sources": sources.want(claim),
            }
        )
    for claims in counts.values():
        claims.sort(key=lambda c: (c["people"] is None, c["people"] or 0, c["iri"]))
    return counts


def _positions(
    store: EmbeddedStore, pairs: set[tuple[str, str]], sources: _Sources
) -> dict[str, dict[str, dict[str, Any]]]:
    if not pairs:
        return {}
    query = with_values(read_query("check/contested-by.rq"), ["state", "item"], sorted(pairs))
    rows = store.select(query)
    by_state_item: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for row in rows:
        position = _value(row, "position")
        entry = by_state_item[_value(row, "state")].setdefault(
            position,
            {
                "iri": position,
                "label": _value(row, "label"),
                "date": _value(row, "date"),
                "spokesperson": _value(row, "spokesperson"),
                "summary": _value(row, "summary"),
                "contests": [],
                "sources": sources.want(position),
            },
        )
        entry["contests"].append(_value(row, "item"))
    for positions in by_state_item.values():
        for entry in positions.values():
            entry["contests"].sort()
    return by_state_item


def _describe_bindings(store: EmbeddedStore, bindings: set[str], sources: _Sources) -> dict[str, dict[str, Any]]:
    rows = _select_for(store, "check/bindings.rq", "binding", bindings)
    bases = {_value(row, "basis") for row in rows}
    disputes: dict[str, list[dict[str, Any]]] = defaultdict(list)
    claim_rows = _select_for(store, "check/basis-claims.rq", "basis", bases)
    for row in claim_rows:
        claim = _value(row, "claim")
        disputes[_value(row, "basis")].append(
            {
                "iri": claim,
                "property": _value(row, "property"),
                "value": _value(row, "value"),
                "disagreement": _value(row, "disagreementLabel"),
                "sources": sources.want(claim),
            }
        )
    described = {}
    for row in rows:
        basis = _value(row, "basis")
        described[_value(row, "binding")] = {
            "state_iri": _value(row, "state"),
            "state": _value(row, "stateCode"),
            "state_label": _value(row, "stateLabel"),
            "obligation": {
                "iri": _value(row, "obligation"),
                "label": _value(row, "obligationLabel"),
                "type": _value(row, "obligationType"),
            },
            "instrument": {"iri": _value(row, "instrument"), "label": _value(row, "instrumentLabel")},
            "provision": {
                "iri": _value(row, "provision"),
                "label": _value(row, "provisionLabel"),
                "number": _value(row, "provisionNumber"),
            },
            "bound_since": _value(row, "since"),
            "basis": {
                "iri": basis,
                "means": _value(row, "means"),
                "date": _value(row, "actionDate"),
                "sources": sources.want(basis),
                "disputed": sorted(disputes.get(basis, []), key=lambda d: d["iri"]),
            },
        }
    return described


def _date_key(date: str | None) -> tuple[bool, str]:
    return (date is None, date or "")


def describe_findings(store: EmbeddedStore, hits: list[RuleHit], state: str | None = None) -> list[dict[str, Any]]:
    """Group rule hits by binding and describe each as a finding (stable order, stable keys)."""
    by_binding: dict[str, list[RuleHit]] = defaultdict(list)
    for hit in hits:
        by_binding[hit.binding].append(hit)
    sources = _Sources()
    bindings = _describe_bindings(store, set(by_binding), sources)
    if state is not None:
        by_binding = {b: h for b, h in by_binding.items() if bindings[b]["state"] == state}
    items = {hit.value for hits_ in by_binding.values() for hit in hits_}
    evidence = _describe_evidence(store, items)
    counts = _counts(store, {i for i, e in evidence.items() if e["kind"] != "finding"}, sources)
    pairs = {(bindings[b]["state_iri"], hit.value) for b, hs in by_binding.items() for hit in hs}
    positions = _positions(store, pairs, sources)
    findings = []
    for binding, binding_hits in by_binding.items():
        described = bindings[binding]
        roles: dict[str, str] = {}
        rules: set[str] = set()
        for hit in binding_hits:
            rules.add(hit.rule.id)
            # An item that is both a breach and risk evidence is listed once, as a breach.
            if hit.value not in roles or _ROLE_ORDER[hit.role] < _ROLE_ORDER[roles[hit.value]]:
                roles[hit.value] = hit.role
        items_ = []
        for iri, role in roles.items():
            item = dict(evidence[iri])
            item["role"] = role
            if item["kind"] != "finding":
                item["counts"] = counts.get(iri, [])
            item["sources"] = sources.want(iri)
            items_.append(item)
        items_.sort(key=lambda e: (_ROLE_ORDER[e["role"]], _date_key(e["date"]), e["iri"]))
        breaches = [e for e in items_ if e["role"] == "breach" and e["date"] is not None]
        first = min(breaches, key=lambda e: (e["date"], e["iri"])) if breaches else None
        state_positions = positions.get(described["state_iri"], {})
        contested = sorted(
            (p for p in state_positions.values() if set(p["contests"]) & set(roles)),
            key=lambda p: (_date_key(p["date"]), p["iri"]),
        )
        findings.append(
            {
                "state": described["state"],
                "state_label": described["state_label"],
                "obligation": described["obligation"],
                "instrument": described["instrument"],
                "provision": described["provision"],
                "bound_since": described["bound_since"],
                "basis": described["basis"],
                "rules": sorted(rules),
                "first_breach": (
                    {k: first[k] for k in ("iri", "kind", "label", "date", "end_date")} if first else None
                ),
                "evidence": items_,
                "contested_by": contested,
            }
        )
    sources.fill(store)
    findings.sort(key=lambda f: (f["state"], f["bound_since"], f["obligation"]["iri"]))
    return findings


def run_check(store: EmbeddedStore, state: str | None = None) -> CheckResult:
    """Validate data quality and, if it holds, describe what the compliance rules find.

    Quality validation and rule evaluation run at the same time on two threads (pyoxigraph releases the GIL
    while it evaluates a query); the rules' results are used only when quality holds. The store's bindings
    must be current (``open_store`` derives them; imports keep them current).
    """
    with ThreadPoolExecutor(max_workers=2) as pool:
        quality_run = pool.submit(validate_store, store)
        rules_run = pool.submit(evaluate_rules, store)
        quality = quality_run.result()
        hits = rules_run.result()
    if not quality.conforms:
        return CheckResult(quality=quality)
    return CheckResult(quality=quality, findings=describe_findings(store, hits, state))


def known_states(store: EmbeddedStore) -> list[str]:
    """Return the ISO 3166-1 alpha-3 codes of the States in the store, sorted."""
    return sorted({row["code"].value for row in store.select(read_query("check/states.rq"))})
