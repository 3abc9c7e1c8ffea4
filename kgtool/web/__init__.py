"""What a person reads: the HTML dossier with its timeline, and the SPARQL endpoint `serve`."""
