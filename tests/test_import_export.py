"""Imports into a persistent store are validated and atomic, can be undone; exports are deterministic."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rdflib
from conftest import run, run_json
from rdflib.compare import isomorphic

ID = "https://w3id.org/kgtool/id/"
SOURCE = "https://example.org/report-1,Example report,Example NGO,2026-01-10"
INCIDENT_HEADER = (
    "id,date,end_date,returning_state,destination_state,people,place,description,"
    "source_url,source_title,source_publisher,source_date\n"
)
PARTICIPATION_HEADER = "state,instrument,action,date,source_url,source_title,source_publisher,source_date\n"
RESERVATION_HEADER = "state,instrument,provision,text,source_url,source_title,source_publisher,source_date\n"


@pytest.fixture
def store(tmp_path: Path) -> Path:
    location = tmp_path / "store"
    assert run("imports", "--store", str(location)).stdout == "no imports\n"
    return location


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def snapshot(store: Path) -> str:
    result = run("export", "--store", str(store), "--format", "nq")
    assert result.exit_code == 0
    return result.stdout


def findings(store: Path, state: str) -> dict[str, dict]:
    code, document = run_json("check", "--store", str(store), "--state", state)
    assert code == 0, document["quality"]
    return {f["obligation"]["iri"].rsplit("/", 1)[-1]: f for f in document["findings"]}


# -- every CSV kind ----------------------------------------------------------------------------------------
def test_incident_csv_after_binding_date_becomes_evidence(store, tmp_path):
    path = write(
        tmp_path,
        "incidents.csv",
        INCIDENT_HEADER + f"2026-01-05-test,2026-01-05,,CHN,PRK,12,Dandong,Test return of 12 people,{SOURCE}\n",
    )
    result = run("import", str(path), "--store", str(store))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("imported 21 triples as ")
    cat = findings(store, "CHN")["cat-1984-art-3-1"]
    item = next(e for e in cat["evidence"] if e["iri"] == ID + "inc/2026-01-05-test")
    assert (item["role"], item["date"], item["place"]) == ("breach", "2026-01-05", "Dandong")
    assert [(c["people"], c["sources"][0]["title"]) for c in item["counts"]] == [(12, "Example report")]
    assert item["sources"][0]["url"] == ["https://example.org/report-1"]


def test_participation_csv_binds_from_computed_entry_into_force(store, tmp_path):
    participation = write(
        tmp_path,
        "participation.csv",
        PARTICIPATION_HEADER
        + f"LAO,refugee-convention-1951,accession,2000-01-01,{SOURCE}\n"
        + f"LAO,cat-1984,signature,2001-02-03,{SOURCE}\n",
    )
    assert run("import", str(participation), "--store", str(store)).exit_code == 0
    incidents = write(
        tmp_path,
        "incidents.csv",
        INCIDENT_HEADER
        + f"lao-before,2000-03-30,,LAO,PRK,,,Return before entry into force,{SOURCE}\n"
        + f"lao-after,2000-03-31,,LAO,PRK,3,,Return on the day of entry into force,{SOURCE}\n",
    )
    assert run("import", str(incidents), "--store", str(store)).exit_code == 0
    laos = findings(store, "LAO")
    assert set(laos) == {"refugee-convention-1951-art-33-1"}
    finding = laos["refugee-convention-1951-art-33-1"]
    # 1 Jan 2000 + 90 days (Art. 43(2)) = 31 Mar 2000.
    assert finding["bound_since"] == "2000-03-31"
    assert [e["iri"] for e in finding["evidence"] if e["role"] == "breach"] == [ID + "inc/lao-after"]


def test_reservation_csv_removes_the_obligation(store, tmp_path):
    participation = write(
        tmp_path, "p.csv", PARTICIPATION_HEADER + f"LAO,refugee-convention-1951,accession,2000-01-01,{SOURCE}\n"
    )
    assert run("import", str(participation), "--store", str(store)).exit_code == 0
    query = [
        "query",
        "obligations-binding-state",
        "--param",
        "state=kgr:state/LAO",
        "--store",
        str(store),
        "--format",
        "json",
    ]
    bound = {
        r["obligation"]["value"].rsplit("/", 1)[-1]
        for r in json.loads(run(*query).stdout)["results"]["bindings"]
        if "since" in r
    }
    assert bound == {"refugee-convention-1951-art-33-1", "refugee-convention-1951-art-35"}
    reservation = write(
        tmp_path,
        "r.csv",
        RESERVATION_HEADER + f"LAO,refugee-convention-1951,art-35,Laos does not co-operate with UNHCR,{SOURCE}\n",
    )
    assert run("import", str(reservation), "--store", str(store)).exit_code == 0
    bound = {
        r["obligation"]["value"].rsplit("/", 1)[-1]
        for r in json.loads(run(*query).stdout)["results"]["bindings"]
        if "since" in r
    }
    assert bound == {"refugee-convention-1951-art-33-1"}


# -- bad input: exact message, store unchanged -------------------------------------------------------------
BAD_ROWS = [
    (
        INCIDENT_HEADER + f"x1,2024-01-01,,XXX,PRK,5,,d,{SOURCE}\n",
        "column 'returning_state': unknown State code 'XXX' (not an ISO 3166-1 or ISO 3166-3 alpha-3 code)",
    ),
    (
        INCIDENT_HEADER + f"x1,2024-02-30,,CHN,PRK,5,,d,{SOURCE}\n",
        "column 'date': bad date '2024-02-30' (expected YYYY-MM-DD, YYYY-MM or YYYY, from year 0001)",
    ),
    (
        INCIDENT_HEADER + f"x1,0000-05-01,,CHN,PRK,5,,d,{SOURCE}\n",
        "column 'date': bad date '0000-05-01' (expected YYYY-MM-DD, YYYY-MM or YYYY, from year 0001)",
    ),
    (
        INCIDENT_HEADER + f"x1,0000,,CHN,PRK,5,,d,{SOURCE}\n",
        "column 'date': bad date '0000' (expected YYYY-MM-DD, YYYY-MM or YYYY, from year 0001)",
    ),
    (
        INCIDENT_HEADER + f"x1,\u0662\u0660\u0662\u0664,,CHN,PRK,5,,d,{SOURCE}\n",
        "column 'date': bad date '\u0662\u0660\u0662\u0664' (expected YYYY-MM-DD, YYYY-MM or YYYY, from year 0001)",
    ),
    (
        INCIDENT_HEADER + f"x1,2024-01-01,,CHN,PRK,\u0665\u0660,,d,{SOURCE}\n",
        "column 'people': '\u0665\u0660' is not an integer",
    ),
    (
        INCIDENT_HEADER + f"x1,2024-01-01,,CHN,PRK,5,,a\x00b,{SOURCE}\n",
        "column 'description': control character U+0000 at position 2",
    ),
    (
        INCIDENT_HEADER + f"x1,2024-01-01,,CHN,PRK,5,,a\x1bb,{SOURCE}\n",
        "column 'description': control character U+001B at position 2",
    ),
    (
        INCIDENT_HEADER + f"x1,2024-01-01,,CHN,CHN,5,,d,{SOURCE}\n",
        "column 'destination_state': CHN is also the returning State: a return is to another State",
    ),
    (
        INCIDENT_HEADER + f"x1,2024-01-01,,CHN,PRK,-5,,d,{SOURCE}\n",
        "column 'people': negative count -5 (must be a non-negative integer)",
    ),
    (
        INCIDENT_HEADER + "x1,2024-01-01,,CHN,PRK,5,,d,https://example.org/r,,Example NGO,2024\n",
        "column 'source_title': missing source: every row needs source_url, source_title and source_publisher "
        "(or give the file's source with --source, --source-title and --source-publisher)",
    ),
    (
        INCIDENT_HEADER + f"2023-10-09,2024-01-01,,CHN,PRK,5,,d,{SOURCE}\n",
        "column 'id': incident https://w3id.org/kgtool/id/inc/2023-10-09 already exists",
    ),
    (
        PARTICIPATION_HEADER + f"LAO,refugee-treaty-1999,accession,2000-01-01,{SOURCE}\n",
        "column 'instrument': unknown instrument 'refugee-treaty-1999'",
    ),
    (
        PARTICIPATION_HEADER + f"LAO,cat-1984,adoption,2000-01-01,{SOURCE}\n",
        "column 'action': unknown action 'adoption' (one of signature, ratification, acceptance, approval, accession, "
        "succession, definitive-signature, denunciation, withdrawal)",
    ),
    (
        RESERVATION_HEADER + f"LAO,cat-1984,art-99,text,{SOURCE}\n",
        "column 'provision': unknown provision 'art-99' of cat-1984",
    ),
]


@pytest.mark.parametrize("text,message", BAD_ROWS)
def test_bad_csv_row_names_file_row_and_column_and_stores_nothing(store, tmp_path, text, message):
    good = f"ok-{{n}},2024-01-01,,CHN,PRK,1,,good row,{SOURCE}\n"
    header, bad = text.split("\n", 1)
    rows = "".join(good.format(n=n) for n in range(3)) if header + "\n" == INCIDENT_HEADER else ""
    path = write(tmp_path, "bad.csv", header + "\n" + rows + bad)
    before = snapshot(store)
    result = run("import", str(path), "--store", str(store))
    row = 2 + rows.count("\n")
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"kgtool: error: {path}:{row}: {message}\n")
    assert snapshot(store) == before


def test_unknown_csv_header(store, tmp_path):
    path = write(tmp_path, "odd.csv", "a,b\n1,2\n")
    result = run("import", str(path), "--store", str(store))
    assert (result.exit_code, result.stderr) == (
        2,
        f"kgtool: error: {path}:1: the header 'a,b' is no known kind: nearest is instruments, but column 'a' is not "
        "one of its columns (`kgtool kinds` lists every kind's columns; `kgtool import --template KIND` prints one)\n",
    )


def test_rdf_syntax_error_names_line_and_column_and_stores_nothing(store, tmp_path):
    path = write(tmp_path, "bad.ttl", "@prefix ex: <https://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b ex:c ex:d .\n")
    before = snapshot(store)
    result = run("import", str(path), "--store", str(store))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"kgtool: error: {path}:3:")
    assert snapshot(store) == before


def test_quality_violation_names_the_node_exit_1_and_stores_nothing(store, tmp_path):
    good = write(tmp_path, "good.csv", INCIDENT_HEADER + f"fine,2024-01-01,,CHN,PRK,1,,ok,{SOURCE}\n")
    bad = write(
        tmp_path,
        "unsourced.ttl",
        """
