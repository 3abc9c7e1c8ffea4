"""`kgtool query`: run a bundled or user query, read-only, with typed parameters."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from kgtool.errors import InputError
from kgtool.queries.library import QueryFile, bind_parameters, update_keyword
from kgtool.sparql.guard import refuse_deep_nesting, refuse_service, service_clauses
from kgtool.sparql.syntax import syntax_error
from kgtool.store import EmbeddedStore
from kgtool.store.remote import RemoteStore


@dataclass
class QueryResult:
    """The result of a query: its form (select, ask, construct) and pyoxigraph's result object."""

    form: str
    result: ox.QuerySolutions | ox.QueryBoolean | list[ox.Triple]


def check_syntax(query: QueryFile, allowed_hosts: Iterable[str] | None = ()) -> None:
    """Refuse updates, SERVICE clauses the policy does not allow and deep nesting; locate syntax errors.

    All of it before anything runs: errors name the file, line and column (syntax errors with a caret).
    ``allowed_hosts`` as for :func:`kgtool.sparql.guard.refuse_service` (None: any SERVICE).
    """
    keyword = update_keyword(query.text)
    if keyword is not None:
        raise InputError(
            f"{keyword} is a SPARQL update; kgtool query is read-only (use kgtool import to add data)",
            str(query.path),
        )
    refuse_deep_nesting(query.text, str(query.path))
    refuse_service(query.text, str(query.path), allowed_hosts)
    if service_clauses(query.text):
        return  # an allowed SERVICE: a trial run would call the server; the real run reports syntax errors
    try:
        ox.Store().query(query.text)  # on an empty store: parses, and evaluates nothing of the user's data
    except SyntaxError as error:
        raise syntax_error(query.text, error, str(query.path)) from None


def run_query(
    store: EmbeddedStore | RemoteStore,
    query: QueryFile,
    params: dict[str, str],
    allowed_hosts: Iterable[str] | None = (),
) -> QueryResult:
    """Check, bind and run one query on the store (SERVICE only as ``allowed_hosts`` allows)."""
    check_syntax(query, allowed_hosts)
    text = bind_parameters(query, params)
    try:
        result = store.query(text, allow_service=allowed_hosts is None)
    except SyntaxError as error:
        raise syntax_error(text, error, str(query.path)) from None
    except (OSError, RuntimeError) as error:
        raise evaluation_error(error, str(query.path)) from None
    if isinstance(result, ox.QueryBoolean):
        return QueryResult("ask", result)
    if isinstance(result, ox.QueryTriples):
        return QueryResult("construct", list(result))
    return QueryResult("select", result)


def evaluation_error(error: BaseException, file: str | None) -> InputError:
    """Return the one-line error for a query that failed while it ran (a SERVICE call, the engine refusing)."""
    detail = " ".join(str(error).split()) or type(error).__name__
    detail = detail if len(detail) <= 300 else detail[:297] + "..."
    return InputError(f"the query failed while it ran: {detail}", file)
