"""What a SPARQL text asks for before it runs: federated SERVICE clauses and how deeply it nests.

A query from a user (a ``.rq`` file, a request to ``kgtool serve``) may hold a ``SERVICE`` clause, which makes
the engine send requests to another server: kgtool refuses it unless the user allowed it (``--allow-service``;
for ``serve`` only to listed hosts). A query nested thousands of groups deep crashes the engine's recursive
parser, so nesting past ``MAX_QUERY_DEPTH`` is refused before the engine sees the text.

The text is read as SPARQL tokens (comments, strings and IRIs are tokens of their own), so a ``SERVICE`` in a
comment, a string, an IRI or a prefixed name (``ex:SERVICE``) is not a clause.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from kgtool.errors import InputError

#: Groups, brackets and parentheses nested deeper than this are refused (real queries nest a dozen levels).
MAX_QUERY_DEPTH = 128

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>\"\"\"[\s\S]*?\"\"\"|'''[\s\S]*?'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<pname>(?:[^\W\d_][\w.-]*)?:(?:[\w:%\\-]|\.(?=[\w:%\\-]))*)
  | (?P<var>[?$]\w+)
  | (?P<word>[^\W\d][\w]*)
  | (?P<open>[{(\[])
  | (?P<close>[})\]])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    """One SPARQL token: its kind (a group name of ``_TOKEN``), text, and 1-based line and column."""

    kind: str
    text: str
    line: int
    column: int


def tokens(text: str) -> Iterator[Token]:
    """Yield the tokens of a SPARQL text (whitespace and comments left out), with their positions."""
    line, line_start = 1, 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        start = match.start()
        if kind not in ("space", "comment"):
            yield Token(kind, match.group(), line, start - line_start + 1)
        newlines = match.group().count("\n")
        if newlines:
            line += newlines
            line_start = start + match.group().rindex("\n") + 1


@dataclass(frozen=True)
class ServiceClause:
    """A ``SERVICE`` clause: where it is, what it says, and the IRI it calls (None when it is a variable)."""

    line: int
    column: int
    clause: str
    target: str | None


def service_clauses(text: str) -> list[ServiceClause]:
    """Return the SERVICE clauses of a SPARQL text, prefixed names resolved by its PREFIX declarations."""
    found = []
    prefixes: dict[str, str] = {}
    items = list(tokens(text))
    for index, token in enumerate(items):
        if token.kind == "word" and token.text.upper() == "PREFIX" and index + 2 < len(items):
            name, iri = items[index + 1], items[index + 2]
            if name.kind == "pname" and iri.kind == "iri":
                prefixes[name.text[:-1] if name.text.endswith(":") else name.text] = iri.text[1:-1]
        if token.kind != "word" or token.text.upper() != "SERVICE":
            continue
        following = items[index + 1 : index + 3]
        words = [token.text]
        if following and following[0].kind == "word" and following[0].text.upper() == "SILENT":
            words.append(following[0].text)
            following = following[1:]
        target = None
        if following:
            words.append(following[0].text)
            target = _resolve(following[0], prefixes)
        found.append(ServiceClause(token.line, token.column, " ".join(words), target))
    return found


def _resolve(token: Token, prefixes: dict[str, str]) -> str | None:
    if token.kind == "iri":
        return token.text[1:-1]
    if token.kind == "pname":
        prefix, _, local = token.text.partition(":")
        if prefix in prefixes:
            return prefixes[prefix] + local
    return None


def service_host(target: str) -> str | None:
    """Return the host (``host`` or ``host:port``) a SERVICE IRI calls, or None when it names no host."""
    parts = urllib.parse.urlsplit(target)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    try:
        port = parts.port
    except ValueError:
        return None
    return parts.hostname + (f":{port}" if port else "")


def refuse_service(text: str, file: str | None = None, allowed_hosts: Iterable[str] | None = ()) -> None:
    """Raise an InputError for the first SERVICE clause the policy does not allow.

    ``allowed_hosts=None`` allows every clause (``--allow-service``); otherwise only clauses whose IRI names one
    of the hosts (``host`` or ``host:port``) are allowed, and a clause on a variable never is.
    """
    if allowed_hosts is None:
        return
    allowed = {h.lower() for h in allowed_hosts}
    for clause in service_clauses(text):
        host = service_host(clause.target) if clause.target else None
        if host is not None and (host.lower() in allowed or host.split(":")[0].lower() in allowed):
            continue
        if not allowed:
            why = "kgtool sends no request to another server unless --allow-service is given"
        elif clause.target is None:
            why = "a SERVICE on a variable or an unresolved name is never allowed here"
        else:
            why = f"the host is not among those allowed ({', '.join(sorted(allowed))})"
        raise InputError(f"{clause.clause} is a federated query: {why}", file, clause.line, clause.column)


def refuse_deep_nesting(text: str, file: str | None = None, limit: int = MAX_QUERY_DEPTH) -> None:
    """Raise an InputError where a query's groups, brackets or parentheses nest deeper than ``limit``."""
    depth = 0
    for token in tokens(text):
        if token.kind == "open":
            depth += 1
            if depth > limit:
                raise InputError(
                    f"the query nests groups, brackets or parentheses more than {limit} levels deep",
                    file,
                    token.line,
                    token.column,
                )
        elif token.kind == "close":
            depth = max(depth - 1, 0)
