"""The embedded store: pyoxigraph in memory (or on disk), queried with the union of named graphs as default."""

from __future__ import annotations

import contextlib
import io
import itertools
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from kgtool.errors import InputError
from kgtool.sparql.guard import refuse_service
from kgtool.store.rdf_files import RDF_SUFFIXES, parse_triples
from kgtool.store.rdf_guard import check_rdf_file, locate_syntax_error
from kgtool.store.values import ValueRow, parse_tsv_values


def rdf_format_for(path: Path) -> ox.RdfFormat:
    """Return the RDF format of a file from its extension, or raise an InputError naming the file."""
    try:
        return RDF_SUFFIXES[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(RDF_SUFFIXES))
        raise InputError(f"unknown RDF file extension {path.suffix!r} (known: {known})", str(path)) from None


def syntax_error_to_input_error(
    error: SyntaxError, file: str, path: Path | None = None, fmt: ox.RdfFormat | None = None
) -> InputError:
    """Turn a pyoxigraph parse error into an InputError with the file, line and column.

    pyoxigraph gives no position for RDF/XML and JSON-LD errors: given the ``path`` and ``fmt`` of the file,
    the position is found by parsing it again (see kgtool.store.rdf_guard.locate_syntax_error).
    """
    message = str(error.msg if hasattr(error, "msg") else error)
    # pyoxigraph prefixes positions it also reports structurally: keep only the explanation.
    if message.startswith("Parser error") and ": " in message:
        message = message.split(": ", 1)[1]
    line, column = error.lineno, error.offset
    if line is None and path is not None and fmt is not None:
        line, column = locate_syntax_error(message, path, fmt) or (None, None)
    return InputError(message, file, line, column)


#: Below this many triples, staging writes in one transaction instead of through the bulk loader.
_BULK_THRESHOLD = 10_000


class _ChunkReader(io.RawIOBase):
    """A binary reader over an iterator of byte chunks; an exception the iterator raises ends the input.

    The exception is kept in ``error`` (for the caller to raise after the engine returns), not raised into the
    engine, which would turn it into an error of its own.
    """

    def __init__(self, chunks: Iterator[bytes], kept: list[bytes] | None = None) -> None:
        self._chunks = chunks
        self._kept = kept
        self._pending = memoryview(b"")
        self.error: BaseException | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self._pending and self.error is None:
            try:
                chunk = next(self._chunks)
                if self._kept is not None:
                    self._kept.append(chunk)
                self._pending = memoryview(chunk)
            except StopIteration:
                break
            except BaseException as error:  # handed back to the caller after the load
                self.error = error
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


