"""Reasoning over the graph: HermiT for consistency and classification, OWL 2 RL for materialised inferences.

HermiT runs through owlready2 (needs Java); the OWL 2 RL inferences are kept in their own named graph
(``kgtool.store.INFERRED_GRAPH``), apart from the asserted triples.

- ``graphs``: which triples are asserted (everything but the derived and inferred graphs);
- ``java`` and ``hermit``: find a Java runtime and run HermiT on a set of triples;
- ``hierarchy``: the inferred class hierarchy from HermiT's classification;
- ``explain``: which individuals and classes make an inconsistent graph inconsistent;
- ``consistency``: `kgtool reason` (ontology alone, then ontology with data);
- ``materialise``: `kgtool reason --materialise` and `kgtool check --reason`.
"""
