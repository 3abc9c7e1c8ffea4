"""`kgtool reason`: HermiT consistency and classification, OWL 2 RL materialisation, ontology checks.

Everything runs the real reasoners: HermiT through owlready2 on Java, reasonable and owlrl.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import BASE_WORLD, generate_graph, participation, run, run_json
from system import require

from kgtool.data.loading import bundled_store, store_with_files
from kgtool.reasoning.graphs import asserted_triples
from kgtool.reasoning.materialise import NOT_APPLIED_BY_REASONABLE, choose_engine, infer, infer_from_store
from kgtool.store import INFERRED_GRAPH

ROOT = Path(__file__).resolve().parent.parent
EX = "https://example.org/kgtool-test/"
KGO = "https://w3id.org/kgtool/ontology#"

DISJOINT = """
ex:both a kgo:Finding , kgo:Recommendation ; rdfs:label "Both a finding and a recommendation"@en .
"""
UNSATISFIABLE = """
ex:Impossible a owl:Class ; rdfs:label "impossible"@en ; rdfs:subClassOf kgo:Finding , kgo:Recommendation .
"""
DEPORTATION = """
ex:Deportation a owl:Class ; rdfs:label "deportation"@en ; rdfs:subClassOf kgo:ForcedReturn .
ex:deportation-1 a ex:Deportation ; rdfs:label "Deportation of 1990"@en ; kgo:returningState ex:AAA ;
    kgo:destinationState ex:BBB ; kgo:startDate "1990-01-01"^^xsd:date ; prov:wasDerivedFrom ex:source .
