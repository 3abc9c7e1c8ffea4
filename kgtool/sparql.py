"""Small helpers to run the query files kgtool ships: read a file, restrict it with a VALUES block."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache

import pyoxigraph as ox

from kgtool.resources import query_file


@cache
def read_query(relative: str) -> str:
    """Return the text of a query file of ``queries/`` (e.g. ``check/evidence.rq``)."""
    return query_file(relative).read_text(encoding="utf-8")


def with_values(query: str, variables: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """Append a VALUES block binding ``variables`` to IRIs; each IRI is serialised by pyoxigraph, not pasted."""
    body = " ".join("(" + " ".join(str(ox.NamedNode(iri)) for iri in row) + ")" for row in rows)
    names = " ".join(f"?{v}" for v in variables)
    return f"{query}\nVALUES ({names}) {{ {body} }}\n"
