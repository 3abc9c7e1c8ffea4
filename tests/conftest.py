"""Shared fixtures: run the real CLI, and write small Turtle fixture graphs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from kgtool.cli import main

ROOT = Path(__file__).resolve().parent.parent

PREFIXES = """\
@prefix kgo:     <https://w3id.org/kgtool/ontology#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix eli:     <http://data.europa.eu/eli/ontology#> .
@prefix foaf:    <http://xmlns.com/foaf/0.1/> .
@prefix ex:      <https://example.org/kgtool-test/> .
@prefix obtype:  <https://w3id.org/kgtool/id/concept/obligation-type/> .
@prefix risk:    <https://w3id.org/kgtool/id/concept/risk/> .
@prefix action:  <https://w3id.org/kgtool/id/concept/participation-action/> .
@prefix stype:   <https://w3id.org/kgtool/id/concept/source-type/> .
@prefix cq:      <https://w3id.org/kgtool/id/concept/count-qualifier/> .
"""

BASE_WORLD = """
ex:source a kgo:Source ; dcterms:title "Test source" ; dcterms:publisher ex:publisher ;
    kgo:sourceType stype:ngo-report ; foaf:page <https://example.org/report> .
ex:publisher a kgo:Body ; rdfs:label "Test publisher"@en .
ex:AAA a kgo:State ; rdfs:label "Returning State"@en ; kgo:iso3166Alpha3 "AAA" .
ex:BBB a kgo:State ; rdfs:label "Destination State"@en ; kgo:iso3166Alpha3 "BBB" .
ex:treaty a kgo:MultilateralTreaty ; rdfs:label "Test treaty"@en ; prov:wasDerivedFrom ex:source .
ex:treaty-art-3 a kgo:Provision ; rdfs:label "Test treaty, Art. 3"@en ; eli:number "3" ;
    eli:is_part_of ex:treaty ; prov:wasDerivedFrom ex:source .
ex:treaty-art-3-1 a kgo:Provision ; rdfs:label "Test treaty, Art. 3(1)"@en ; eli:number "3(1)" ;
    eli:is_part_of ex:treaty-art-3 ; prov:wasDerivedFrom ex:source .
ex:obligation a kgo:Obligation ; rdfs:label "Test non-refoulement"@en ; kgo:imposedBy ex:treaty-art-3-1 ;
    kgo:obligationType obtype:non-refoulement ; kgo:protectsAgainst risk:torture .
ex:finding a kgo:Finding ; rdfs:label "Risk of torture in BBB"@en ; kgo:issuedBy ex:publisher ;
    dcterms:date "2000-01-01"^^xsd:date ; kgo:concernsState ex:BBB ; kgo:documentsRiskIn ex:BBB ;
    kgo:riskType risk:torture ; prov:wasDerivedFrom ex:source .
"""


def participation(deposit: str, entry_into_force: str, means: str = "accession") -> str:
    """Turtle for AAA's participation in the test treaty."""
    return f"""
ex:participation a kgo:Participation ; rdfs:label "AAA joins the test treaty"@en ;
    kgo:participant ex:AAA ; kgo:instrument ex:treaty ; kgo:meansOfConsent action:{means} ;
    kgo:actionDate "{deposit}"^^xsd:date ; kgo:entryIntoForceForState "{entry_into_force}"^^xsd:date ;
    prov:wasDerivedFrom ex:source .
"""


def forced_return(name: str, date: str, datatype: str = "date") -> str:
    """Turtle for a forced return by AAA to BBB."""
    return f"""
ex:{name} a kgo:ForcedReturn ; rdfs:label "Return {name}"@en ; kgo:returningState ex:AAA ;
    kgo:destinationState ex:BBB ; kgo:startDate "{date}"^^xsd:{datatype} ; prov:wasDerivedFrom ex:source .
"""


@pytest.fixture
def write_graph(tmp_path: Path):
    """Write Turtle (prefixes added) to a file in tmp_path and return its path."""

    def write(*parts: str, name: str = "fixture.ttl") -> Path:
        path = tmp_path / name
        path.write_text(PREFIXES + "".join(parts), encoding="utf-8")
        return path

    return write


def run(*args: str) -> Result:
    """Invoke the real kgtool CLI in-process and return the result (stdout and stderr kept apart)."""
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def run_json(*args: str) -> tuple[int, dict[str, Any]]:
    """Invoke the CLI with --format json and return (exit code, parsed JSON)."""
    result = run(*args, "--format", "json")
    return result.exit_code, json.loads(result.stdout)


@pytest.fixture(scope="session")
def bundled_check() -> dict[str, Any]:
    """`kgtool check --format json` on the bundled graph, run once per session."""
    code, document = run_json("check")
    assert code == 0, document["quality"]
    return document


def generate_graph(tmp_path: Path, triples: int) -> Path:
    """Write a graph of bench/generate.py (about ``triples`` triples) to tmp_path; return its N-Triples path.

    The generator also writes ``<name>.expected.json``, what kgtool must find in it.
    """
    out = tmp_path / "kg"
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "generate.py"), "--triples", str(triples), "--out", str(out)],
        check=True,
        capture_output=True,
    )
    return out.with_suffix(".nt")


@pytest.fixture(scope="module")
def module_store(tmp_path_factory) -> Path:
    """A new disk store (from the bundled graph) shared by one test module's cases."""
    location = tmp_path_factory.mktemp("store") / "store"
    assert run("imports", "--store", str(location)).stdout == "no imports\n"
    return location


def store_digest(location: Path) -> str:
    """Return a digest of every quad of a disk store, to compare a store before and after a refused import."""
    import hashlib

    from kgtool.data.loading import open_disk_store

    store = open_disk_store(location)
    try:
        return hashlib.sha256("\n".join(sorted(str(q) for q in store.quads())).encode()).hexdigest()
    finally:
        store.close()
