"""The quality shapes compiled to SPARQL report exactly what pyshacl, the reference, reports."""

from __future__ import annotations

import pytest
from conftest import BASE_WORLD, forced_return, participation

from kgtool.data.loading import bundled_store, store_with_files
from kgtool.quality.validate import validate_store

BROKEN = {
    "unsourced": forced_return("r1", "1990-01-01").replace("; prov:wasDerivedFrom ex:source", ""),
    "bad dates": forced_return("d1", "2023-02-30")
    + forced_return("d2", "2023-13", "gYearMonth")
    + forced_return("d3", "2023-01-01T10:00:00", "dateTime")
    + forced_return("d4", "23", "gYear"),
    "negative count": forced_return("r1", "1990-01-01")
    + """
ex:count a kgo:CountClaim ; kgo:counts ex:r1 ; kgo:people -5 ; kgo:countQualifier cq:exactly ;
    prov:wasDerivedFrom ex:source .
ex:count2 a kgo:CountClaim ; kgo:counts ex:r1 ; kgo:people "many" ; kgo:countQualifier cq:exactly ;
    prov:wasDerivedFrom ex:source .
ex:count3 a kgo:CountClaim ; kgo:counts ex:r1 ; kgo:countQualifier cq:exactly ; prov:wasDerivedFrom ex:source .
ex:count4 a kgo:CountClaim ; kgo:people 3 ; kgo:countQualifier cq:exactly ; prov:wasDerivedFrom ex:source .
""",
    "eif before deposit": participation("1988-10-01", "1988-09-01"),
    "signature with eif": participation("1988-10-01", "1988-11-01", "signature"),
    "unknown means": participation("1988-10-01", "1988-11-01", "adoption"),
    "no destination": forced_return("r1", "1990-01-01").replace("kgo:destinationState ex:BBB ;", ""),
    "two starts and wrong class": forced_return("r1", "1990-01-01").replace(
        "kgo:destinationState ex:BBB", 'kgo:destinationState ex:source ; kgo:startDate "1991"^^xsd:gYear'
    ),
    "end before start": forced_return("r1", "1990-01-01").replace(
        "prov:wasDerivedFrom", 'kgo:endDate "1989-12-31"^^xsd:date ; prov:wasDerivedFrom'
    ),
    "source without page": """
ex:bare a kgo:Source ; dcterms:title "Bare" ; dcterms:publisher ex:publisher ; kgo:sourceType stype:news .
ex:r9 a kgo:ForcedReturn ; kgo:returningState ex:AAA ; kgo:destinationState ex:BBB ;
    kgo:startDate "1990"^^xsd:gYear ; prov:wasDerivedFrom ex:bare .
""",
    "bad state code": 'ex:CCC a kgo:State ; kgo:iso3166Alpha3 "cc" .\n',
}


def _engines_agree(store) -> set:
    sparql = validate_store(store, engine="sparql")
    reference = validate_store(store, engine="pyshacl")
    assert set(sparql.results) == set(reference.results)
    return set(sparql.results)


def test_engines_agree_on_the_bundled_graph():
    results = _engines_agree(bundled_store())
    assert {r.severity for r in results} == {"Warning"}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_engines_agree_on_broken_data(write_graph, name):
    path = write_graph(
        BASE_WORLD,
        participation("1980-01-01", "1980-02-01") if "eif" not in name and "means" not in name else "",
        BROKEN[name],
    )
    results = _engines_agree(store_with_files([path]))
    assert any(r.severity == "Violation" for r in results), name
