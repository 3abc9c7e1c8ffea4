"""Which file extension is which input format: one table for the store's loader and for `kgtool import`.

Also streams the triples of an RDF document, for staging an import, and tells whether a file holds any. Every
RDF file kgtool reads is first checked by `check_rdf_file` (kgtool.store.rdf_guard, re-exported here).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from kgtool.store.rdf_guard import check_rdf_file

__all__ = [
    "FORMAT_BY_SUFFIX",
    "RDF_FORMATS",
    "RDF_SUFFIXES",
    "TABLE_FORMATS",
    "check_rdf_file",
    "has_triples",
    "parse_triples",
]

#: The RDF formats kgtool reads, by the name `kgtool import --format` takes.
RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
#: Input format names by file extension (``csv``, ``xlsx`` and ``ods`` hold kgtool's import kinds, not RDF).
FORMAT_BY_SUFFIX = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".nq": "nq",
    ".trig": "trig",
    ".jsonld": "jsonld",
    ".json": "jsonld",
    ".rdf": "rdfxml",
    ".owl": "rdfxml",
    ".xml": "rdfxml",
    ".csv": "csv",
    ".xlsx": "xlsx",
    ".ods": "ods",
}
#: The input formats that are tables of kgtool's import kinds, not RDF.
TABLE_FORMATS = ("csv", "xlsx", "ods")
#: The extensions of RDF files.
RDF_SUFFIXES = {suffix: RDF_FORMATS[name] for suffix, name in FORMAT_BY_SUFFIX.items() if name in RDF_FORMATS}


def parse_triples(source: BinaryIO, fmt: ox.RdfFormat) -> Iterator[ox.Triple]:
    """Stream the triples of an RDF document, named graphs flattened, blank nodes renamed apart from others."""
    for quad in ox.parse(source, format=fmt, rename_blank_nodes=True):
        yield ox.Triple(quad.subject, quad.predicate, quad.object)


def has_triples(path: Path, fmt: ox.RdfFormat) -> bool:
    """Tell whether an RDF file holds at least one triple; parses only up to the first one."""
    return next(iter(ox.parse(path=str(path), format=fmt)), None) is not None
