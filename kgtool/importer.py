"""`kgtool import`: parse everything, validate the store plus the new data, then write it all in one transaction.

Each import is a ``kgo:Import`` activity in the imports graph (files, SHA-256, time, triple counts, the named
graph written) and its triples go into a named graph of their own, so one import can be listed and undone.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from kgtool.errors import EXIT_FAILED, InputError, KgtoolError
from kgtool.formats.csv_kinds import read_csv
from kgtool.formats.rdf_files import FORMAT_BY_SUFFIX, RDF_FORMATS
from kgtool.lookup import StoreLookup
from kgtool.rules import derive_bindings
from kgtool.sparql import read_query
from kgtool.store import IMPORT_GRAPH_PREFIX, IMPORTS_GRAPH, EmbeddedStore
from kgtool.store.embedded import syntax_error_to_input_error
from kgtool.validate import QualityReport, validate_store

KGO = "https://w3id.org/kgtool/ontology#"
PROV = "http://www.w3.org/ns/prov#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
IMPORT_IRI_PREFIX = "https://w3id.org/kgtool/id/import/"

PROGRESS_THRESHOLD = 4 * 1024 * 1024


class QualityFailureError(KgtoolError):
    """The store plus the new data breaks the quality shapes: nothing was written."""

    exit_code = EXIT_FAILED

    def __init__(self, report: QualityReport) -> None:
        self.report = report
        count = len(report.violations)
        super().__init__(f"data quality fails with the new data ({count} violation(s)); nothing imported")


@dataclass
class ImportedFileRecord:
    """One file of an import."""

    name: str
    sha256: str
    format: str
    triples: int


@dataclass
class ImportRecord:
    """One import: its id, time, graph, files and triple count."""

    id: str
    time: str
    graph: str
    triples: int
    files: list[ImportedFileRecord] = field(default_factory=list)

    def as_dict(self) -> dict:
        """Return the record with stable keys for JSON output."""
        return {
            "id": self.id,
            "time": self.time,
            "graph": self.graph,
            "triples": self.triples,
            "files": [f.__dict__ for f in self.files],
        }


class _ProgressReader(io.RawIOBase):
    """A file reader that advances a click progress bar as the parser reads."""

    def __init__(self, handle: BinaryIO, bar) -> None:
        self._handle = handle
        self._bar = bar

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._handle.read(len(buffer))
        buffer[: len(data)] = data
        self._bar.update(len(data))
        return len(data)


def format_of(path: Path, forced: str | None) -> str:
    """Return the import format of a file: forced by --format, or from its extension."""
    if forced is not None:
        return forced
    try:
        return FORMAT_BY_SUFFIX[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(FORMAT_BY_SUFFIX))
        message = f"unknown file extension {path.suffix!r} (known: {known}; or use --format)"
        raise InputError(message, str(path)) from None


def _parse_rdf(path: Path, fmt: str, show_progress: bool) -> list[ox.Triple]:
    size = path.stat().st_size
    with path.open("rb") as handle:
        try:
            if show_progress and size > PROGRESS_THRESHOLD:
                import click

                with click.progressbar(length=size, label=f"parsing {path.name}", file=sys.stderr) as bar:
                    quads = list(ox.parse(io.BufferedReader(_ProgressReader(handle, bar)), format=RDF_FORMATS[fmt]))
            else:
                quads = list(ox.parse(handle, format=RDF_FORMATS[fmt]))
        except SyntaxError as error:
            raise syntax_error_to_input_error(error, str(path)) from None
    # Quad formats are flattened: an import writes one named graph of its own.
    return [ox.Triple(q.subject, q.predicate, q.object) for q in quads]


def read_import_files(
    store: EmbeddedStore, paths: list[Path], forced_format: str | None = None, show_progress: bool = False
) -> tuple[list[ox.Triple], list[ImportedFileRecord]]:
    """Parse and convert every file; return the new triples (deduplicated, in order) and one record per file."""
    lookup = StoreLookup.read(store)
    seen: dict[ox.Triple, None] = {}
    records = []
    for path in paths:
        if not path.is_file():
            raise InputError("no such file", str(path))
        fmt = format_of(path, forced_format)
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if fmt == "csv":
            kind, triples = read_csv(path, lookup)
            fmt = f"csv:{kind}"
        else:
            triples = _parse_rdf(path, fmt, show_progress)
        for triple in triples:
            seen.setdefault(triple, None)
        records.append(ImportedFileRecord(path.name, digest, fmt, len(triples)))
    return list(seen), records


def _provenance(record: ImportRecord) -> list[ox.Quad]:
    graph = ox.NamedNode(IMPORTS_GRAPH)
    activity = ox.NamedNode(IMPORT_IRI_PREFIX + record.id)
    integer = ox.NamedNode(XSD + "integer")
    quads = [
        ox.Quad(activity, RDF_TYPE, ox.NamedNode(KGO + "Import"), graph),
        ox.Quad(
            activity,
            ox.NamedNode(PROV + "startedAtTime"),
            ox.Literal(record.time, datatype=ox.NamedNode(XSD + "dateTime")),
            graph,
        ),
        ox.Quad(activity, ox.NamedNode(KGO + "importedGraph"), ox.NamedNode(record.graph), graph),
        ox.Quad(activity, ox.NamedNode(PROV + "generated"), ox.NamedNode(record.graph), graph),
        ox.Quad(activity, ox.NamedNode(KGO + "tripleCount"), ox.Literal(str(record.triples), datatype=integer), graph),
    ]
    for index, file in enumerate(record.files, start=1):
        entity = ox.NamedNode(f"{IMPORT_IRI_PREFIX}{record.id}/file/{index}")
        quads += [
            ox.Quad(activity, ox.NamedNode(PROV + "used"), entity, graph),
            ox.Quad(entity, RDF_TYPE, ox.NamedNode(KGO + "ImportedFile"), graph),
            ox.Quad(entity, ox.NamedNode(KGO + "fileName"), ox.Literal(file.name), graph),
            ox.Quad(entity, ox.NamedNode(KGO + "sha256"), ox.Literal(file.sha256), graph),
            ox.Quad(entity, ox.NamedNode(KGO + "importFormat"), ox.Literal(file.format), graph),
            ox.Quad(entity, ox.NamedNode(KGO + "tripleCount"), ox.Literal(str(file.triples), datatype=integer), graph),
        ]
    return quads


def import_files(
    store: EmbeddedStore,
    paths: list[Path],
    forced_format: str | None = None,
    now: datetime.datetime | None = None,
    show_progress: bool = False,
) -> ImportRecord:
    """Import files into the store, all or nothing; raise InputError or QualityFailure and write nothing."""
    if not paths:
        raise InputError("no files to import")
    triples, files = read_import_files(store, paths, forced_format, show_progress)
    now = now or datetime.datetime.now(datetime.UTC)
    stamp = now.strftime("%Y%m%dT%H%M%S%fZ")
    digest = hashlib.sha256("".join(f.sha256 for f in files).encode() + stamp.encode()).hexdigest()[:8]
    import_id = f"{stamp}-{digest}"
    record = ImportRecord(
        id=import_id,
        time=now.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        graph=IMPORT_GRAPH_PREFIX + import_id,
        triples=len(triples),
        files=files,
    )
    graph = ox.NamedNode(record.graph)
    data = [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]
    candidate = EmbeddedStore()
    candidate.extend(store.quads())
    candidate.extend(data)
    report = validate_store(candidate)
    if not report.conforms:
        raise QualityFailureError(report)
    store.extend(data + _provenance(record))
    derive_bindings(store)
    store.flush()
    return record


def list_imports(store: EmbeddedStore) -> list[ImportRecord]:
    """Return the imports recorded in the store, oldest first."""
    records: dict[str, ImportRecord] = {}
    for row in store.select(read_query("import/imports.rq")):
        import_id = row["activity"].value.removeprefix(IMPORT_IRI_PREFIX)
        record = records.setdefault(
            import_id,
            ImportRecord(import_id, row["time"].value, row["graph"].value, int(row["triples"].value)),
        )
        file = ImportedFileRecord(
            row["name"].value, row["sha256"].value, row["format"].value, int(row["fileTriples"].value)
        )
        record.files.append(file)
    return sorted(records.values(), key=lambda r: (r.time, r.id))


def undo_import(store: EmbeddedStore, import_id: str) -> ImportRecord:
    """Remove exactly one import (its graph and its provenance) in one transaction, then re-derive bindings."""
    matches = [r for r in list_imports(store) if r.id == import_id]
    if not matches:
        known = ", ".join(r.id for r in list_imports(store)) or "none"
        raise InputError(f"no import with id {import_id!r} (imports: {known})")
    record = matches[0]
    graph, imports = ox.NamedNode(record.graph), ox.NamedNode(IMPORTS_GRAPH)
    activity = ox.NamedNode(IMPORT_IRI_PREFIX + record.id)
    used = ox.NamedNode(PROV + "used")
    store.update(
        f"DROP SILENT GRAPH {graph} ;\n"
        f"DELETE {{ GRAPH {imports} {{ ?file ?p ?o }} }}\n"
        f"WHERE {{ GRAPH {imports} {{ {activity} {used} ?file . ?file ?p ?o }} }} ;\n"
        f"DELETE WHERE {{ GRAPH {imports} {{ {activity} ?p ?o }} }}"
    )
    derive_bindings(store)
    store.flush()
    return record
