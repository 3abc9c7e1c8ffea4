"""A State's dossier: what `kgtool report` shows, gathered from `check` and the query files (no rule restated).

The findings are those of :func:`kgtool.compliance.check.run_check`, unchanged. Everything else comes from the bundled
queries of ``queries/`` (obligations, recommendations and what followed, positions, conflicting reports,
unverified claims), the describing queries of ``queries/check/`` (evidence, counts, sources: the query files
`check` describes its findings with, so an incident has the same counts in the report as in `check --format
json`) and the two queries of ``queries/report/``. Python only groups rows; it decides nothing a rule decides.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

import pyoxigraph as ox

from kgtool.compliance.check import known_states, later_than, run_check
from kgtool.compliance.describe import counts_of, describe_items, sources_of, value
from kgtool.errors import EXIT_FAILED, InputError, KgtoolError
from kgtool.queries.library import find_query
from kgtool.queries.run import run_query
from kgtool.sparql.files import read_query, with_values
from kgtool.store import EmbeddedStore

INCIDENT_KINDS = ("forced-return", "treatment-of-returnees", "detention")
UN_KINDS = ("finding", "recommendation", "resolution")


class DataQualityError(KgtoolError):
    """The data breaks data quality: no dossier is built from bad data (as `check` computes no findings)."""

    exit_code = EXIT_FAILED


def _bundled(store: EmbeddedStore, name: str, **params: str) -> list[dict[str, str]]:
    """Run a bundled query by name with typed parameters; return rows of lexical values (unbound left out)."""
    result = run_query(store, find_query(name), params).result
    if not isinstance(result, ox.QuerySolutions):
        raise TypeError(f"bundled query {name!r} is not a SELECT")
    names = [v.value for v in result.variables]
    return [{n: s[n].value for n in names if s[n] is not None} for s in result]


def _for_state(store: EmbeddedStore, relative: str, state_iri: str) -> list[dict[str, str]]:
    """Run a query of ``queries/`` restricted to one State by a VALUES block; rows of lexical values."""
    return store.select_values(with_values(read_query(relative), ["state"], [[state_iri]]))


def _date_key(date: str | None) -> tuple[bool, str]:
    return (date is None, date or "")


# -- sections ----------------------------------------------------------------------------------------------
def _obligations(store: EmbeddedStore, state_iri: str, findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the obligations binding the State (or of instruments it only signed), with basis and reservations."""
    rows = _bundled(store, "obligations-binding-state", state=state_iri)
    with_finding = {f["obligation"]["iri"] for f in findings}
    disputed = {f["obligation"]["iri"]: f["basis"]["disputed"] for f in findings}
    grouped: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        key = (row["obligation"], row["basis"])
        entry = grouped.setdefault(
            key,
            {
                "iri": row["obligation"],
                "label": row.get("obligationLabel"),
                "provision": {"iri": row.get("provision"), "label": row.get("provisionLabel")},
                "instrument": {"iri": row.get("instrument"), "label": row.get("instrumentLabel")},
                "bound_since": row.get("since"),
                "bound_until": row.get("until"),
                "basis": {
                    "iri": row["basis"],
                    "label": row.get("basisLabel"),
                    "means": row.get("means"),
                    "date": row.get("actionDate"),
                },
                "reservations": [],
                "has_finding": row["obligation"] in with_finding,
                "disputed": disputed.get(row["obligation"], []),
            },
        )
        if "reservation" in row and all(r["iri"] != row["reservation"] for r in entry["reservations"]):
            entry["reservations"].append(
                {
                    "iri": row["reservation"],
                    "excludes": row.get("excludedProvisionLabel") or row.get("excludedProvision"),
                    "touches_provision": row.get("reservationTouchesProvision") == "true",
                }
            )
    obligations = list(grouped.values())
    sources = sources_of(
        store, {o["basis"]["iri"] for o in obligations} | {r["iri"] for o in obligations for r in o["reservations"]}
    )
    for o in obligations:
        o["basis"]["sources"] = sources.get(o["basis"]["iri"], [])
        for r in o["reservations"]:
            r["sources"] = sources.get(r["iri"], [])
    obligations.sort(key=lambda o: (_date_key(o["bound_since"]), o["label"] or "", o["iri"]))
    return obligations


def _disagreements(store: EmbeddedStore, incidents: set[str]) -> dict[str, list[dict[str, Any]]]:
    """Disagreements between sources about the incidents (bundled `conflicting-incident-reports`), by incident."""
    rows = [r for r in _bundled(store, "conflicting-incident-reports") if r["incident"] in incidents]
    sources = sources_of(store, {r["side"] for r in rows})
    by_incident: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for row in rows:
        disagreement = by_incident[row["incident"]].setdefault(
            row["disagreement"],
            {"iri": row["disagreement"], "label": row.get("disagreementLabel"), "sides": {}},
        )
        disagreement["sides"].setdefault(
            row["side"],
            {
                "iri": row["side"],
                "label": row.get("sideLabel"),
                "aspect": row.get("aspect"),
                "people": int(row["people"]) if "people" in row else None,
                "qualifier": row.get("qualifier"),
                "text": row.get("countText"),
                "property": row.get("claimedProperty"),
                "value": row.get("claimedValue") or row.get("claimedResource"),
                "attributed_to": row.get("attributedToLabel") or row.get("attributedTo"),
                "sources": sources.get(row["side"], []),
            },
        )
    result: dict[str, list[dict[str, Any]]] = {}
    for incident, disagreements in by_incident.items():
        result[incident] = []
        for d in sorted(disagreements.values(), key=lambda d: d["iri"]):
            d["sides"] = sorted(d["sides"].values(), key=lambda s: (s["aspect"] or "", s["iri"]))
            d["aspects"] = sorted({s["aspect"] for s in d["sides"] if s["aspect"]})
            result[incident].append(d)
    return result


