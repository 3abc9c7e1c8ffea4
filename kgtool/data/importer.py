"""`kgtool import`: stage the files in the target store, validate there, then commit in one update.

Each import is a ``kgo:Import`` activity in the imports graph (files, SHA-256, time, triple counts, the named
graph written) and its triples go into a named graph of their own, so one import can be listed and undone.

The same steps run on a disk store and on a SPARQL server (``RemoteStore``); only where the staging graph lives
differs (see ``staging_graph``):

1. every file is streamed into a staging graph of the target store, RDF straight from pyoxigraph's parser,
   CSV rows converted one by one (a bad row is found as it is reached);
2. the quality shapes run, as SPARQL on the store, over its graphs plus the staging graph, and the bindings are
   derived from the same dataset into a second staging graph;
3. one update commits: the staging graph moves into the import's graph, the new bindings replace the derived
   graph, and the provenance record is inserted;
4. any failure before the commit (bad input, a quality violation, a server error) drops the staging graphs,
   so the store is exactly as before.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import io
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from kgtool.compliance.rules import binding_rule, derive_bindings
from kgtool.data.convert import ImportContext
from kgtool.data.csv_files import read_csv_table
from kgtool.data.lookup import StoreLookup
from kgtool.data.mapping import read_mapped_table
from kgtool.data.tables import Table, TableOptions, convert_table, convert_table_ntriples, table_kind
from kgtool.data.workbooks import read_workbook_tables
from kgtool.errors import EXIT_FAILED, InputError, KgtoolError
from kgtool.quality.validate import QualityReport, validate_store
from kgtool.sparql.files import read_query
from kgtool.store import DERIVED_GRAPH, IMPORT_GRAPH_PREFIX, IMPORTS_GRAPH, EmbeddedStore
from kgtool.store.embedded import syntax_error_to_input_error
from kgtool.store.http import EndpointError, EndpointTimeoutError
from kgtool.store.rdf_files import FORMAT_BY_SUFFIX, RDF_FORMATS, TABLE_FORMATS, check_rdf_file, has_triples
from kgtool.store.remote import RemoteStore

KGO = "https://w3id.org/kgtool/ontology#"
PROV = "http://www.w3.org/ns/prov#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
IMPORT_IRI_PREFIX = "https://w3id.org/kgtool/id/import/"
#: Temporary graphs of an import in progress: ``<prefix><nonce>`` (data) and ``<prefix><nonce>:derived``.
STAGING_PREFIX = "urn:kgtool:staging:"

PROGRESS_THRESHOLD = 4 * 1024 * 1024

Store = EmbeddedStore | RemoteStore


class QualityFailureError(KgtoolError):
    """The store plus the new data breaks the quality shapes: nothing was written."""

    exit_code = EXIT_FAILED

    def __init__(self, report: QualityReport) -> None:
        self.report = report
        count = len(report.violations)
        super().__init__(f"data quality fails with the new data ({count} violation(s)); nothing imported")


class CommitUnknownError(KgtoolError):
    """The server did not answer the commit in time and has not recorded the import yet: it may still do so.

    The staging graphs are kept: dropping them while the server may still be moving them could commit an
    import without its data.
    """


@dataclass
class ImportedFileRecord:
    """One file of an import; ``triples`` counts those it added (a triple given by an earlier file counts there)."""

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
    #: ``FILE:ROW: warning: ...`` lines (a depositary's date that differs from kgtool's); not recorded.
    warnings: list[str] = field(default_factory=list)

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


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


@contextlib.contextmanager
def _open_rdf(path: Path, show_progress: bool) -> Iterator[BinaryIO]:
    size = path.stat().st_size
    with path.open("rb") as handle:
        if show_progress and size > PROGRESS_THRESHOLD:
            import click

            with click.progressbar(length=size, label=f"parsing {path.name}", file=sys.stderr) as bar:
                yield io.BufferedReader(_ProgressReader(handle, bar))
        else:
            yield handle


def _stage_rdf_file(store: Store, graph: str, path: Path, fmt: str, show_progress: bool) -> None:
    """Stream one RDF file into the staging graph."""
    if path.stat().st_size == 0:  # (an empty RDF/XML or JSON-LD file is not even a document)
        raise InputError("no triples in the file; nothing imported", str(path))
    rdf_format = RDF_FORMATS[fmt]
    # Before anything is staged (on a server too: RemoteStore parses here): nesting, DOCTYPE, well-formed XML,
    # control characters, JSON-LD language tags (kgtool.store.rdf_guard).
    check_rdf_file(path, rdf_format)
    with _open_rdf(path, show_progress) as source:
        try:
            store.bulk_load(source, rdf_format, graph)
        except SyntaxError as error:
            raise syntax_error_to_input_error(error, str(path), path, rdf_format) from None


def _tables_of(path: Path, fmt: str, mapping: Path | None) -> list[Table]:
    """Return the tables of one CSV file (read through the mapping, if any) or of one workbook's sheets."""
    if fmt == "csv":
        return [read_mapped_table(path, mapping) if mapping is not None else read_csv_table(path)]
    return read_workbook_tables(path)


