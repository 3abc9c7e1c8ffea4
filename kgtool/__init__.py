"""kgtool: a legal-obligations knowledge graph.

Which obligation has a State not met, since when, and on what evidence: States, treaties, domestic law, UN
findings and incidents in one RDF graph, with compliance rules that name each unmet obligation.
"""

__version__ = "0.1.0"
