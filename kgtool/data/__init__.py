"""Bringing data in and out: import (RDF files, CSV kinds, workbooks, UNTC tables), loading, push."""