def _provenance(record: ImportRecord) -> list[ox.Triple]:
    activity = ox.NamedNode(IMPORT_IRI_PREFIX + record.id)
    integer = ox.NamedNode(XSD + "integer")
    triples = [
        ox.Triple(activity, RDF_TYPE, ox.NamedNode(KGO + "Import")),
        ox.Triple(
            activity,
            ox.NamedNode(PROV + "startedAtTime"),
            ox.Literal(record.time, datatype=ox.NamedNode(XSD + "dateTime")),
        ),
        ox.Triple(activity, ox.NamedNode(KGO + "importedGraph"), ox.NamedNode(record.graph)),
        ox.Triple(activity, ox.NamedNode(PROV + "generated"), ox.NamedNode(record.graph)),
        ox.Triple(activity, ox.NamedNode(KGO + "tripleCount"), ox.Literal(str(record.triples), datatype=integer)),
    ]
    for index, file in enumerate(record.files, start=1):
        entity = ox.NamedNode(f"{IMPORT_IRI_PREFIX}{record.id}/file/{index}")
        triples += [
            ox.Triple(activity, ox.NamedNode(PROV + "used"), entity),
            ox.Triple(entity, RDF_TYPE, ox.NamedNode(KGO + "ImportedFile")),
            ox.Triple(entity, ox.NamedNode(KGO + "fileName"), ox.Literal(file.name)),
            ox.Triple(entity, ox.NamedNode(KGO + "sha256"), ox.Literal(file.sha256)),
            ox.Triple(entity, ox.NamedNode(KGO + "importFormat"), ox.Literal(file.format)),
            ox.Triple(entity, ox.NamedNode(KGO + "tripleCount"), ox.Literal(str(file.triples), datatype=integer)),
        ]
    return triples


def _commit(record: ImportRecord, staging: str, derived: str | None) -> str:
    """Return the one update that makes a staged import real: data, bindings and provenance together."""
    steps = []
    if staging != record.graph:
        steps.append(f"MOVE SILENT GRAPH {ox.NamedNode(staging)} TO GRAPH {ox.NamedNode(record.graph)}")
    steps.append(f"DROP SILENT GRAPH {ox.NamedNode(DERIVED_GRAPH)}")
    if derived is not None:
        steps.append(f"MOVE SILENT GRAPH {ox.NamedNode(derived)} TO GRAPH {ox.NamedNode(DERIVED_GRAPH)}")
    body = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in _provenance(record))
    steps.append(f"INSERT DATA {{ GRAPH {ox.NamedNode(IMPORTS_GRAPH)} {{\n{body}\n}} }}")
    return " ;\n".join(steps)


def _commit_import(store: Store, record: ImportRecord, update: str) -> None:
    """Run the commit; a commit whose answer was lost but which the server made counts as made.

    The commit moves the staged triples into place: a server gets as long as a push's ``MOVE`` of that size.
    """
    try:
        store.update(update, store.move_timeout(record.triples))
    except EndpointError as error:
        with contextlib.suppress(EndpointError):
            if any(r.id == record.id for r in list_imports(store)):
                return
        if isinstance(error, EndpointTimeoutError):
            raise CommitUnknownError(
                f"{error}; the server may still commit import {record.id}: `kgtool imports` shows whether it "
                "did (KGTOOL_TIMEOUT gives it longer)"
            ) from None
        raise


