"""Describe nodes with the describing queries of ``queries/check/``: what an item is, its counts, its sources.

The same query files `kgtool check` describes its evidence with, so that an incident, a UN statement or a
source reads the same in `kgtool report` as in `check --format json` (same keys, same numbers). Python groups
rows; the queries decide what is fetched.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from kgtool.sparql.files import read_query, with_values
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
    "PeriodicReport": "periodic-report",
}

#: A describing query runs for at most this many nodes at once (a VALUES block at the start of its WHERE
#: group), as many times as needed. Measured at 1M triples: for 14,348 evidence items, blocks of 500 take
#: 0.2 s per query, against 0.4-0.8 s for running the query over every node and filtering here; pyoxigraph
#: switches `check/counts.rq` to a slow plan above about 1,100 rows in one block (1,200 rows: 10.8 s for
#: 4,697 counts), and Virtuoso refuses a block whose SQL exceeds 10,000 lines (SP031).
VALUES_LIMIT = 500


def value(row: ValueRow, name: str) -> str | None:
    """Return the lexical value of a variable of a result row, or None when it is unbound."""
    return row.get(name)


def select_for(store: EmbeddedStore, relative: str, variable: str, iris: set[str]) -> list[ValueRow]:
    """Run a query of ``queries/`` for the given nodes only (VALUES blocks of at most ``VALUES_LIMIT`` nodes).

    Rows hold lexical values (``store.select_values``).
    """
    return select_for_rows(store, relative, [variable], {(iri,) for iri in iris})


def select_for_rows(
    store: EmbeddedStore, relative: str, variables: list[str], keys: set[tuple[str, ...]]
) -> list[ValueRow]:
    """Run a query of ``queries/`` for the given combinations of IRIs only, as ``select_for`` does for one.

    The combinations go in blocks of ``VALUES_LIMIT``, in a stable order.
    """
    ordered = sorted(keys)
    rows: list[ValueRow] = []
    query = read_query(relative)
    for start in range(0, len(ordered), VALUES_LIMIT):
        rows.extend(store.select_values(with_values(query, variables, ordered[start : start + VALUES_LIMIT])))
    return rows


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
    """Describe incidents, UN statements and periodic reports: kind, label, dates, place, document, issuer, summary."""
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
