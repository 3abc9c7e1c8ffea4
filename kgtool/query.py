"""`kgtool query`: run a bundled or user query, read-only, with typed parameters."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyoxigraph as ox

from kgtool.errors import InputError
from kgtool.query_library import QueryFile, bind_parameters, update_keyword
from kgtool.store import EmbeddedStore

_POSITION = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)


@dataclass
class QueryResult:
    """The result of a query: its form (select, ask, construct) and pyoxigraph's result object."""

    form: str
    result: ox.QuerySolutions | ox.QueryBoolean | list[ox.Triple]


def check_syntax(query: QueryFile) -> None:
    """Refuse updates and report syntax errors with file, line and column, before anything runs."""
    keyword = update_keyword(query.text)
    if keyword is not None:
        raise InputError(
            f"{keyword} is a SPARQL update; kgtool query is read-only (use kgtool import to add data)",
            str(query.path),
        )
    try:
        ox.Store().query(query.text)
    except SyntaxError as error:
        match = _POSITION.match(str(error))
        if match:
            line, column, message = match.groups()
            message = _readable(message)
            raise InputError(f"SPARQL syntax error: {message}", str(query.path), int(line), int(column)) from None
        raise InputError(f"SPARQL syntax error: {error}", str(query.path)) from None


def _readable(message: str) -> str:
    """Shorten pyoxigraph's parser message to one line a user can act on."""
    if "Prefix not found" in message:
        return "undeclared prefix (add a PREFIX line)"
    first = message.splitlines()[0]
    return first if len(first) <= 160 else first[:157] + "..."


def run_query(store: EmbeddedStore, query: QueryFile, params: dict[str, str]) -> QueryResult:
    """Check, bind and run one query on the store."""
    check_syntax(query)
    text = bind_parameters(query, params)
    result = store.query(text)
    if isinstance(result, ox.QueryBoolean):
        return QueryResult("ask", result)
    if isinstance(result, ox.QueryTriples):
        return QueryResult("construct", list(result))
    return QueryResult("select", result)
