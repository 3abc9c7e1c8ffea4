"""Describe nodes with the describing queries of ``queries/check/``: what an item is, its counts, its sources.

The same query files `kgtool check` describes its evidence with, so that an incident, a UN statement or a
source reads the same in `kgtool report` as in `check --format json` (same keys, same numbers). Python groups
rows; the queries decide what is fetched.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from kgtool.sparql import read_query, with_values
from kgtool.store import EmbeddedStore
from kgtool.store.values import ValueRow

#: kgtool classes of the items `check/evidence.rq` describes, and the kind names `check` gives them.
ITEM_KINDS = {
    "ForcedReturn": "forced-return",
    "TreatmentOfReturnees": "treatment-of-returnees",
    "Detention": "detention",
    "Finding": "finding",
    "Recommendation": "recommendation",
    "Resolution": "resolution",
}

#: Above this many nodes a describing query runs once for all nodes and is filtered here: engines evaluate
#: large VALUES blocks followed by OPTIONALs slowly (measured: 5,000 incidents, 24.7 s with VALUES against
#: 1.2 s for every count claim of a 1M-triple graph).
VALUES_LIMIT = 500


def value(row: ValueRow, name: str) -> str | None:
    """Return the lexical value of a variable of a result row, or None when it is unbound."""
    return row.get(name)


def select_for(store: EmbeddedStore, relative: str, variable: str, iris: set[str]) -> list[ValueRow]:
    """Run a query of ``queries/`` for the given nodes only (a VALUES block, or a filter for many nodes).

    Rows hold lexical values (``store.select_values``).
    """
    return select_for_rows(store, relative, [variable], {(iri,) for iri in iris})


def select_for_rows(
    store: EmbeddedStore, relative: str, variables: list[str], keys: set[tuple[str, ...]]
) -> list[ValueRow]:
    """Run a query of ``queries/`` for the given combinations of IRIs only, as ``select_for`` does for one.

    Above ``VALUES_LIMIT`` combinations the query runs once unrestricted and is filtered here (a large VALUES
    block is slow on engines, and Virtuoso refuses one whose SQL exceeds 10,000 lines: SP031).
    """
    if not keys:
        return []
    if len(keys) > VALUES_LIMIT:
        rows = store.select_values(read_query(relative))
        return [row for row in rows if tuple(row.get(v) for v in variables) in keys]
    return store.select_values(with_values(read_query(relative), variables, sorted(keys)))


def sources_of(store: EmbeddedStore, nodes: set[str]) -> dict[str, list[dict[str, Any]]]:
    """Return each node's sources (key, title, publishers, date, URLs, UN symbol), sorted by key."""
    links = select_for(store, "check/sources.rq", "node", nodes)
    details: dict[str, dict[str, Any]] = {}
    for row in select_for(store, "check/source-details.rq", "source", {value(r, "source") for r in links}):
        source = details.setdefault(
            value(row, "source"),
            {
                "iri": value(row, "source"),
                "key": value(row, "key"),
                "title": value(row, "title"),
                "publisher": [],
                "date": value(row, "date"),
                "url": [],
                "symbol": value(row, "symbol"),
            },
        )
        for key, name in (("publisher", "publisher"), ("url", "page")):
            found = value(row, name)
            if found is not None and found not in source[key]:
                source[key].append(found)
    for source in details.values():
        source["publisher"].sort()
        source["url"].sort()
    by_node: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in links:
        source = details.get(value(row, "source"))
        if source is not None and source not in by_node[value(row, "node")]:
            by_node[value(row, "node")].append(source)
    return {node: sorted(found, key=lambda s: (s["key"] or "", s["iri"])) for node, found in by_node.items()}


def describe_items(store: EmbeddedStore, items: set[str]) -> dict[str, dict[str, Any]]:
    """Describe incidents and UN statements: kind, label, dates, place, document, issuer, summary."""
    described: dict[str, dict[str, Any]] = {}
    for row in select_for(store, "check/evidence.rq", "item", items):
        iri = value(row, "item")
        kind = ITEM_KINDS[value(row, "class").rsplit("#", 1)[-1]]
        entry = described.get(iri)
        # A resolution is also a recommendation: keep the most specific kind.
        if entry is not None and not (entry["kind"] == "recommendation" and kind == "resolution"):
            continue
        described[iri] = {
            "iri": iri,
            "kind": kind,
            "label": value(row, "label"),
            "date": value(row, "start"),
            "end_date": value(row, "end"),
            "place": value(row, "place"),
            "symbol": value(row, "symbol"),
            "paragraph": value(row, "paragraph"),
            "issued_by": value(row, "issuerLabel"),
            "summary": value(row, "summary"),
        }
    return described


def counts_of(
    store: EmbeddedStore, incidents: set[str], sources_for: Callable[[str], list[dict[str, Any]]] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """Return every source's count claim about each incident (number, qualifier, wording, sources).

    ``sources_for`` gives a claim's source list (check passes one that fetches all sources in one query later);
    by default the claims' sources are fetched here.
    """
    rows = select_for(store, "check/counts.rq", "incident", incidents)
    if sources_for is None:
        fetched = sources_of(store, {value(row, "claim") for row in rows})

        def sources_for(claim: str) -> list[dict[str, Any]]:
            return fetched.get(claim, [])

    counts: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        people = value(row, "people")
        claim = value(row, "claim")
        counts[value(row, "incident")].append(
            {
                "iri": claim,
                "people": int(people) if people is not None else None,
                "qualifier": value(row, "qualifier"),
                "text": value(row, "text"),
                "sources": sources_for(claim),
            }
        )
    for claims in counts.values():
        claims.sort(key=lambda c: (c["people"] is None, c["people"] or 0, c["iri"]))
    return counts
