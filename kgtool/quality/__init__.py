"""Data quality: the SHACL shapes compiled to SPARQL and the validation report."""
