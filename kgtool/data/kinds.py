"""The import kinds, declared once in ``kinds/*.toml``: their columns, column types and the triples a row makes.

The converter, ``kgtool kinds``, ``kgtool import --template KIND``, the README's table and the tests all read
these declarations; Python restates none of them.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from kgtool.resources import resource_dir

ID = "https://w3id.org/kgtool/id/"
SOURCE_COLUMNS = ("source_url", "source_title", "source_publisher", "source_date")
COLUMN_TYPES = (
    "text", "string", "id", "slug", "date", "duration", "boolean", "count", "state", "states", "choice",
    "concept", "group", "body", "ref", "refs", "labels",
)  # fmt: skip
#: Kinds read by a reader of their own (their rows become rows of another kind), not by the template.
TABLE_KINDS = ("treaty-status",)


@dataclass(frozen=True)
class Column:
    """One column of a kind: its name, type, whether a row must fill it, an example and what it holds."""

    name: str
    type: str
    required: bool
    example: str
    description: str
    values: dict[str, str] | None = None
    scheme: str | None = None
    refers: str | None = None
    none: bool = False


@dataclass(frozen=True)
class Kind:
    """One import kind, as its TOML file declares it."""

    name: str
    order: int
    description: str
    node: str
    label: str
    derived: tuple[str, ...]
    columns: tuple[Column, ...]
    #: The triples a row makes: each position is a constant term or the name of a row value (``?name``).
    triples: tuple[tuple[ox.NamedNode | ox.Literal | str, ...], ...]
    path: Path

    @property
    def column_names(self) -> tuple[str, ...]:
        """The kind's own columns, in declared order (the source columns not included)."""
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        """Return a column by its name."""
        return next(c for c in self.columns if c.name == name)


def prefixes() -> dict[str, str]:
    """Return the prefixes of ``graph/prefixes.txt`` (the Turtle prefixes of the bundled graph)."""
    text = (resource_dir("graph") / "prefixes.txt").read_text(encoding="utf-8")
    return dict(re.findall(r"@prefix\s+([A-Za-z][\w-]*):\s+<([^>]+)>\s*\.", text))


def expand(term: str, known: dict[str, str], where: str) -> ox.NamedNode:
    """Return the IRI of a prefixed name (``kgo:Finding``) or ``<...>`` IRI of a declaration."""
    if term.startswith("<") and term.endswith(">"):
        return ox.NamedNode(term[1:-1])
    if term == "a":
        return ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    prefix, _, local = term.partition(":")
    if prefix not in known or not _:
        raise ValueError(f"{where}: unknown prefixed name {term!r}")
    return ox.NamedNode(known[prefix] + local)


def _triples(text: str, known: dict[str, str], where: str) -> tuple[tuple[ox.NamedNode | str, ...], ...]:
    triples = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.removesuffix(".").split()
        if len(parts) != 3 or not line.endswith("."):
            raise ValueError(f"{where}: triples line {number}: expected 'subject predicate object .'")
        triples.append(tuple(p[1:] if p.startswith("?") else expand(p, known, where) for p in parts))
    return tuple(triples)


def _kind(path: Path, known: dict[str, str]) -> Kind:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    columns = []
    for entry in data["columns"]:
        if entry["type"] not in COLUMN_TYPES:
            raise ValueError(f"{path}: column {entry['name']!r}: unknown type {entry['type']!r}")
        values = entry.get("values")
        if values is not None:
            values = {k: expand(v, known, str(path)).value for k, v in values.items()}
        columns.append(
            Column(
                name=entry["name"],
                type=entry["type"],
                required=entry.get("required", False),
                example=entry.get("example", ""),
                description=entry["description"],
                values=values,
                scheme=entry.get("scheme"),
                refers=entry.get("refers"),
                none=entry.get("none", False),
            )
        )
    return Kind(
        name=path.stem,
        order=data["order"],
        description=data["description"],
        node=data["node"],
        label=data["label"],
        derived=tuple(data.get("derived", ())),
        columns=tuple(columns),
        triples=_triples(data["triples"], known, str(path)),
        path=path,
    )


@cache
def all_kinds() -> dict[str, Kind]:
    """Return every kind declared in ``kinds/``, in import order (then by name)."""
    known = prefixes()
    kinds = [_kind(path, known) for path in sorted(resource_dir("kinds").glob("*.toml"))]
    return {k.name: k for k in sorted(kinds, key=lambda k: (k.order, k.name))}


def kind_named(name: str) -> Kind:
    """Return the kind of this name, or raise KeyError."""
    return all_kinds()[name]


def header_of(kind: Kind) -> list[str]:
    """Return the header a CSV file of the kind has: its columns, then the source columns (not for table kinds)."""
    return list(kind.column_names) + ([] if kind.name in TABLE_KINDS else list(SOURCE_COLUMNS))


SOURCE_EXAMPLE = {
    "source_url": "https://example.org/report",
    "source_title": "Title of the document the row comes from",
    "source_publisher": "Its publisher",
    "source_date": "2024-01-01",
}


def template_csv(kind: Kind) -> str:
    """Return the CSV ``--template KIND`` prints: the header and one example row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header_of(kind))
    example = [c.example for c in kind.columns]
    if kind.name not in TABLE_KINDS:
        example += [SOURCE_EXAMPLE[c] for c in SOURCE_COLUMNS]
    writer.writerow(example)
    return out.getvalue()


def describe_kind(kind: Kind) -> dict:
    """Return a kind as JSON-ready data: name, description, columns (with their types) and header."""
    return {
        "kind": kind.name,
        "description": kind.description,
        "header": header_of(kind),
        "columns": [
            {"name": c.name, "type": c.type, "required": c.required, "description": c.description} for c in kind.columns
        ],
    }
