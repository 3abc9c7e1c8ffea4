"""Build or open the store a command works on: the bundled graph in memory, given files, or a disk store."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from kgtool.errors import InputError
from kgtool.resources import turtle_files
from kgtool.rules import derive_bindings
from kgtool.store import DATA_GRAPH, ONTOLOGY_GRAPH, EmbeddedStore


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
    """Return an in-memory store holding the bundled ontology and the given data files (not the bundled data)."""
    store = EmbeddedStore()
    load_bundled(store, with_data=False)
    for path in paths:
        if not path.is_file():
            raise InputError("no such file", str(path))
        store.load_file(path, DATA_GRAPH)
    return store


def open_disk_store(location: Path, *, empty: bool = False) -> EmbeddedStore:
    """Open a persistent store; a new one starts from the bundled ontology and graph (or empty with ``empty``)."""
    if location.exists() and not location.is_dir():
        raise InputError("--store must be a directory", str(location))
    is_new = not location.exists() or not any(location.iterdir())
    store = EmbeddedStore(location)
    if is_new and not empty:
        load_bundled(store)
        derive_bindings(store)
        store.flush()
    return store


def open_store(paths: Iterable[Path] = (), location: Path | None = None, *, empty: bool = False) -> EmbeddedStore:
    """Return the store a reading command works on: given files, a disk store, or the bundled graph.

    In-memory stores get their bindings derived here; a disk store keeps them current on every write.
    """
    paths = list(paths)
    if paths and location is not None:
        raise InputError("give data files or --store, not both")
    if location is not None:
        return open_disk_store(location, empty=empty)
    store = store_with_files(paths) if paths else bundled_store()
    derive_bindings(store)
    return store
