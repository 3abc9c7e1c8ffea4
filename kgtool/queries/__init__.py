"""The bundled query library (typed parameters) and running a query on a store."""
