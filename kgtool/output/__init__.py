"""What kgtool prints: compact names, JSON, query results, deterministic RDF export."""
