"""Where triples live. The only package that knows how they are stored.

kgtool keeps its knowledge in named graphs; queries see the union of them as the default graph:

- ``ONTOLOGY_GRAPH``: the ontology and its controlled vocabularies (``ontology/``);
- ``DATA_GRAPH``: the bundled instance data (``graph/``);
- ``DERIVED_GRAPH``: what kgtool's rules derive (bindings); recomputed, never edited by hand;
- ``INFERRED_GRAPH``: OWL 2 RL inferences materialised by `kgtool reason --materialise`; recomputed;
- ``IMPORTS_GRAPH``: the provenance of each `kgtool import` (a ``kgo:Import`` activity per run);
- ``IMPORT_GRAPH_PREFIX`` + id: the triples of one import.
"""

from kgtool.store.embedded import EmbeddedStore

ONTOLOGY_GRAPH = "https://w3id.org/kgtool/graph/ontology"
DATA_GRAPH = "https://w3id.org/kgtool/graph/data"
DERIVED_GRAPH = "https://w3id.org/kgtool/graph/derived"
INFERRED_GRAPH = "https://w3id.org/kgtool/graph/inferred"
IMPORTS_GRAPH = "https://w3id.org/kgtool/graph/imports"
IMPORT_GRAPH_PREFIX = "https://w3id.org/kgtool/graph/import/"

__all__ = [
    "DATA_GRAPH",
    "DERIVED_GRAPH",
    "IMPORTS_GRAPH",
    "IMPORT_GRAPH_PREFIX",
    "INFERRED_GRAPH",
    "ONTOLOGY_GRAPH",
    "EmbeddedStore",
]
