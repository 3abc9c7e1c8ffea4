"""Which file extension is which input format: one table for the store's loader and for `kgtool import`.

Also streams the triples of an RDF document, for staging an import.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

import pyoxigraph as ox

#: The RDF formats kgtool reads, by the name `kgtool import --format` takes.
RDF_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}
#: Input format names by file extension (``csv`` is one of kgtool's CSV kinds, not RDF).
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
}
#: The extensions of RDF files.
RDF_SUFFIXES = {suffix: RDF_FORMATS[name] for suffix, name in FORMAT_BY_SUFFIX.items() if name in RDF_FORMATS}


def parse_triples(source: BinaryIO, fmt: ox.RdfFormat) -> Iterator[ox.Triple]:
    """Stream the triples of an RDF document, named graphs flattened, blank nodes renamed apart from others."""
    for quad in ox.parse(source, format=fmt, rename_blank_nodes=True):
        yield ox.Triple(quad.subject, quad.predicate, quad.object)
