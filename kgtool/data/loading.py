"""Build or open the store a command works on: the bundled graph in memory, given files, or a disk store."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kgtool.compliance.rules import derive_bindings
from kgtool.errors import InputError
from kgtool.resources import turtle_files
from kgtool.store import DATA_GRAPH, ONTOLOGY_GRAPH, EmbeddedStore
from kgtool.store.embedded import rdf_format_for
from kgtool.store.rdf_files import has_triples
from kgtool.store.remote import RemoteStore


def load_bundled(store: EmbeddedStore, *, with_data: bool = True) -> None:
    """Load the bundled ontology (and, unless ``with_data`` is false, the bundled graph) into a store."""
    store.load_files(turtle_files("ontology"), ONTOLOGY_GRAPH)
    if with_data:
        store.load_files(turtle_files("graph"), DATA_GRAPH)


def bundled_store() -> EmbeddedStore:
    """Return an in-memory store holding the bundled ontology and instance data."""
    store = EmbeddedStore()
    load_bundled(store)
    return store


def store_with_files(paths: Iterable[Path]) -> EmbeddedStore:
    """Return an in-memory store holding the bundled ontology and the given data files (not the bundled data).

    A file without a single triple is refused (an InputError): checking it would report no unmet obligation
    and data that holds, which reads as a clean result for a file that is empty or not what was meant.
    """
    store = EmbeddedStore()
    load_bundled(store, with_data=False)
    for path in paths:
        if not path.is_file():
            raise InputError("no such file", str(path))
        if path.stat().st_size == 0:  # (an empty RDF/XML or JSON-LD file is not even a document)
            raise InputError("no triples in the file", str(path))
        was_empty = next(store.triples(DATA_GRAPH), None) is None
        store.load_file(path, DATA_GRAPH)
        if was_empty:
            empty = next(store.triples(DATA_GRAPH), None) is None
        else:  # after other files: read this one up to its first triple
            empty = not has_triples(path, rdf_format_for(path))
        if empty:
            raise InputError("no triples in the file", str(path))
    return store


def open_disk_store(location: Path, *, empty: bool = False) -> EmbeddedStore:
    """Open a persistent store; a new one starts from the bundled ontology and graph (or empty with ``empty``).

    What an import killed before its commit left behind is dropped on opening (the store is locked to this
    process, so no import can be running).
    """
    if location.exists() and not location.is_dir():
        raise InputError("--store must be a directory", str(location))
    is_new = not location.exists() or not any(location.iterdir())
    store = EmbeddedStore(location)
    if is_new and not empty:
        load_bundled(store)
        derive_bindings(store)
        store.flush()
    elif not is_new:
        from kgtool.data.importer import discard_unfinished_imports

        discard_unfinished_imports(store)
    return store


@dataclass(frozen=True)
class StoreSource:
    """Where a command's data lives: the bundled graph (nothing set), a disk store, or a SPARQL endpoint."""

    location: Path | None = None
    endpoint: str | None = None
    profile: str = "auto"


def open_store(
    paths: Iterable[Path] = (), source: StoreSource | Path | None = None, *, empty: bool = False
) -> EmbeddedStore | RemoteStore:
    """Return the store a command works on: given files, a disk store, an endpoint, or the bundled graph.

    In-memory stores get their bindings derived here; disk stores and servers keep them current on every
    write (import, push).
    """
    if not isinstance(source, StoreSource):
        source = StoreSource(location=source)
    paths = list(paths)
    if sum(bool(x) for x in (paths, source.location, source.endpoint)) > 1:
        raise InputError("give data files, --store or --endpoint, not more than one")
    if source.endpoint:
        return RemoteStore.connect(source.endpoint, source.profile)
    location = source.location
    if location is not None:
        return open_disk_store(location, empty=empty)
    store = store_with_files(paths) if paths else bundled_store()
    derive_bindings(store)
    return store
