"""Where a SPARQL syntax error is, shown as the offending line with a caret.

pyoxigraph's parser reports a position past the error (often the end of the query, with a list of keywords
that could not follow there), so kgtool locates the error with a second parser: rdflib's SPARQL grammar
(pyparsing), in a private copy that records the furthest position at which a token was tried and failed, the
classic way to locate an error in a backtracking parser. That position, and the tokens the grammar expected
there, are what Jena's parser would report. rdflib is imported only when a query is wrong.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from kgtool.errors import InputError
from kgtool.sparql.guard import tokens

_PYOXIGRAPH_POSITION = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)
#: Up to this many expected tokens are listed; more say only what was found.
_MAX_EXPECTED = 8


@dataclass
class _Furthest:
    """The furthest position a token of the grammar failed at, and the tokens tried there."""

    position: int = -1
    expected: set[str] = field(default_factory=set)

    def record(self, position: int, token: str) -> None:
        if position > self.position:
            self.position, self.expected = position, {token}
        elif position == self.position:
            self.expected.add(token)


@dataclass(frozen=True)
class SyntaxLocation:
    """A located syntax error: 1-based line and column, what is there, what the grammar expected."""

    line: int
    column: int
    found: str
    expected: tuple[str, ...]


@functools.cache
def _tracking_grammar() -> tuple[object, _Furthest]:
    """Return a copy of rdflib's SPARQL query grammar whose tokens record where they fail."""
    import copy

    import pyparsing as pp
    from rdflib.plugins.sparql import parser

    grammar = copy.deepcopy(parser.Query)  # the copy is kgtool's: rdflib's own grammar is left as it is
    furthest = _Furthest()
    seen: set[int] = set()
    pending = [grammar]
    while pending:
        element = pending.pop()
        if id(element) in seen:
            continue
        seen.add(id(element))
        if isinstance(element, pp.Token):
            name = str(element)

            def failed(_text: str, position: int, _element: object, _error: object, name: str = name) -> None:
                furthest.record(position, name)

            element.set_fail_action(failed)
        pending.extend(getattr(element, "exprs", None) or [])
        inner = getattr(element, "expr", None)
        if inner is not None:
            pending.append(inner)
    return grammar, furthest


def _skip_blanks(text: str, position: int) -> int:
    """Return the position of the next token: whitespace and comments skipped."""
    while position < len(text):
        if text[position].isspace():
            position += 1
        elif text[position] == "#":
            end = text.find("\n", position)
            position = len(text) if end < 0 else end
        else:
            break
    return position


def locate(text: str) -> SyntaxLocation | None:
    """Return where the query's syntax error is according to the SPARQL grammar, or None if it parses."""
    import pyparsing as pp
    from rdflib.plugins.sparql.parser import expandUnicodeEscapes

    grammar, furthest = _tracking_grammar()
    furthest.position, furthest.expected = -1, set()
    expanded = expandUnicodeEscapes(text)
    if expanded != text:  # \\u escapes change offsets: positions would not point into the user's text
        return None
    try:
        grammar.parse_string(text, parse_all=True)
    except pp.ParseBaseException:
        pass
    except RecursionError:
        return None
    else:
        return None
    position = _skip_blanks(text, max(furthest.position, 0))
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    found = re.match(r"\S{1,20}", text[position:])
    expected = tuple(sorted(e for e in furthest.expected if e != "'#'"))
    return SyntaxLocation(line, column, found.group() if found else "", expected)


def _undeclared_prefix(text: str) -> tuple[int, int, str] | None:
    """Return the line, column and name of the first prefixed name whose prefix is not declared."""
    declared = set()
    items = list(tokens(text))
    for index, token in enumerate(items):
        if token.kind == "word" and token.text.upper() == "PREFIX" and index + 1 < len(items):
            declared.add(items[index + 1].text.partition(":")[0])
        elif token.kind == "pname" and token.text.partition(":")[0] not in declared:
            previous = items[index - 1] if index else None
            if previous is None or previous.text.upper() != "PREFIX":
                return token.line, token.column, token.text
    return None


def _with_caret(text: str, line: int, column: int) -> str:
    """Return the offending line and a caret under the column, indented, for the message's second lines."""
    lines = text.splitlines() or [""]
    shown = lines[line - 1] if 0 < line <= len(lines) else ""
    return f"\n    {shown.expandtabs(1)}\n    {' ' * (column - 1)}^"


def syntax_error(text: str, error: SyntaxError, file: str | None) -> InputError:
    """Turn pyoxigraph's SyntaxError on a query into an InputError at the right line and column, with a caret."""
    message = str(error)
    located = None if "Prefix not found" in message else locate(text)
    if located is None:
        undeclared = _undeclared_prefix(text)
        if undeclared is not None:
            line, column, name = undeclared
            what = f"SPARQL syntax error: undeclared prefix in {name} (add a PREFIX line)"
            return InputError(what + _with_caret(text, line, column), file, line, column)
    if located is not None:
        found = f"unexpected {located.found!r}" if located.found else "unexpected end of the query"
        if located.expected and len(located.expected) <= _MAX_EXPECTED:
            found += f"; expected {', '.join(located.expected)}"
        what = f"SPARQL syntax error: {found}"
        return InputError(what + _with_caret(text, located.line, located.column), file, located.line, located.column)
    match = _PYOXIGRAPH_POSITION.match(message)
    if match:
        line, column, detail = int(match.group(1)), int(match.group(2)), match.group(3).splitlines()[0]
        # Among the tokens it expected, pyoxigraph lists what it checks beyond the grammar as sentences.
        sentences = [s for s in re.findall(r"(?:^|, )([A-Z][a-z]+ [^,\"'\[\]]+)", detail.removeprefix("expected "))]
        if sentences:
            return InputError(f"SPARQL error: {sentences[0].rstrip('.')}", file)
        detail = detail if len(detail) <= 160 else detail[:157] + "..."
        return InputError(f"SPARQL syntax error: {detail}" + _with_caret(text, line, column), file, line, column)
    return InputError(f"SPARQL syntax error: {message.splitlines()[0] if message else 'invalid query'}", file)
