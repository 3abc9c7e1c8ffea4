"""The bundled SPARQL queries: find them, read their headers, bind their parameters as typed RDF terms.

A query file opens with a header of comment lines::

    # title: Obligations binding a State
    # question: Which obligations bind the State, since when, and with which reservations?
    # competency-question: 1
    # param: state iri <https://w3id.org/kgtool/id/state/CHN> The State
    # row: one obligation binding the State

Parameters are typed (``iri``, ``date``, ``integer``, ``string``) and bound by a ``VALUES`` block inserted
at the start of the outermost ``WHERE`` group: values are RDF terms serialised by pyoxigraph, never text
pasted into the query.
"""

from __future__ import annotations

import datetime
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kgtool.errors import InputError
from kgtool.resources import resource_dir
from kgtool.sparql.files import insert_values, strip_comments

XSD = "http://www.w3.org/2001/XMLSchema#"
PARAM_TYPES = ("iri", "date", "integer", "string")
_HEADER = re.compile(r"^#\s*([a-z-]+):\s*(.*)$")
_UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
_KNOWN_PREFIXES = {"kgr:": "https://w3id.org/kgtool/id/", "kgo:": "https://w3id.org/kgtool/ontology#"}


@dataclass(frozen=True)
class Parameter:
    """A declared query parameter: name, type, example value and what it means."""

    name: str
    type: str
    example: str
    description: str


@dataclass(frozen=True)
class QueryFile:
    """A SPARQL query file with its parsed header."""

    name: str
    path: Path
    text: str
    title: str | None = None
    question: str | None = None
    competency_question: str | None = None
    row: str | None = None
    parameters: tuple[Parameter, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict:
        """Return the header with stable keys (for `kgtool queries --format json`)."""
        return {
            "name": self.name,
            "title": self.title,
            "question": self.question,
            "competency_question": self.competency_question,
            "row": self.row,
            "parameters": [p.__dict__ for p in self.parameters],
        }


def read_query_file(path: Path) -> QueryFile:
    """Read a query file and parse its header; a malformed ``param`` line is an InputError with its line."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError("no such query file", str(path)) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a query file", str(path)) from None
    except UnicodeDecodeError as error:
        line = error.object[: error.start].count(b"\n") + 1
        raise InputError(f"not UTF-8 text ({error.reason} at byte {error.start})", str(path), line) from None
    except OSError as error:
        raise InputError(f"cannot read the query file ({error.strerror or error})", str(path)) from None
    header: dict[str, str] = {}
    parameters = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            break
        match = _HEADER.match(line)
        if not match:
            continue
        key, value = match.groups()
        if key == "param":
            parts = value.split(None, 3)
            if len(parts) < 3 or parts[1] not in PARAM_TYPES:
                raise InputError(
                    f"malformed parameter declaration {value!r}: expected '# param: NAME TYPE EXAMPLE description' "
                    f"with TYPE one of {', '.join(PARAM_TYPES)}",
                    str(path),
                    number,
                )
            parameters.append(Parameter(parts[0], parts[1], parts[2], parts[3] if len(parts) > 3 else ""))
        else:
            header[key] = value.strip()
    return QueryFile(
        name=path.stem,
        path=path,
        text=text,
        title=header.get("title"),
        question=header.get("question"),
        competency_question=header.get("competency-question"),
        row=header.get("row"),
        parameters=tuple(parameters),
    )


def bundled_queries() -> list[QueryFile]:
    """Return the bundled queries (``queries/*.rq``), sorted by name."""
    return [read_query_file(path) for path in sorted(resource_dir("queries").glob("*.rq"))]


def find_query(name_or_file: str) -> QueryFile:
    """Return a bundled query by name, or a query file by path; an unknown name lists the nearest names."""
    path = Path(name_or_file)
    if name_or_file.endswith(".rq") or path.exists():
        return read_query_file(path)
    queries = {q.name: q for q in bundled_queries()}
    if name_or_file in queries:
        return queries[name_or_file]
    nearest = difflib.get_close_matches(name_or_file, list(queries), n=3, cutoff=0.4)
    hint = f"; nearest: {', '.join(nearest)}" if nearest else "; `kgtool queries` lists them"
    raise InputError(f"unknown query {name_or_file!r}{hint}")


def _to_term(parameter: Parameter, value: str) -> ox.NamedNode | ox.Literal:
    if parameter.type == "iri":
        iri = value[1:-1] if value.startswith("<") and value.endswith(">") else value
        for prefix, namespace in _KNOWN_PREFIXES.items():
            if iri.startswith(prefix):
                iri = namespace + iri[len(prefix) :]
        if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$", iri):
            raise InputError(f"parameter {parameter.name!r} must be an IRI, got {value!r}")
        return ox.NamedNode(iri)
    if parameter.type == "date":
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            raise InputError(f"parameter {parameter.name!r} must be a date YYYY-MM-DD, got {value!r}") from None
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            raise InputError(f"parameter {parameter.name!r} must be a date YYYY-MM-DD, got {value!r}")
        return ox.Literal(value, datatype=ox.NamedNode(XSD + "date"))
    if parameter.type == "integer":
        if not re.fullmatch(r"[+-]?[0-9]+", value):
            raise InputError(f"parameter {parameter.name!r} must be an integer, got {value!r}")
        return ox.Literal(str(int(value)), datatype=ox.NamedNode(XSD + "integer"))
    return ox.Literal(value)


def bind_parameters(query: QueryFile, given: dict[str, str]) -> str:
    """Return the query text with its parameters bound by a VALUES block of typed terms.

    Every declared parameter must be given (its example is shown in the error); an undeclared one is an error.
    """
    declared = {p.name: p for p in query.parameters}
    unknown = sorted(set(given) - set(declared))
    if unknown:
        names = ", ".join(declared) or "none"
        raise InputError(f"unknown parameter {unknown[0]!r} for query {query.name!r} (declared: {names})")
    missing = [p for p in query.parameters if p.name not in given]
    if missing:
        p = missing[0]
        raise InputError(f"query {query.name!r} needs --param {p.name}=VALUE ({p.type}, e.g. {p.example})")
    if not query.parameters:
        return query.text
    terms = [_to_term(declared[name], value) for name, value in given.items()]
    try:
        return insert_values(query.text, list(given), [terms])
    except ValueError:
        raise InputError("a query with parameters needs an explicit 'WHERE {' to bind them", str(query.path)) from None


def update_keyword(text: str) -> str | None:
    """Return the update keyword (INSERT, DROP, ...) a SPARQL text starts with after its prologue, if any."""
    code = strip_comments(text)
    code = re.sub(r"(?is)^\s*((PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*", "", code)
    word = re.match(r"\s*([A-Za-z]+)", code)
    keyword = word.group(1).upper() if word else None
    return keyword if keyword in _UPDATE_KEYWORDS else None


def parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    """Turn ``name=value`` pairs into a dict; a pair without '=' is an InputError."""
    params: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise InputError(f"--param expects name=value, got {pair!r}")
        params[name] = value
    return params
