"""`kgtool query` and `kgtool queries`: typed parameters, read-only, errors with positions, standard formats."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
import rdflib
from conftest import run
from rdflib import Variable
from rdflib.plugins.sparql.results.csvresults import CSVResultParser
from rdflib.plugins.sparql.results.jsonresults import JSONResultParser
from rdflib.plugins.sparql.results.tsvresults import TSVResultParser

from kgtool.queries.library import bundled_queries

ROOT = Path(__file__).resolve().parent.parent
ID = "https://w3id.org/kgtool/id/"

PARAM_QUERY = """\
# title: Participations of a State after a date
# question: Which acts did the State perform after the date, and do they mention the count or name?
# param: state iri <https://w3id.org/kgtool/id/state/CHN> The State
# param: after date 1985-01-01 Only acts after this date
# param: minimum integer 1 Unused threshold, bound to test integer typing
# param: name string China The State's English name
# row: one participation of the State after the date
PREFIX kgo:  <https://w3id.org/kgtool/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?participation ?date WHERE {
    ?participation kgo:participant ?state ; kgo:actionDate ?date .
    ?state rdfs:label ?label .
    FILTER (STR(?label) = ?name && STR(?date) > STR(?after) && ?minimum >= 1)
}
ORDER BY ?date
"""


@pytest.fixture
def param_query(tmp_path: Path) -> Path:
    path = tmp_path / "participations-after.rq"
    path.write_text(PARAM_QUERY, encoding="utf-8")
    return path


def _json_rows(output: str) -> list[dict]:
    return json.loads(output)["results"]["bindings"]


def test_parameters_of_every_type_are_bound_as_typed_terms(param_query):
    result = run(
        "query",
        str(param_query),
        "--param",
        "state=kgr:state/CHN",
        "--param",
        "after=1985-01-01",
        "--param",
        "minimum=2",
        "--param",
        "name=China",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.stderr
    rows = {(r["participation"]["value"], r["date"]["value"]) for r in _json_rows(result.stdout)}
    assert rows == {
        (ID + "participation/CHN-cat-1984-signature", "1986"),
        (ID + "participation/CHN-cat-1984-ratification", "1988-10-04"),
        (ID + "participation/CHN-iccpr-1966-signature", "1998-10-05"),
    }
    # The integer is compared as a number: 0 fails the filter.
    result = run(
        "query",
        str(param_query),
        "--param",
        "state=<" + ID + "state/CHN>",
        "--param",
        "after=1985-01-01",
        "--param",
        "minimum=0",
        "--param",
        "name=China",
        "--format",
        "json",
    )
    assert _json_rows(result.stdout) == []


def test_injection_through_a_parameter_returns_nothing_and_changes_nothing(param_query):
    before = run(
        "query",
        str(param_query),
        "--param",
        "state=kgr:state/CHN",
        "--param",
        "after=1900-01-01",
        "--param",
        "minimum=1",
        "--param",
        "name=China",
        "--format",
        "csv",
    ).stdout
    attack = 'China"> } ; DROP ALL ; #'
    result = run(
        "query",
        str(param_query),
        "--param",
        "state=kgr:state/CHN",
        "--param",
        "after=1900-01-01",
        "--param",
        "minimum=1",
        "--param",
        f"name={attack}",
        "--format",
        "json",
    )
    assert result.exit_code == 0
    assert _json_rows(result.stdout) == []
    after = run(
        "query",
        str(param_query),
        "--param",
        "state=kgr:state/CHN",
        "--param",
        "after=1900-01-01",
        "--param",
        "minimum=1",
        "--param",
        "name=China",
        "--format",
        "csv",
    ).stdout
    assert before == after and before.count("\n") == 6
    result = run(
        "query",
        str(param_query),
        "--param",
        f"state={attack}",
        "--param",
        "after=1900-01-01",
        "--param",
        "minimum=1",
        "--param",
        "name=China",
    )
    assert result.exit_code == 2
    assert result.stderr == f"kgtool: error: parameter 'state' must be an IRI, got {attack!r}\n"


def test_bad_parameter_values_and_names(param_query):
    base = [
        "query",
        str(param_query),
        "--param",
        "state=kgr:state/CHN",
        "--param",
        "minimum=1",
        "--param",
        "name=China",
    ]
    result = run(*base, "--param", "after=1985-02-30")
    assert (result.exit_code, result.stderr) == (
        2,
        "kgtool: error: parameter 'after' must be a date YYYY-MM-DD, got '1985-02-30'\n",
    )
    result = run(*base)
    assert (result.exit_code, result.stderr) == (
        2,
        "kgtool: error: query 'participations-after' needs --param after=VALUE (date, e.g. 1985-01-01)\n",
    )
    result = run(*base, "--param", "after=1985-01-01", "--param", "colour=red")
    assert result.exit_code == 2
    assert result.stderr.startswith("kgtool: error: unknown parameter 'colour' for query 'participations-after'")
    result = run(*base, "--param", "after=1985-01-01", "--param", "minimum=many")
    assert result.exit_code == 2


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <a:b> <a:c> <a:d> }",
        "DELETE WHERE { ?s ?p ?o }",
        "LOAD <http://example.org/x>",
        "CLEAR ALL",
        "DROP ALL",
    ],
)
def test_updates_are_refused(tmp_path, update):
    path = tmp_path / "update.rq"
    path.write_text("# title: sneaky\nPREFIX ex: <http://example.org/>\n" + update + "\n")
    result = run("query", str(path))
    keyword = update.split()[0]
    assert (result.exit_code, result.stderr) == (
        2,
        f"kgtool: error: {path}: {keyword} is a SPARQL update; kgtool query is read-only "
        "(use kgtool import to add data)\n",
    )


def test_syntax_error_gives_file_line_and_column(tmp_path):
    path = tmp_path / "broken.rq"
    path.write_text(
        "PREFIX kgo: <https://w3id.org/kgtool/ontology#>\nSELECT ?s WHERE {\n  ?s a kgo:State .\n"
        "  ?s und:declared ?o .\n}\n"
    )
    result = run("query", str(path))
    assert result.exit_code == 2
    assert result.stderr == (
        f"kgtool: error: {path}:4:6: SPARQL syntax error: undeclared prefix in und:declared (add a PREFIX line)\n"
        "      ?s und:declared ?o .\n"
        "         ^\n"
    )


def test_unknown_query_name_lists_the_nearest():
    result = run("query", "disagreement")
    assert result.exit_code == 2
    assert result.stderr.startswith("kgtool: error: unknown query 'disagreement'; nearest: disagreements")


def test_ask_prints_true_or_false_and_exits_0_or_1(tmp_path):
    yes = tmp_path / "yes.rq"
    yes.write_text("ASK WHERE { ?s a <https://w3id.org/kgtool/ontology#State> }\n")
    no = tmp_path / "no.rq"
    no.write_text("ASK WHERE { ?s a <https://example.org/Nothing> }\n")
    assert (run("query", str(yes)).exit_code, run("query", str(yes)).stdout) == (0, "true\n")
    assert (run("query", str(no)).exit_code, run("query", str(no)).stdout) == (1, "false\n")


def test_construct_prints_turtle_that_parses(tmp_path):
    path = tmp_path / "construct.rq"
    path.write_text(
        "PREFIX kgo: <https://w3id.org/kgtool/ontology#>\n"
        "CONSTRUCT { ?s kgo:iso3166Alpha3 ?c } WHERE { ?s kgo:iso3166Alpha3 ?c }\n"
    )
    result = run("query", str(path))
    assert result.exit_code == 0
    graph = rdflib.Graph().parse(data=result.stdout, format="turtle")
    assert {str(o) for o in graph.objects()} == {"CHN", "PRK", "KOR", "LAO", "CZE"}


@pytest.mark.parametrize("fmt,parser", [("json", JSONResultParser), ("csv", CSVResultParser), ("tsv", TSVResultParser)])
def test_select_formats_parse_back_with_standard_parsers(tmp_path, fmt, parser):
    path = tmp_path / "states.rq"
    path.write_text(
        "PREFIX kgo: <https://w3id.org/kgtool/ontology#>\n"
        "SELECT ?state ?code WHERE { ?state kgo:iso3166Alpha3 ?code } ORDER BY ?code\n"
    )
    result = run("query", str(path), "--format", fmt)
    assert result.exit_code == 0
    parsed = parser().parse(io.StringIO(result.stdout))
    rows = [(str(r[Variable("state")]), str(r[Variable("code")])) for r in parsed.bindings]
    assert rows == [(ID + f"state/{c}", c) for c in ("CHN", "CZE", "KOR", "LAO", "PRK")]


def test_table_wraps_long_values(tmp_path):
    path = tmp_path / "labels.rq"
    path.write_text(
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nSELECT ?label WHERE "
        "{ <https://w3id.org/kgtool/id/instrument/cat-1984> rdfs:label ?label }\n"
    )
    lines = run("query", str(path)).stdout.splitlines()
    assert max(len(line) for line in lines) <= 40
    assert " ".join(line.strip() for line in lines[2:-1]) == (
        "Convention against Torture and Other Cruel, Inhuman or Degrading Treatment or Punishment"
    )
    assert lines[-1] == "(1 row)"


def test_every_bundled_query_has_a_header_and_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    library = bundled_queries()
    assert len(library) >= 24
    for q in library:
        assert q.title and q.question and q.row, q.name
        assert f"`{q.name}`" in readme, f"{q.name} is missing from the README"


def test_every_competency_question_has_a_bundled_query():
    numbers = sorted(int(q.competency_question) for q in bundled_queries() if q.competency_question)
    assert numbers == list(range(1, 18))


def test_queries_lists_titles_and_parameters():
    result = run("queries", "--format", "json")
    assert result.exit_code == 0
    listed = {q["name"]: q for q in json.loads(result.stdout)}
    assert set(listed) == {q.name for q in bundled_queries()}
    text = run("queries").stdout
    for q in bundled_queries():
        assert q.title in text
