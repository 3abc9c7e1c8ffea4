"""`kgtool check`: validate data quality, derive bindings, run the compliance rules, describe each finding.

A finding is one (State, obligation) that a rule contradicts: the obligation, the instrument and provision
that impose it, since when it binds the State and through what, the first contradicting event, the evidence
(each with its sources; incidents with every source's count) and the State's positions that contest it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from kgtool.compliance.describe import counts_of, describe_items, select_for, select_for_rows, sources_of, value
from kgtool.compliance.rules import RuleHit, compliance_rules, evaluate_constraint
from kgtool.quality.validate import QualityReport, constraint_results, quality_report
from kgtool.sparql.files import read_query
from kgtool.store import EmbeddedStore

_ROLE_ORDER = {"breach": 0, "risk": 1}


@dataclass
class CheckResult:
    """The data-quality report and, when quality holds, the findings."""

    quality: QualityReport
    findings: list[dict[str, Any]] = field(default_factory=list)


class _Sources:
    """Collects the nodes whose sources a finding prints, then fetches them all with one query."""

    def __init__(self) -> None:
        self._wanted: dict[str, list[dict[str, Any]]] = {}

    def want(self, node: str) -> list[dict[str, Any]]:
        """Return the (for now empty) list that ``fill`` will give the node's sources."""
        return self._wanted.setdefault(node, [])

    def fill(self, store: EmbeddedStore) -> None:
        """Fetch the sources of every wanted node and fill their lists in place."""
        for node, sources in sources_of(store, set(self._wanted)).items():
            self._wanted[node].extend(sources)


def _positions(
    store: EmbeddedStore, pairs: set[tuple[str, str]], sources: _Sources
) -> dict[str, dict[str, dict[str, Any]]]:
    rows = select_for_rows(store, "check/contested-by.rq", ["state", "item"], pairs)
    by_state_item: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for row in rows:
        position = value(row, "position")
        entry = by_state_item[value(row, "state")].setdefault(
            position,
            {
                "iri": position,
                "label": value(row, "label"),
                "date": value(row, "date"),
                "spokesperson": value(row, "spokesperson"),
                "summary": value(row, "summary"),
                "contests": [],
                "sources": sources.want(position),
            },
        )
        entry["contests"].append(value(row, "item"))
    for positions in by_state_item.values():
        for entry in positions.values():
            entry["contests"].sort()
    return by_state_item


def later_than(date: str | None, day: str) -> bool:
    """Tell whether a date of any precision (YYYY-MM-DD, YYYY-MM, YYYY) is after ``day``: not yet known on it.

    A date known by month or year counts as known once its period has begun ("2013-09" is not after 2013-09-05).
    """
    return date is not None and date[:10] > day


def _ending(row: Any, as_of: str, sources: _Sources) -> tuple[str | None, dict[str, Any] | None]:
    """Return the day a binding ended and the act that ended it, as known on ``as_of`` (both None while bound)."""
    until, ending = value(row, "until"), value(row, "ending")
    notified = value(row, "endingDate")
    if until is None or later_than(until, as_of) or later_than(notified, as_of):
        return None, None
    if ending is None:  # a domestic provision's validity ended
        return until, None
    return until, {
        "iri": ending,
        "means": value(row, "endingMeans"),
        "date": notified,
        "effective": until,
        "sources": sources.want(ending),
    }


def _without_effect(row: Any, as_of: str, sources: _Sources) -> dict[str, Any] | None:
    """Return a denunciation or withdrawal the instrument does not allow, notified by ``as_of`` (it ended nothing)."""
    void, date = value(row, "void"), value(row, "voidDate")
    if void is None or later_than(date, as_of):
        return None
    return {
        "iri": void,
        "means": value(row, "voidMeans"),
        "date": date,
        "position": value(row, "voidPosition"),
        "sources": sources.want(void),
    }