"""
OWL_PREFIX = "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"


@pytest.fixture(scope="module")
def java() -> str:
    """The Java runtime HermiT runs on (the test skips without one, naming the package)."""
    return require(
        "java", "A Java runtime (HermiT needs it)", "apt-get install -y --no-install-recommends default-jre-headless"
    )


@pytest.fixture(scope="module")
def bundled_reason(java) -> tuple[int, dict]:
    return run_json("reason")


# -- HermiT: consistency and classification ------------------------------------------------------------------
def test_bundled_ontology_and_data_are_consistent(bundled_reason):
    code, document = bundled_reason
    assert code == 0
    assert document["consistent"] is True and document["ok"] is True
    assert document["ontology"]["consistent"] and document["data"]["consistent"]
    assert document["ontology"]["unsatisfiable"] == [] and document["data"]["unsatisfiable"] == []
    assert document["data"]["triples"] > document["ontology"]["triples"] > 500
    assert document["hierarchy_of"] == "ontology + data"
    classes = {entry["class"]: entry for entry in document["hierarchy"]}
    assert classes[KGO + "ForcedReturn"]["superclasses"] == [{"class": KGO + "Incident", "inferred": False}]
    assert classes[KGO + "Resolution"]["superclasses"] == [{"class": KGO + "Recommendation", "inferred": False}]


def test_individual_in_two_disjoint_classes_is_reported_inconsistent_by_name(write_graph, java):
    path = write_graph(OWL_PREFIX, DISJOINT)
    result = run("reason", str(path))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[1].startswith("ontology: consistent, 0 unsatisfiable classes")
    assert lines[2].startswith("ontology + data: INCONSISTENT")
    assert lines[3] == f"  {EX}both: is a member of the disjoint classes kgo:Finding and kgo:Recommendation"
    code, document = run_json("reason", str(path))
    assert code == 1 and document["consistent"] is False
    assert [(c["individual"], c["classes"]) for c in document["data"]["explanation"]] == [
        (EX + "both", [KGO + "Finding", KGO + "Recommendation"])
    ]


def test_unsatisfiable_class_is_named(write_graph, java):
    path = write_graph(OWL_PREFIX, UNSATISFIABLE)
    code, document = run_json("reason", str(path))
    assert code == 1
    assert document["consistent"] is True and document["ok"] is False
    assert document["data"]["unsatisfiable"] == [EX + "Impossible"]
    entry = next(e for e in document["hierarchy"] if e["class"] == EX + "Impossible")
    assert entry["unsatisfiable"] is True


def test_hierarchy_as_turtle_and_ontology_only(write_graph, java):
    path = write_graph(OWL_PREFIX, DEPORTATION)
    result = run("reason", "--ontology-only", "--format", "turtle")
    assert result.exit_code == 0
    graph = ox.Store()
    graph.load(result.stdout.encode(), format=ox.RdfFormat.TURTLE)
    subclass = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
    assert ox.Quad(ox.NamedNode(KGO + "ForcedReturn"), subclass, ox.NamedNode(KGO + "Incident")) in graph
    code, document = run_json("reason", str(path))
    assert code == 0
    entry = next(e for e in document["hierarchy"] if e["class"] == EX + "Deportation")
    assert entry["superclasses"] == [{"class": KGO + "ForcedReturn", "inferred": False}]


def test_missing_java_gives_one_line_and_exit_2(monkeypatch):
    monkeypatch.setenv("KGTOOL_JAVA", "/nonexistent/bin/java")
    for args in (("reason",), ("validate", "--ontology")):
        result = run(*args)
        assert result.exit_code == 2
        assert result.stdout == ""
        assert result.stderr == (
            "kgtool: error: no Java runtime at KGTOOL_JAVA=/nonexistent/bin/java: HermiT needs Java 8 or later; "
            "set KGTOOL_JAVA to a java executable\n"
        )


# -- OWL 2 RL materialisation ---------------------------------------------------------------------------------
def _breach_items(document: dict) -> set[str]:
    return {e["iri"] for f in document["findings"] for e in f["evidence"] if e["role"] == "breach"}


def test_subclass_of_forced_return_is_caught_by_non_refoulement_only_with_reason(write_graph):
    path = write_graph(OWL_PREFIX, BASE_WORLD, participation("1980-01-01", "1980-02-01"), DEPORTATION)
    code, plain = run_json("check", str(path))
    assert code == 0, plain["quality"]
    assert plain["findings"] == []
    code, reasoned = run_json("check", "--reason", str(path))
    assert code == 0, reasoned["quality"]
    assert _breach_items(reasoned) == {EX + "deportation-1"}
    (finding,) = reasoned["findings"]
    assert finding["rules"] == ["non-refoulement"]
    assert finding["first_breach"]["iri"] == EX + "deportation-1"


def test_check_with_reason_on_the_bundled_graph_finds_what_check_finds(bundled_check):
    code, reasoned = run_json("check", "--reason")
    assert code == 0
    assert reasoned == bundled_check


def test_materialising_twice_gives_the_same_graph(tmp_path):
    store = str(tmp_path / "kg")
    code, first = run_json("reason", "--materialise", "--store", store)
    assert code == 0
    assert first["engine"] == "compiled" and first["stored"] is True and first["graph"] == INFERRED_GRAPH
    assert first["inferred"] > 100 and first["by_class"][KGO + "Incident"] == 15
    exported = run("export", "--store", store, "--graph", INFERRED_GRAPH, "--format", "nt").stdout
    code, second = run_json("reason", "--materialise", "--store", store)
    assert code == 0 and second == first
    assert run("export", "--store", store, "--graph", INFERRED_GRAPH, "--format", "nt").stdout == exported
    assert len(exported.splitlines()) == first["inferred"]
    # A whole-store export leaves the inferred graph out: an inferred type is not in it.
    whole = run("export", "--store", store, "--format", "nt").stdout
    incident = (
        "<https://w3id.org/kgtool/id/inc/2013-05-28-laos-group> "
        f"<http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{KGO}Incident> ."
    )
    assert incident in exported and incident not in whole


def test_materialise_on_the_bundled_graph_prints_a_summary_or_turtle():
    result = run("reason", "--materialise")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith(
        "OWL 2 RL materialisation with the compiled rules (the schema has only hierarchies, domains, ranges, "
        "equivalent, inverse and symmetric properties; fastest measured; gives the same inferences as owlrl): "
        "475 triple(s) inferred from 4209 asserted, "
    )
    assert "not stored" in lines[0]
    assert any(line.split() == ["15", "kgo:Incident"] for line in lines)
    turtle = run("reason", "--materialise", "--format", "turtle").stdout
    graph = ox.Store()
    graph.load(turtle.encode(), format=ox.RdfFormat.TURTLE)
    _code, summary = run_json("reason", "--materialise")
    assert len(graph) == summary["inferred"]


def test_engines_give_the_same_inferences_on_the_bundled_graph():
    triples = asserted_triples(bundled_store())
    reference = infer(triples, "owlrl")
    assert len(reference.triples) == 475
    for engine in ("compiled", "reasonable", "auto"):
        inference = infer(triples, engine)
        assert set(inference.triples) == set(reference.triples), engine
        assert inference.asserted == reference.asserted == len(set(triples))
    assert infer(triples).engine == "compiled"


def test_compiled_rules_give_what_owlrl_gives_on_a_generated_graph(tmp_path):
    store = store_with_files([generate_graph(tmp_path, 5000)])
    compiled, reference = infer_from_store(store, "compiled"), infer_from_store(store, "owlrl")
    assert len(reference.triples) > 300
    assert set(compiled.triples) == set(reference.triples)
    assert compiled.asserted == reference.asserted


def test_compiled_engine_refuses_what_it_cannot_apply(write_graph):
    path = write_graph(OWL_PREFIX, "ex:chain owl:propertyChainAxiom ( kgo:returningState kgo:iso3166Alpha3 ) .")
    result = run("reason", "--materialise", "--engine", "compiled", str(path))
    assert result.exit_code == 2
    assert result.stderr == (
        "kgtool: error: --engine compiled cannot reason over this graph: the graph uses rdf:first, rdf:rest, "
        "owl:propertyChainAxiom; use --engine auto\n"
    )
    assert run("reason", "--materialise", str(path), "--format", "json").exit_code == 0


def test_ontology_uses_no_construct_reasonable_ignores():
    # perf.md: reasonable ignores owl:propertyChainAxiom (and, measured here, keys, max cardinalities and
    # owl:oneOf). kgtool picks owlrl when a graph uses them; the bundled ontology and data must not need it.
    triples = asserted_triples(bundled_store())
    assert {t.predicate.value for t in triples}.isdisjoint(NOT_APPLIED_BY_REASONABLE)
    assert choose_engine(triples)[0] == "reasonable"


CASES = {
    "subproperty": ":p rdfs:subPropertyOf :q . :a :p :b .",
    "inverse": ":p owl:inverseOf :q . :a :p :b .",
    "symmetric": ":p a owl:SymmetricProperty . :a :p :b .",
    "transitive": ":p a owl:TransitiveProperty . :a :p :b . :b :p :c .",
    "equivalent-class": ":C owl:equivalentClass :D . :D rdfs:subClassOf :E . :a a :C .",
    "equivalent-property": ":p owl:equivalentProperty :q . :a :p :b .",
    "intersection": ":C owl:intersectionOf (:D :E) . :a a :D , :E . :p rdfs:domain :C .",
    "union": ":C owl:unionOf (:D :E) . :a a :D .",
    "some-values": ":C owl:onProperty :p ; owl:someValuesFrom :D . :a :p :b . :b a :D .",
    "all-values": ":C owl:onProperty :p ; owl:allValuesFrom :D . :a a :C ; :p :b .",
    "has-value": ":C owl:onProperty :p ; owl:hasValue :v . :a a :C . :b :p :v .",
    "functional": ":p a owl:FunctionalProperty . :a :p :b , :c .",
    "functional-one-value": ":p a owl:FunctionalProperty ; rdfs:domain :C . :a :p :b . :c :p :b .",
    "functional-fed": ":p a owl:FunctionalProperty ; rdfs:domain :C . :q rdfs:subPropertyOf :p . :a :p :b ; :q :c .",
    "inverse-functional": ":p a owl:InverseFunctionalProperty . :a :p :c . :b :p :c .",
    "inverse-of-subproperty": (
        ":p rdfs:subPropertyOf :q . :q owl:inverseOf :r . :r rdfs:domain :C ; rdfs:range :D . "
        ':D owl:equivalentClass :E . :a :p :b . :c :r "literal" .'
    ),
    "symmetric-range": ":p a owl:SymmetricProperty ; rdfs:range :C . :C rdfs:subClassOf :D . :a :p :b .",
    "domain-range": ":p rdfs:domain :C ; rdfs:range :D . :C rdfs:subClassOf :E . :q rdfs:subPropertyOf :p .",
    "property-chain": ":r owl:propertyChainAxiom (:p :q) . :a :p :b . :b :q :c .",
    "has-key": ":C owl:hasKey (:k) . :a a :C ; :k :v . :b a :C ; :k :v .",
    "max-cardinality": ":C owl:onProperty :p ; owl:maxCardinality 1 . :a a :C ; :p :b , :c .",
    "one-of": ":C owl:oneOf (:x :y) .",
}


def _case(body: str) -> list[ox.Triple]:
    prefixes = (
        "@prefix : <https://example.org/case/> . @prefix owl: <http://www.w3.org/2002/07/owl#> . "
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    )
    return [q.triple for q in ox.parse(prefixes + body, format=ox.RdfFormat.TURTLE)]


#: The engine ``auto`` picks for each case: the compiled rules where they apply, else reasonable or owlrl.
AUTO_ENGINE = {
    "subproperty": "compiled",
    "inverse": "compiled",
    "symmetric": "compiled",
    "equivalent-class": "compiled",
    "equivalent-property": "compiled",
    "domain-range": "compiled",
    "functional-one-value": "compiled",
    "inverse-of-subproperty": "compiled",
    "symmetric-range": "compiled",
    "functional": "reasonable",
    "functional-fed": "reasonable",
    "inverse-functional": "reasonable",
    "transitive": "reasonable",
    "intersection": "reasonable",
    "union": "reasonable",
    "some-values": "reasonable",
    "all-values": "reasonable",
    "has-value": "reasonable",
    "property-chain": "owlrl",
    "has-key": "owlrl",
    "max-cardinality": "owlrl",
    "one-of": "owlrl",
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_auto_engine_gives_what_owlrl_gives(name):
    triples = _case(CASES[name])
    auto, reference = infer(triples), infer(triples, "owlrl")
    assert reference.triples, name
    assert set(auto.triples) == set(reference.triples)
    assert auto.engine == AUTO_ENGINE[name]


def test_reasonable_alone_ignores_property_chains_so_auto_uses_owlrl():
    triples = _case(CASES["property-chain"])
    chained = ox.Triple(
        ox.NamedNode("https://example.org/case/a"),
        ox.NamedNode("https://example.org/case/r"),
        ox.NamedNode("https://example.org/case/c"),
    )
    assert chained not in infer(triples, "reasonable").triples
    assert chained in infer(triples).triples
    assert infer(triples).engine == "owlrl"


# -- ontology quality checks ----------------------------------------------------------------------------------
def test_validate_ontology_passes_on_the_bundled_ontology(java):
    result = run("validate", "--ontology")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "Ontology checks hold: 0 violation(s), 2 warning(s).",
        "[Warning] xsd:date: datatype outside the OWL 2 datatype map: HermiT cannot reason with its values "
        "(kgtool reason ignores them) (hermit-datatype)",
        "[Warning] xsd:duration: datatype outside the OWL 2 datatype map: HermiT cannot reason with its values "
        "(kgtool reason ignores them) (hermit-datatype)",
    ]


def test_validate_ontology_fails_on_an_unlabelled_class(write_graph, java):
    path = write_graph(OWL_PREFIX, 'kgo:Unlabelled a owl:Class ; skos:definition "A class with no label."@en .\n')
    result = run("validate", "--ontology", str(path))
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:2] == [
        "Ontology checks fail: 1 violation(s), 2 warning(s).",
        "[Violation] kgo:Unlabelled: class has no rdfs:label (missing-label)",
    ]


def test_ontology_checks_find_undeclared_and_redefined_terms(write_graph, java):
    path = write_graph(
        OWL_PREFIX,
        "ex:r a kgo:ForcedReturnn ; kgo:returningStat ex:AAA .\n",
        "prov:Entity rdfs:subClassOf kgo:Source .\n",
    )
    code, document = run_json("validate", "--ontology", str(path))
    assert code == 1
    found = {(r["check"], r["term"], r["message"]) for r in document["results"] if r["severity"] == "Violation"}
    assert found == {
        ("undeclared-term", KGO + "ForcedReturnn", "used as a class (rdf:type) but not declared"),
        ("undeclared-term", KGO + "returningStat", "used as a property but not declared"),
        (
            "redefined-reused-term",
            "http://www.w3.org/ns/prov#Entity",
            f"term of a reused vocabulary given a new axiom: http://www.w3.org/2000/01/rdf-schema#subClassOf "
            f"{KGO}Source",
        ),
    }


def test_every_ontology_check_has_a_header():
    for path in sorted((ROOT / "queries" / "ontology-checks").glob("*.rq")):
        header = [line for line in path.read_text().splitlines() if line.startswith("#")]
        keys = {line.split(":", 1)[0].lstrip("# ").strip() for line in header if ":" in line}
        assert {"title", "finds", "why", "row"} <= keys, path.name
        assert "?term" in path.read_text() and "?message" in path.read_text(), path.name
