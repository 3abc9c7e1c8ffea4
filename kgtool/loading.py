"""Build a store from the bundled knowledge or from given files."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from kgtool.errors import InputError
from kgtool.resources import turtle_files
from kgtool.store import DATA_GRAPH, ONTOLOGY_GRAPH, EmbeddedStore


def bundled_store() -> EmbeddedStore:
    """Return an in-memory store holding the bundled ontology and instance data."""
    store = EmbeddedStore()
    store.load_files(turtle_files("ontology"), ONTOLOGY_GRAPH)
    store.load_files(turtle_files("graph"), DATA_GRAPH)
    return store


def store_with_files(paths: Iterable[Path]) -> EmbeddedStore:
    """Return an in-memory store holding the bundled ontology and the given data files (not the bundled data)."""
    store = EmbeddedStore()
    store.load_files(turtle_files("ontology"), ONTOLOGY_GRAPH)
    for path in paths:
        if not path.is_file():
            raise InputError("no such file", str(path))
        store.load_file(path, DATA_GRAPH)
    return store


def store_for(paths: Iterable[Path]) -> EmbeddedStore:
    """Return a store of the given data files (with the bundled ontology), or of the bundled graph if none."""
    paths = list(paths)
    return store_with_files(paths) if paths else bundled_store()
