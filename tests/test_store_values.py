"""The fast value rows (engine-written TSV, decoded in Python) equal the term rows' lexical values."""

from __future__ import annotations

import pytest

from kgtool.store import EmbeddedStore
from kgtool.store.values import parse_tsv_values

TRICKY = r"""
INSERT DATA { GRAPH <urn:g> {
    <urn:a> <urn:p> "tab\tnew\nline \"quoted\" back\\slash" , "é\u00e9 \U0001F600"@en-GB ,
        "042"^^<http://www.w3.org/2001/XMLSchema#integer> ,
        1.50 , 1e3 , true , "2020-01-01"^^<http://www.w3.org/2001/XMLSchema#date> , _:b1 , "" , "\r\u0001" ,
        "a\"b"^^<urn:dt> , "-5"^^<http://www.w3.org/2001/XMLSchema#integer> , <urn:iri%20with%20escapes> ,
        "ends with quote\""@en .
} }
"""

QUERIES = [
    "SELECT ?s ?p ?o WHERE { ?s ?p ?o }",
    "SELECT ?o WHERE { ?s ?p ?o }",
    "SELECT ?o ?missing WHERE { ?s ?p ?o }",
    "SELECT ?x WHERE { VALUES ?x { UNDEF 1 UNDEF } }",
    "SELECT ?x WHERE { VALUES ?x { 1 UNDEF } }",
    "SELECT ?x WHERE { ?s <urn:none> ?x }",
    "SELECT ?x ?y WHERE { VALUES (?x ?y) { (UNDEF UNDEF) ('' UNDEF) } }",
]


@pytest.fixture(scope="module")
def store() -> EmbeddedStore:
    s = EmbeddedStore()
    s.update(TRICKY)
    return s


@pytest.mark.parametrize("query", QUERIES)
def test_value_rows_equal_term_rows(store, query):
    expected = [{name: term.value for name, term in row.items()} for row in store.select(query)]
    assert store.select_values(query) == expected


def test_escapes_and_unbound_cells_are_decoded():
    data = b'?a\t?b\n"x\\ty\\u00e9\\U0001F600"@en\t\n<urn:i>\t_:n1\n'
    assert parse_tsv_values(data) == [{"a": "x\ty\u00e9\U0001f600"}, {"a": "urn:i", "b": "n1"}]