@prefix kgo: <https://w3id.org/kgtool/ontology#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/kgtool/id/inc/unsourced> a kgo:ForcedReturn ;
    kgo:returningState <https://w3id.org/kgtool/id/state/CHN> ;
    kgo:destinationState <https://w3id.org/kgtool/id/state/PRK> ;
    kgo:startDate "2024-01-01"^^xsd:date .
""",
    )
    before = snapshot(store)
    result = run("import", str(good), str(bad), "--store", str(store))
    assert result.exit_code == 1
    assert result.stderr == (
        "kgtool: error: data quality fails with the new data (1 violation(s)); nothing imported\n"
        "[Violation] kgr:inc/unsourced prov:wasDerivedFrom: has no source: add prov:wasDerivedFrom pointing to "
        "a kgo:Source\n"
    )
    assert snapshot(store) == before
    assert run("imports", "--store", str(store)).stdout == "no imports\n"


# -- undo ----------------------------------------------------------------------------------------------------
def test_undo_restores_the_store_exactly(store, tmp_path):
    before = snapshot(store)
    first = write(tmp_path, "a.csv", INCIDENT_HEADER + f"a-1,2024-01-01,,CHN,PRK,4,,a,{SOURCE}\n")
    second = write(tmp_path, "b.csv", INCIDENT_HEADER + f"b-1,2024-02-01,,CHN,PRK,5,,b,{SOURCE}\n")
    assert run("import", str(first), "--store", str(store)).exit_code == 0
    middle = snapshot(store)
    assert run("import", str(second), "--store", str(store)).exit_code == 0
    listed = json.loads(run("imports", "--store", str(store), "--format", "json").stdout)
    assert [r["files"][0]["name"] for r in listed] == ["a.csv", "b.csv"]
    assert listed[0]["files"][0]["sha256"] == __import__("hashlib").sha256(first.read_bytes()).hexdigest()
    result = run("import", "--undo", listed[1]["id"], "--store", str(store))
    assert result.exit_code == 0
    assert snapshot(store) == middle
    run("import", "--undo", listed[0]["id"], "--store", str(store))
    assert snapshot(store) == before
    result = run("import", "--undo", "nope", "--store", str(store))
    assert (result.exit_code, result.stderr) == (2, "kgtool: error: no import with id 'nope' (imports: none)\n")


# -- exports ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "fmt,suffix", [("turtle", "ttl"), ("nt", "nt"), ("nq", "nq"), ("trig", "trig"), ("jsonld", "jsonld")]
)
def test_export_import_into_empty_store_round_trips(tmp_path, fmt, suffix):
    exported = tmp_path / f"export.{suffix}"
    assert run("export", "--format", fmt, "-o", str(exported)).exit_code == 0
    empty = tmp_path / "empty"
    result = run("import", str(exported), "--store", str(empty), "--empty")
    assert result.exit_code == 0, result.stderr
    (record,) = json.loads(run("imports", "--store", str(empty), "--format", "json").stdout)
    again = run("export", "--store", str(empty), "--graph", record["graph"], "--format", "nt").stdout
    original = rdflib.Dataset()
    original.parse(exported, format={"ttl": "turtle", "jsonld": "json-ld", "nq": "nquads"}.get(suffix, suffix))
    union = rdflib.Graph()
    for s, p, o, _g in original.quads((None, None, None, None)):
        union.add((s, p, o))
    assert len(union) > 3000
    assert isomorphic(union, rdflib.Graph().parse(data=again, format="nt"))


@pytest.mark.parametrize("fmt", ["turtle", "nt", "nq", "trig", "jsonld"])
def test_two_exports_are_byte_identical_whatever_the_load_order(tmp_path, fmt):
    first = run("export", "--format", fmt).stdout
    assert first == run("export", "--format", fmt).stdout
    files = sorted((Path(__file__).resolve().parent.parent / "graph").glob("*.ttl"), reverse=True)
    store = tmp_path / "reversed"
    ontology = sorted((Path(__file__).resolve().parent.parent / "ontology").glob("*.ttl"))
    assert run("import", *map(str, ontology), *map(str, files), "--store", str(store), "--empty").exit_code == 0
    (record,) = json.loads(run("imports", "--store", str(store), "--format", "json").stdout)
    reloaded = run("export", "--store", str(store), "--graph", record["graph"], "--format", fmt).stdout
    if fmt not in ("nq", "trig"):
        assert reloaded == first


def test_trig_keeps_named_graphs():
    dataset = rdflib.Dataset()
    dataset.parse(data=run("export", "--format", "trig").stdout, format="trig")
    names = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert names == {"https://w3id.org/kgtool/graph/ontology", "https://w3id.org/kgtool/graph/data"}


def test_export_unknown_graph(tmp_path):
    result = run("export", "--graph", "https://example.org/none")
    assert result.exit_code == 2
    assert result.stderr.startswith("kgtool: error: no graph 'https://example.org/none' in the store (graphs: ")
    kept = tmp_path / "kept.ttl"
    kept.write_text("an earlier export\n")
    result = run("export", "--graph", "https://example.org/none", "-o", str(kept))
    assert result.exit_code == 2
    assert kept.read_text() == "an earlier export\n"


def test_export_written_to_a_file_is_the_export_written_to_stdout(tmp_path):
    for fmt in ("turtle", "nq", "jsonld"):
        path = tmp_path / f"export.{fmt}"
        assert run("export", "--format", fmt, "-o", str(path)).exit_code == 0
        assert path.read_text(encoding="utf-8") == run("export", "--format", fmt).stdout


def test_import_needs_a_store(tmp_path):
    path = write(tmp_path, "x.csv", INCIDENT_HEADER)
    result = run("import", str(path))
    assert (result.exit_code, result.stderr) == (
        2,
        "kgtool: error: this command writes to a persistent store: give --store DIR (or set KGTOOL_STORE)\n",
    )


def test_a_csv_that_is_not_utf8_names_the_line_of_the_bad_byte(store, tmp_path):
    rows = "".join(f"ok-{n},2024-01-01,,CHN,PRK,1,,good row,{SOURCE}\n" for n in range(300))
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        (INCIDENT_HEADER + rows).encode() + f"bad,2024-01-01,,CHN,PRK,1,,caf\xe9,{SOURCE}\n".encode("latin-1")
    )
    before = snapshot(store)
    result = run("import", str(path), "--store", str(store))
    offset = len((INCIDENT_HEADER + rows).encode()) + len("bad,2024-01-01,,CHN,PRK,1,,caf")
    assert (result.exit_code, result.stderr) == (
        2,
        f"kgtool: error: {path}:302: not UTF-8 text (invalid continuation byte at byte {offset})\n",
    )
    assert snapshot(store) == before


def test_csv_results_neutralise_spreadsheet_formulas(tmp_path):
    query = tmp_path / "formulas.rq"
    query.write_text(
        'SELECT ?text ?n WHERE { VALUES (?text ?n) { ("=HYPERLINK(\\"http://x\\")" -5) ("@SUM(A1)" 2) '
        '("-x" 3) ("plain" 4) } }\n',
        encoding="utf-8",
    )
    result = run("query", str(query), "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        "text,n",
        '"\'=HYPERLINK(""http://x"")",-5',
        "'@SUM(A1),2",
        "'-x,3",
        "plain,4",
    ]
