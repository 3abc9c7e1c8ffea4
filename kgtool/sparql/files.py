"""Small helpers to run the query files kgtool ships: read a file, restrict it with a VALUES block."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cache

import pyoxigraph as ox

from kgtool.resources import query_file


@cache
def read_query(relative: str) -> str:
    """Return the text of a query file of ``queries/`` (e.g. ``check/evidence.rq``)."""
    return query_file(relative).read_text(encoding="utf-8")


_OUTER_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def strip_comments(text: str) -> str:
    """Blank out comment lines (keeping line numbers), so that keywords in comments are not matched."""
    return "\n".join("" if line.lstrip().startswith("#") else line for line in text.splitlines())


def insert_values(query: str, variables: Sequence[str], rows: Iterable[Sequence[ox.NamedNode | ox.Literal]]) -> str:
    """Bind ``variables`` with a VALUES block of RDF terms placed first in the outermost WHERE group.

    Terms are serialised by pyoxigraph, never pasted as text. Placed first, the block both restricts every
    pattern after it (pre-binding semantics) and lets engines start their joins from it.
    """
    body = " ".join("(" + " ".join(str(term) for term in row) + ")" for row in rows)
    values = "VALUES ({}) {{ {} }}".format(" ".join(f"?{v}" for v in variables), body)
    code = strip_comments(query)
    match = _OUTER_WHERE.search(code)
    if match is None:
        raise ValueError("a query needs an explicit 'WHERE {' to bind values")
    return code[: match.end()] + f"\n    {values}\n" + code[match.end() :]


def with_values(query: str, variables: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """Bind ``variables`` to IRIs with a VALUES block at the start of the outermost WHERE group."""
    return insert_values(query, variables, ([ox.NamedNode(iri) for iri in row] for row in rows))