def _incidents(store: EmbeddedStore, state_iri: str, findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Incidents the State is involved in, and those in its findings' evidence, with every source's count."""
    involvement: dict[str, set[str]] = defaultdict(set)
    for row in _for_state(store, "report/incidents.rq", state_iri):
        involvement[row["incident"]].add(row["involvement"])
    cited_by: dict[str, list[str]] = defaultdict(list)
    for f in findings:
        for e in f["evidence"]:
            if e["kind"] in INCIDENT_KINDS:
                cited_by[e["iri"]].append(f["obligation"]["label"])
    iris = set(involvement) | set(cited_by)
    described = describe_items(store, iris)
    counts = counts_of(store, iris)
    sources = sources_of(store, iris)
    disagreements = _disagreements(store, iris)
    incidents = []
    for iri, item in described.items():
        entry = dict(item)
        entry["involvement"] = sorted(involvement.get(iri, ()))
        entry["counts"] = counts.get(iri, [])
        entry["sources"] = sources.get(iri, [])
        entry["disagreements"] = disagreements.get(iri, [])
        entry["contradicts"] = cited_by.get(iri, [])
        numbers = [c["people"] for c in entry["counts"] if c["people"] is not None]
        entry["people_min"] = min(numbers) if numbers else None
        entry["people_max"] = max(numbers) if numbers else None
        entry["claimed_dates"] = sorted(
            {s["value"] for d in entry["disagreements"] for s in d["sides"] if s["aspect"] == "date" and s["value"]}
        )
        incidents.append(entry)
    incidents.sort(key=lambda e: (_date_key(e["date"]), e["iri"]))
    return incidents


def _positions(store: EmbeddedStore, state_iri: str) -> list[dict[str, Any]]:
    """Return the State's stated positions and what each contests (bundled `state-positions-contesting-findings`)."""
    rows = _bundled(store, "state-positions-contesting-findings", state=state_iri)
    details = {
        r["position"]: r
        for r in store.select_values(with_values(read_query("check/contested-by.rq"), ["state"], [[state_iri]]))
    }
    grouped: dict[str, dict[str, Any]] = {}
    for row in rows:
        entry = grouped.setdefault(
            row["position"],
            {
                "iri": row["position"],
                "label": row.get("positionLabel"),
                "date": row.get("date"),
                "spokesperson": row.get("spokesperson"),
                "summary": value(details.get(row["position"], {}), "summary"),
                "contests": {},
            },
        )
        contested = entry["contests"].setdefault(
            row["contested"],
            {"iri": row["contested"], "label": row.get("contestedLabel"), "classes": set()},
        )
        if "contestedClass" in row:
            contested["classes"].add(row["contestedClass"].rsplit("#", 1)[-1])
    sources = sources_of(store, set(grouped))
    positions = []
    for entry in grouped.values():
        entry["contests"] = [
            {"iri": c["iri"], "label": c["label"], "kind": ", ".join(sorted(c["classes"]))}
            for c in sorted(entry["contests"].values(), key=lambda c: c["iri"])
        ]
        entry["sources"] = sources.get(entry["iri"], [])
        positions.append(entry)
    positions.sort(key=lambda p: (_date_key(p["date"]), p["iri"]))
    return positions


def _follow_ups(store: EmbeddedStore, state_iri: str) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Return what followed each recommendation (bundled `recommendations-and-follow-up`), by kind."""
    result: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for row in _bundled(store, "recommendations-and-follow-up", state=state_iri):
        followed = result.setdefault(row["recommendation"], {})
        if "followUp" in row:
            followed.setdefault(row["kind"], []).append(
                {
                    "iri": row["followUp"],
                    "label": row.get("followUpLabel"),
                    "date": row.get("followUpDate"),
                    "response_type": row.get("responseType"),
                }
            )
    return result


def _un_statements(
    store: EmbeddedStore, state_iri: str, findings: list[dict[str, Any]], positions: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """UN findings, recommendations and resolutions concerning the State or cited in its findings."""
    cited_by: dict[str, list[str]] = defaultdict(list)
    for f in findings:
        for e in f["evidence"]:
            if e["kind"] in UN_KINDS:
                cited_by[e["iri"]].append(f"{e['role']}: {f['obligation']['label']}")
    iris = {r["item"] for r in _for_state(store, "report/un-statements.rq", state_iri)} | set(cited_by)
    described = describe_items(store, iris)
    sources = sources_of(store, iris)
    follow_ups = _follow_ups(store, state_iri)
    contested_by: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for p in positions:
        for c in p["contests"]:
            contested_by[c["iri"]].append({"iri": p["iri"], "label": p["label"], "date": p["date"]})
    statements = []
    for iri, item in described.items():
        entry = dict(item)
        entry["sources"] = sources.get(iri, [])
        entry["evidence_for"] = cited_by.get(iri, [])
        followed = follow_ups.get(iri, {})
        entry["responses"] = followed.get("response", [])
        entry["later_returns"] = followed.get("later-return", [])
        entry["contested_by"] = contested_by.get(iri, [])
        statements.append(entry)
    statements.sort(key=lambda s: (_date_key(s["date"]), s["iri"]))
    return statements


def unverified_claims(store: EmbeddedStore) -> list[dict[str, Any]]:
    """Every unverified claim in the graph with the documents that make it (bundled `unverified-claims`)."""
    grouped: dict[str, dict[str, Any]] = {}
    for row in _bundled(store, "unverified-claims"):
        entry = grouped.setdefault(
            row["claim"],
            {"iri": row["claim"], "label": row.get("claimLabel"), "assessment": row.get("assessment"), "about": []},
        )
        if "about" in row and row["about"] not in entry["about"]:
            entry["about"].append(row["about"])
    sources = sources_of(store, set(grouped))
    claims = []
    for entry in grouped.values():
        entry["about"].sort()
        entry["sources"] = sources.get(entry["iri"], [])
        claims.append(entry)
    claims.sort(key=lambda c: ([s["key"] or "" for s in c["sources"]], c["iri"]))
    return claims


# -- the dossier ------------------------------------------------------------------------------------------
def _up_to(items: list[dict[str, Any]], day: str, key: str = "date") -> list[dict[str, Any]]:
    """Return the items not dated after ``day`` (an item known by month or year once its period began)."""
    return [item for item in items if not later_than(item.get(key), day)]


def state_dossier(
    store: EmbeddedStore, state: dict[str, str], findings: list[dict[str, Any]], day: str | None = None
) -> dict[str, Any]:
    """Gather one State's dossier: its findings (from `check`) and the sections around them."""
    iri = state["iri"]
    positions = _positions(store, iri)
    obligations = _obligations(store, iri, findings)
    incidents = _incidents(store, iri, findings)
    un_statements = _un_statements(store, iri, findings, positions)
    if day is not None:
        obligations = _up_to(obligations, day, "bound_since")
        for obligation in obligations:
            if later_than(obligation["bound_until"], day):
                obligation["bound_until"] = None
        incidents, un_statements, positions = (_up_to(x, day) for x in (incidents, un_statements, positions))
    dossier = {
        "state": state,
        "findings": findings,
        "obligations": obligations,
        "incidents": incidents,
        "un_statements": un_statements,
        "positions": positions,
    }
    dossier["nodes"] = dossier_nodes(dossier)
    return dossier


def build_dossiers(
    store: EmbeddedStore, state: str | None = None, as_of: datetime.date | None = None
) -> dict[str, Any]:
    """Return the dossiers of one State (``state``, ISO 3166-1 alpha-3) or of every State with findings.

    The dossiers answer as on ``as_of`` (default today): the findings of `check --as-of`, and no binding,
    incident, UN statement or position dated after that day. Raises InputError for an unknown State code and
    DataQualityError when the data breaks data quality.
    """
    states = {
        r["code"]: {"iri": r["state"], "code": r["code"], "label": r.get("label")}
        for r in store.select_values(read_query("check/states.rq"))
    }
    if state is not None and state not in states:
        raise InputError(f"unknown State code {state!r} for --state (known: {', '.join(known_states(store))})")
    result = run_check(store, state, as_of)
    if not result.quality.holds:
        raise DataQualityError(
            f"data quality fails ({len(result.quality.violations)} violation(s)): no report is built from bad data; "
            "see `kgtool validate`"
        )
    by_state: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for finding in result.findings:
        by_state[finding["state"]].append(finding)
    codes = [state] if state is not None else sorted(by_state)
    day = (as_of or datetime.date.today()).isoformat()
    dossiers = [state_dossier(store, states[code], by_state.get(code, []), day) for code in codes]
    claims = unverified_claims(store)
    for claim in claims:
        claim["states"] = sorted(d["state"]["code"] for d in dossiers if set(claim["about"]) & d["nodes"])
    return {
        "dossiers": dossiers,
        "unverified_claims": claims,
        "quality": {"violations": len(result.quality.violations), "warnings": len(result.quality.warnings)},
    }


def dossier_nodes(dossier: dict[str, Any]) -> set[str]:
    """Return every node a dossier shows: the State, obligations and their bases, incidents, statements, positions."""
    nodes = {dossier["state"]["iri"]}
    nodes |= {o["iri"] for o in dossier["obligations"]} | {o["basis"]["iri"] for o in dossier["obligations"]}
    for key in ("incidents", "un_statements", "positions"):
        nodes |= {item["iri"] for item in dossier[key]}
    return nodes