def _describe_bindings(
    store: EmbeddedStore, bindings: set[str], sources: _Sources, as_of: str
) -> dict[str, dict[str, Any]]:
    rows = select_for(store, "check/bindings.rq", "binding", bindings)
    bases = {value(row, "basis") for row in rows}
    disputes: dict[str, list[dict[str, Any]]] = defaultdict(list)
    claim_rows = select_for(store, "check/basis-claims.rq", "basis", bases)
    for row in claim_rows:
        claim = value(row, "claim")
        disputes[value(row, "basis")].append(
            {
                "iri": claim,
                "property": value(row, "property"),
                "value": value(row, "value"),
                "disagreement": value(row, "disagreementLabel"),
                "sources": sources.want(claim),
            }
        )
    for claims in disputes.values():  # in a stable order, whatever order the store returns the rows in
        claims.sort(key=lambda claim: claim["iri"])
    described = {}
    for row in rows:
        basis = value(row, "basis")
        until, ended_by = _ending(row, as_of, sources)
        described[value(row, "binding")] = {
            "state_iri": value(row, "state"),
            "state": value(row, "stateCode"),
            "state_label": value(row, "stateLabel"),
            "obligation": {
                "iri": value(row, "obligation"),
                "label": value(row, "obligationLabel"),
                "type": value(row, "obligationType"),
            },
            "instrument": {"iri": value(row, "instrument"), "label": value(row, "instrumentLabel")},
            "provision": {
                "iri": value(row, "provision"),
                "label": value(row, "provisionLabel"),
                "number": value(row, "provisionNumber"),
            },
            "bound_since": value(row, "since"),
            "bound_until": until,
            "basis": {
                "iri": basis,
                "means": value(row, "means"),
                "date": value(row, "actionDate"),
                "sources": sources.want(basis),
                "disputed": sorted(disputes.get(basis, []), key=lambda d: d["iri"]),
                "ended_by": ended_by,
                "without_effect": _without_effect(row, as_of, sources),
            },
        }
    return described


def _date_key(date: str | None) -> tuple[bool, str]:
    return (date is None, date or "")


def describe_findings(
    store: EmbeddedStore, hits: list[RuleHit], state: str | None = None, as_of: datetime.date | None = None
) -> list[dict[str, Any]]:
    """Group rule hits by binding and describe each as a finding (stable order, stable keys), as on ``as_of``."""
    day = (as_of or datetime.date.today()).isoformat()
    by_binding: dict[str, list[RuleHit]] = defaultdict(list)
    for hit in hits:
        by_binding[hit.binding].append(hit)
    sources = _Sources()
    bindings = _describe_bindings(store, set(by_binding), sources, day)
    if state is not None:
        by_binding = {b: h for b, h in by_binding.items() if bindings[b]["state"] == state}
    items = {hit.value for hits_ in by_binding.values() for hit in hits_}
    evidence = describe_items(store, items)
    counts = counts_of(store, {i for i, e in evidence.items() if e["kind"] != "finding"}, sources.want)
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
            if later_than(item["end_date"], day):
                item["end_date"] = None  # not yet ended (a report not yet submitted) on the day answered for
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
                "bound_until": described["bound_until"],
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


def run_check(store: EmbeddedStore, state: str | None = None, as_of: datetime.date | None = None) -> CheckResult:
    """Validate data quality and, if it holds, describe what the compliance rules find as on ``as_of`` (today).

    Every rule constraint and every quality constraint is a task for two worker threads (pyoxigraph releases
    the GIL while it evaluates a query); the rules go first, so this thread describes the findings while the
    workers finish the quality constraints. The findings are used only when quality holds. The store's
    bindings must be current (``open_store`` derives them; imports keep them current).
    """
    from kgtool.quality.shacl_sparql import quality_constraints

    as_of = as_of or datetime.date.today()  # one day for the rules and the description, even across midnight
    with ThreadPoolExecutor(max_workers=2) as pool:
        rule_runs = [
            pool.submit(evaluate_constraint, store, rule, constraint, as_of)
            for rule in compliance_rules()
            for constraint in rule.constraints
        ]
        quality_runs = [pool.submit(constraint_results, store, c) for c in quality_constraints(store)]
        findings, error = [], None
        try:
            findings = describe_findings(store, [hit for run in rule_runs for hit in run.result()], state, as_of)
        except Exception as exc:  # bad data may break the description: the quality report says why
            error = exc
        quality = quality_report(run.result() for run in quality_runs)
    if not quality.holds:
        return CheckResult(quality=quality)
    if error is not None:
        raise error
    return CheckResult(quality=quality, findings=findings)


def known_states(store: EmbeddedStore) -> list[str]:
    """Return the ISO 3166-1 alpha-3 codes of the States in the store, sorted."""
    return sorted({row["code"] for row in store.select_values(read_query("check/states.rq"))})