def import_files(
    store: Store,
    paths: list[Path],
    forced_format: str | None = None,
    now: datetime.datetime | None = None,
    show_progress: bool = False,
    options: TableOptions | None = None,
    mapping: Path | None = None,
) -> ImportRecord:
    """Import files into a disk store or a server, all or nothing.

    RDF files are staged first, in the order given; then the tables (CSV files, workbook sheets) in the order
    of their kinds (instruments before the provisions, obligations and participation that refer to them), so
    the files of one case may refer to each other whatever the order they are given in. On bad input
    (InputError), a quality violation (QualityFailureError) or a server error (EndpointError) the staging graphs
    are dropped and the store is exactly as it was.
    """
    if not paths:
        raise InputError("no files to import")
    options = options or TableOptions()
    formats = []
    for path in paths:
        if not path.is_file():
            raise InputError("no such file", str(path))
        formats.append(format_of(path, forced_format))
    if mapping is not None and any(fmt != "csv" for fmt in formats):
        raise InputError("--mapping describes CSV files: give only CSV files with it")
    digests = [_sha256(path) for path in paths]
    now = now or datetime.datetime.now(datetime.UTC)
    stamp = now.strftime("%Y%m%dT%H%M%S%fZ")
    import_id = f"{stamp}-{hashlib.sha256(''.join(digests).encode() + stamp.encode()).hexdigest()[:8]}"
    record = ImportRecord(import_id, now.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), IMPORT_GRAPH_PREFIX + import_id, 0)
    nonce = uuid.uuid4().hex
    staging = store.staging_graph(record.graph, STAGING_PREFIX + nonce)
    derived = f"{STAGING_PREFIX}{nonce}:derived"
    added = dict.fromkeys(range(len(paths)), 0)
    labels: dict[int, list[str]] = {index: [] for index in range(len(paths))}
    #: Where quality and bindings are computed: the store, or a copy of it holding the same quads.
    checked: Store = store
    try:
        staged = 0
        for index, (path, fmt) in enumerate(zip(paths, formats, strict=True)):
            if fmt in TABLE_FORMATS:
                continue
            _stage_rdf_file(store, staging, path, fmt, show_progress)
            count = store.count(staging)
            # A file that added nothing holds no triple, or only triples an earlier file of the import gave.
            if count == staged and not has_triples(path, RDF_FORMATS[fmt]):
                raise InputError("no triples in the file; nothing imported", str(path))
            added[index], staged, labels[index] = count - staged, count, [fmt]
        tables = [
            (index, table, table_kind(table, options))
            for index, (path, fmt) in enumerate(zip(paths, formats, strict=True))
            if fmt in TABLE_FORMATS
            for table in _tables_of(path, fmt, mapping)
        ]
        if tables:
            # What rows refer to is looked up in the store plus what this import's RDF files staged.
            with store.including(staging):
                context = ImportContext(StoreLookup.read(store))
            if isinstance(store, EmbeddedStore) and store.on_disk:
                # Quality and bindings run on an in-memory copy of the store plus the staged rows: the same
                # quads as the disk store (the copy is made after the RDF files are staged, and every row's
                # text goes to both), so the same results. Measured at 100k incident rows: validation on disk
                # 22 s -> copy 0.1 s + load 3 s + validation 5 s.
                checked = store.working_copy()
            for index, table, kind in sorted(tables, key=lambda entry: entry[2].order):
                if isinstance(store, EmbeddedStore):  # N-Triples text for the engine's bulk loader
                    copy = checked if checked is not store else None
                    store.bulk_add_ntriples(convert_table_ntriples(table, kind, context, options), staging, copy)
                else:
                    store.bulk_add(convert_table(table, kind, context, options), staging)
                count = store.count(staging)
                added[index], staged = added[index] + count - staged, count
                labels[index].append(kind.name)
            record.warnings = context.warnings
        for index, (path, fmt, digest) in enumerate(zip(paths, formats, digests, strict=True)):
            label = f"{fmt}:{'+'.join(labels[index])}" if fmt in TABLE_FORMATS else fmt
            record.files.append(ImportedFileRecord(path.name, digest, label, added[index]))
        record.triples = staged
        with store.including(staging):
            report = validate_store(checked)
            if not report.holds:
                raise QualityFailureError(report)
            bindings = checked.construct(binding_rule())
        store.bulk_add(bindings, derived)
        _commit_import(store, record, _commit(record, staging, derived if bindings else None))
    except CommitUnknownError:
        raise
    except BaseException:
        for graph in (staging, derived):
            store.drop_silently(graph)
        raise
    store.flush()
    return record


def discard_unfinished_imports(store: EmbeddedStore) -> None:
    """Drop what an import killed before its commit left in a disk store: staging graphs, unrecorded graphs.

    Only for a store this process holds the lock of (no import can be running in another process).
    """
    graphs = store.graphs()
    staged = [g for g in graphs if g.startswith(IMPORT_GRAPH_PREFIX) or g.startswith(STAGING_PREFIX)]
    if not staged:
        return
    recorded = {r.graph for r in list_imports(store)}
    for graph in staged:
        if graph not in recorded:
            store.drop_silently(graph)


def list_imports(store: Store) -> list[ImportRecord]:
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


def undo_import(store: Store, import_id: str) -> ImportRecord:
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