class EmbeddedStore:
    """A pyoxigraph store. ``path=None`` keeps everything in memory."""

    def __init__(self, path: Path | None = None) -> None:
        self.on_disk = path is not None
        try:
            self._store = ox.Store(str(path)) if path is not None else ox.Store()
        except OSError as error:
            if "lock" in str(error).lower():
                raise InputError("the store is in use by another kgtool process", str(path)) from None
            raise

    def working_copy(self) -> EmbeddedStore:
        """Return a store to run many read-only queries on: itself in memory, an in-memory copy of a disk store.

        pyoxigraph answers queries on its disk store (RocksDB) about ten times slower than in memory; for a whole
        check of a 1M-triple store, copying it first (the engine dumps and loads N-Quads) costs far less than it
        saves. Memory: about 400 MB per million triples.
        """
        if not self.on_disk:
            return self
        copy = EmbeddedStore()
        copy._store.load(self._store.dump(format=ox.RdfFormat.N_QUADS) or b"", format=ox.RdfFormat.N_QUADS)
        return copy

    def close(self) -> None:
        """Release the store (and its lock on disk); the object is unusable afterwards."""
        self._store = None

    def __enter__(self) -> EmbeddedStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- loading -----------------------------------------------------------------------------------------
    def load_file(self, path: Path, graph: str) -> None:
        """Parse one RDF file into a named graph; a syntax error names the file, line and column.

        The file is checked first (kgtool.store.rdf_guard: nesting, DOCTYPE, XML well-formedness, control
        characters, JSON-LD language tags), so nothing of a refused file reaches the store.
        """
        fmt = rdf_format_for(path)
        check_rdf_file(path, fmt)
        try:
            self._store.load(path=str(path), format=fmt, to_graph=ox.NamedNode(graph))
        except SyntaxError as error:
            raise syntax_error_to_input_error(error, str(path), path, fmt) from None

    def load_files(self, paths: Iterable[Path], graph: str) -> None:
        """Parse several RDF files into one named graph."""
        for path in paths:
            self.load_file(path, graph)

    def replace_graph(self, graph: str, triples: Iterable[ox.Triple]) -> None:
        """Replace the content of a named graph with the given triples, in one transaction."""
        body = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
        name = ox.NamedNode(graph)
        self._store.update(f"DROP SILENT GRAPH {name} ;\nINSERT DATA {{ GRAPH {name} {{\n{body}\n}} }}")

    def extend(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads in one transaction: all of them, or none."""
        self._store.extend(quads)

    def update(self, update: str, timeout: float | None = None) -> None:
        """Run a SPARQL update request in one transaction (``timeout`` is for servers: ignored here)."""
        self._store.update(update)

    def move_timeout(self, triples: int) -> None:
        """Return how long an update moving so many triples may take: no limit in process."""
        return None

    # -- staging (kgtool import: the caller drops the staging graph on any failure) --------------------------
    def staging_graph(self, graph: str, temporary: str) -> str:
        """Return where to stage the content of the new graph ``graph``: here, in ``graph`` itself.

        pyoxigraph cannot rename a graph, and moving one copies and deletes every triple in one transaction
        (measured: 122 s and 3.4 GB for 1M triples). ``graph`` is new, and counts as written only once the
        import's commit records it (see kgtool.data.importer), so staging in place is as safe and costs nothing.
        """
        return graph

    def bulk_load(self, source: BinaryIO, fmt: ox.RdfFormat, graph: str) -> None:
        """Stream an RDF document into a named graph (quads' own graphs ignored), without a transaction.

        Fast and memory-bounded, but a failure can leave part of the document behind: only for staging. The
        caller checks the file first (kgtool.data.importer runs kgtool.store.rdf_guard.check_rdf_file on it).
        """
        if fmt.supports_datasets:
            self.bulk_add(parse_triples(source, fmt), graph)
        else:
            self._store.bulk_load(input=source, format=fmt, to_graph=ox.NamedNode(graph))

    def bulk_add(self, triples: Iterable[ox.Triple], graph: str) -> None:
        """Add triples to a named graph as they come, without a transaction (only for staging)."""
        name = ox.NamedNode(graph)
        quads = (ox.Quad(t.subject, t.predicate, t.object, name) for t in triples)
        first = list(itertools.islice(quads, _BULK_THRESHOLD))
        if len(first) < _BULK_THRESHOLD:
            # The bulk loader writes new files on every call (14 ms); a small batch is cheaper in a transaction.
            self._store.extend(first)
        else:
            self._store.bulk_extend(itertools.chain(first, quads))

    def bulk_add_ntriples(self, chunks: Iterable[bytes], graph: str, copy: EmbeddedStore | None = None) -> None:
        """Add N-Triples text, given in chunks as they are made, to a named graph without a transaction (staging).

        The engine's bulk loader parses the text in a thread of its own while the chunks are made here (the GIL
        is held only to hand each chunk over). An error raised by ``chunks`` (a bad row) stops the load and is
        raised here; as with ``bulk_add``, what was loaded before stays until the caller drops the graph.
        Measured at 100k incident rows (1.3M triples): 19.0 s through ``bulk_add`` -> 10.4 s. With ``copy`` (an
        in-memory copy of this store, see ``working_copy``), the same text is loaded into the same graph there.
        """
        kept: list[bytes] = []
        reader = _ChunkReader(iter(chunks), kept if copy is not None else None)
        name = ox.NamedNode(graph)
        self._store.bulk_load(input=io.BufferedReader(reader, 1 << 20), format=ox.RdfFormat.N_TRIPLES, to_graph=name)
        if reader.error is not None:
            raise reader.error
        if copy is not None:
            copy._store.bulk_load(input=_ChunkReader(iter(kept)), format=ox.RdfFormat.N_TRIPLES, to_graph=name)

    def count(self, graph: str) -> int:
        """Return the number of triples in a named graph."""
        query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }} }}"
        return int(next(iter(self._store.query(query)))["n"].value)

    @contextlib.contextmanager
    def including(self, *graphs: str) -> Iterator[None]:
        """Let queries see these graphs too, for the duration: here they always do (the union of all graphs)."""
        yield

    def drop_silently(self, graph: str) -> None:
        """Remove a named graph (nothing happens if it is not there)."""
        self._store.remove_graph(ox.NamedNode(graph))

    def quads(self, graph: str | None = None) -> list[ox.Quad]:
        """Return the quads of one named graph, or of every graph."""
        name = ox.NamedNode(graph) if graph is not None else None
        return list(self._store.quads_for_pattern(None, None, None, name))

    def triples(self, graph: str) -> Iterator[ox.Triple]:
        """Stream the triples of one named graph from the engine, without a list of them in Python."""
        for quad in self._store.quads_for_pattern(None, None, None, ox.NamedNode(graph)):
            yield quad.triple

    def graph_ntriples(self, graph: str) -> bytes:
        """Return one named graph as N-Triples, written by the engine (no Python object per triple)."""
        return self._store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph)) or b""

    def graphs(self) -> list[str]:
        """Return the IRIs of the named graphs, sorted."""
        return sorted(g.value for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def flush(self) -> None:
        """Make sure everything written is on disk (no-op in memory)."""
        self._store.flush()

    # -- reading ------------------------------------------------------------------------------------------
    def select(
        self, query: str, graphs: Sequence[str] | None = None
    ) -> list[dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]]:
        """Run a SELECT; return rows as {variable: term} (unbound left out).

        The default graph is the union of all graphs, or of the named ``graphs`` only (no rows if none).
        """
        if graphs is None:
            solutions = self._store.query(query, use_default_graph_as_union=True)
        elif not graphs:
            return []
        else:
            solutions = self._store.query(query, default_graph=[ox.NamedNode(g) for g in graphs])
        names = [v.value for v in solutions.variables]
        rows = []
        for solution in solutions:
            row = {}
            for name in names:
                term = solution[name]
                if term is not None:
                    row[name] = term
            rows.append(row)
        return rows

    def select_values(self, query: str) -> list[ValueRow]:
        """Run a SELECT; return rows as {variable: lexical value} (unbound left out), faster than ``select``."""
        solutions = self._store.query(query, use_default_graph_as_union=True)
        return parse_tsv_values(solutions.serialize(format=ox.QueryResultsFormat.TSV) or b"")

    def query(self, query: str, allow_service: bool = False) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run any read-only SPARQL query over the union of all graphs and return pyoxigraph's result.

        A SERVICE clause (a request to another server) is refused unless ``allow_service``.
        """
        if not allow_service:
            refuse_service(query)
        return self._store.query(query, use_default_graph_as_union=True)

    def construct(self, query: str) -> list[ox.Triple]:
        """Run a CONSTRUCT over the union of all graphs and return its triples."""
        return list(self._store.query(query, use_default_graph_as_union=True))

    def union_ntriples(self) -> bytes:
        """Return every triple of every graph (the union) as N-Triples."""
        triples = self._store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
        return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""

    def __len__(self) -> int:
        return len(self._store)
