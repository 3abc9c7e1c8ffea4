"""The import kinds of the data-linking contract: declared once, read by the converter, `kinds`, `--template`.

Every test runs the real CLI on a real disk store; stores are compared before and after a refused import.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import run, run_json, store_digest

from kgtool.data.kinds import SOURCE_COLUMNS, TABLE_KINDS, all_kinds, header_of

ID = "https://w3id.org/kgtool/id/"
KGO = "https://w3id.org/kgtool/ontology#"
SOURCE = {
    "source_url": "https://example.org/kinds-test",
    "source_title": "Kinds test",
    "source_publisher": "Test NGO",
    "source_date": "2026-01-01",
}
README = Path(__file__).resolve().parent.parent / "README.md"


def write_csv(path: Path, rows: list[dict[str, str]], header: list[str] | None = None) -> Path:
    header = header or list(rows[0])
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def rows_with_source(*rows: dict[str, str]) -> list[dict[str, str]]:
    return [{**row, **SOURCE} for row in rows]


@pytest.fixture
def store(tmp_path: Path) -> Path:
    location = tmp_path / "store"
    assert run("imports", "--store", str(location)).exit_code == 0
    return location


def select(store: Path, query: str) -> list[tuple[str, ...]]:
    path = store.parent / "query.rq"
    path.write_text(query, encoding="utf-8")
    result = run("query", str(path), "--store", str(store), "--format", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    names = document["head"]["vars"]
    return sorted(tuple(b.get(n, {}).get("value", "") for n in names) for b in document["results"]["bindings"])


# -- the declarations and what reads them --------------------------------------------------------------------
def test_kinds_lists_every_declared_kind_with_its_header():
    result = run("kinds")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [line.split(":", 1)[0] for line in lines[::2]] == list(all_kinds())
    for kind, header_line in zip(all_kinds().values(), lines[1::2], strict=True):
        assert next(csv.reader([header_line.strip()])) == header_of(kind)


def test_kinds_json_names_every_column_with_its_type():
    code = run("kinds", "--format", "json")
    document = json.loads(code.stdout)
    assert [entry["kind"] for entry in document] == list(all_kinds())
    participation = next(entry for entry in document if entry["kind"] == "participation")
    assert [(c["name"], c["type"], c["required"]) for c in participation["columns"]] == [
        ("state", "state", True),
        ("instrument", "ref", True),
        ("action", "choice", True),
        ("date", "date", True),
        ("effective_date", "date", False),
        ("succession_date", "date", False),
    ]


@pytest.mark.parametrize("kind", list(all_kinds()))
def test_template_prints_the_declared_header_and_one_example_row(kind):
    result = run("import", "--template", kind)
    assert result.exit_code == 0
    header, example = list(csv.reader(io.StringIO(result.stdout)))
    assert header == header_of(all_kinds()[kind])
    assert len(example) == len(header)
    if kind not in TABLE_KINDS:
        assert header[-4:] == list(SOURCE_COLUMNS)


def test_unknown_template_kind_is_one_line():
    result = run("import", "--template", "treaties")
    assert (result.exit_code, result.stderr) == (
        2,
        "kgtool: error: unknown kind 'treaties' (kinds: " + ", ".join(all_kinds()) + ")\n",
    )


def test_every_template_example_imports_into_an_empty_store_in_one_import_in_any_file_order(tmp_path):
    """The examples are valid rows, and a case's files may refer to each other whatever their order."""
    paths = []
    for kind in all_kinds():
        if kind in TABLE_KINDS:
            continue
        text = run("import", "--template", kind).stdout
        if kind == "provisions":  # the reservations example excludes Art. 20, which the example row is not
            text += 'cat-1984,art-20,"Convention against Torture, Art. 20",,,,,,https://example.org/p,P,P NGO,\n'
        path = tmp_path / f"{kind}.csv"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    store = tmp_path / "store"
    ontology = [str(p) for p in sorted((Path(__file__).resolve().parent.parent / "ontology").glob("*.ttl"))]
    result = run("import", *map(str, reversed(paths)), *ontology, "--store", str(store), "--empty")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""  # the participation example's effective_date is kgtool's own date
    rows = select(
        store,
        "PREFIX kgo: <https://w3id.org/kgtool/ontology#> SELECT ?o ?since WHERE { ?b a kgo:Binding ; "
        "kgo:boundObligation ?o ; kgo:boundSince ?since }",
    )
    assert rows == [(ID + "obligation/cat-1984-art-3-1", "1988-11-03")]


def test_the_readme_table_of_kinds_is_the_declarations():
    text = README.read_text(encoding="utf-8")
    table = re.findall(r"^\| `([a-z-]+)` \| `([^`]+)` \|", text, re.MULTILINE)
    assert [(name, columns) for name, columns in table if name in all_kinds()] == [
        (kind.name, ",".join(kind.column_names)) for kind in all_kinds().values()
    ]


# -- States -------------------------------------------------------------------------------------------------
def test_a_state_outside_the_bundled_ones_is_known_by_its_iso_code(store, tmp_path):
    path = write_csv(
        tmp_path / "participation.csv",
        rows_with_source({"state": "AFG", "instrument": "cat-1984", "action": "ratification", "date": "1987-04-01"}),
    )
    result = run("import", str(path), "--store", str(store))
    assert result.exit_code == 0, result.stderr
    rows = select(
        store,
        "PREFIX kgo: <https://w3id.org/kgtool/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "SELECT ?label ?eif WHERE { <https://w3id.org/kgtool/id/state/AFG> a kgo:State ; rdfs:label ?label ; "
        'kgo:iso3166Alpha3 "AFG" . ?p kgo:participant <https://w3id.org/kgtool/id/state/AFG> ; '
        "kgo:entryIntoForceForState ?eif }",
    )
    assert rows == [("Afghanistan", "1987-06-26")]  # the later of deposit + P30D and CAT's own entry into force


def test_a_former_state_is_known_by_its_iso_3166_3_code(store, tmp_path):
    path = write_csv(
        tmp_path / "participation.csv",
        rows_with_source({"state": "YUG", "instrument": "cat-1984", "action": "ratification", "date": "1991-09-10"}),
    )
    assert run("import", str(path), "--store", str(store)).exit_code == 0
    rows = select(
        store,
        "PREFIX kgo: <https://w3id.org/kgtool/ontology#> SELECT ?type WHERE { "
        "<https://w3id.org/kgtool/id/state/YUG> a ?type }",
    )
    assert rows == [(KGO + "FormerState",), (KGO + "State",)]


# -- one import, one transaction ----------------------------------------------------------------------------
CASE_ROWS = {
    "instruments": [
        {"slug": "kinds-test-law", "title": "Kinds Test Law", "kind": "domestic-law", "adopted": "2020-01-01",
         "entry_into_force": "2020-03-01", "jurisdiction": "THA"},
    ],
    "provisions": [
        {"instrument": "kinds-test-law", "slug": "s-1", "label": "Kinds Test Law, s. 1"},
    ],
    "obligations": [
        {"slug": "kinds-test-law-s-1", "provision": "kinds-test-law/s-1", "label": "Non-refoulement (s. 1)",
         "type": "non-refoulement", "protects_against": "torture"},
    ],
    "findings": [
        {"id": "kinds-test-uyghur-risk", "body": "Kinds Test Committee", "date": "2022-08-31", "about_state": "CHN",
         "risk_state": "CHN", "risk_group": "uyghurs", "risk_type": "torture", "text": "Uyghurs returned face torture"},
    ],
    "incidents": [
        {"id": "kinds-test-uyghurs", "date": "2025-02-27", "returning_state": "THA", "destination_state": "CHN",
         "people": "40", "description": "Return of Uyghurs", "group": "uyghurs"},
        {"id": "kinds-test-others", "date": "2025-03-01", "returning_state": "THA", "destination_state": "CHN",
         "people": "3", "description": "Return of others", "group": "other-travellers"},
    ],
}  # fmt: skip


def write_case(tmp_path: Path, changes: dict[str, dict[str, str]] | None = None) -> list[Path]:
    paths = []
    for kind, rows in CASE_ROWS.items():
        rows = rows_with_source(*rows)
        for index, row in enumerate(rows):
            row.update((changes or {}).get(f"{kind}:{index}", {}))
        header = [c for c in header_of(all_kinds()[kind]) if any(c in row for row in rows)]
        paths.append(write_csv(tmp_path / f"{kind}.csv", rows, header))
    return paths


def test_a_finding_about_a_group_is_evidence_only_for_a_return_of_that_group(store, tmp_path):
    result = run("import", *map(str, write_case(tmp_path)), "--store", str(store))
    assert result.exit_code == 0, result.stderr
    code, document = run_json("check", "--store", str(store), "--state", "THA")
    assert code == 0
    [finding] = document["findings"]
    assert finding["obligation"]["iri"] == ID + "obligation/kinds-test-law-s-1"
    assert finding["bound_since"] == "2020-03-01"
    assert finding["first_breach"]["iri"] == ID + "inc/kinds-test-uyghurs"
    assert sorted((e["role"], e["iri"]) for e in finding["evidence"]) == [
        ("breach", ID + "inc/kinds-test-uyghurs"),
        ("risk", ID + "finding/kinds-test-uyghur-risk"),
    ]


def test_the_import_records_each_file_with_its_kind_and_triples(store, tmp_path):
    paths = write_case(tmp_path)
    assert run("import", *map(str, paths), "--store", str(store)).exit_code == 0
    _code, document = run_json("imports", "--store", str(store), "--format", "json")
    [record] = document
    assert [(f["name"], f["format"]) for f in record["files"]] == [(p.name, f"csv:{p.stem}") for p in paths]
    assert all(f["triples"] > 0 for f in record["files"])
    assert sum(f["triples"] for f in record["files"]) == record["triples"]


@pytest.mark.parametrize(
    ("change", "file", "row", "message"),
    [
        ({"obligations:0": {"provision": "kinds-test-law/s-9"}}, "obligations.csv", 2,
         "column 'provision': unknown provision 'kinds-test-law/s-9' (give it as INSTRUMENT/PROVISION)"),
        ({"incidents:1": {"group": "Other Travellers"}}, "incidents.csv", 3,
         "column 'group': bad slug 'Other Travellers' (lowercase letters, digits and '-')"),
        ({"findings:0": {"risk_type": "danger"}}, "findings.csv", 2,
         "column 'risk_type': unknown risk 'danger' (one of threat-to-life-or-freedom, torture)"),
        ({"instruments:0": {"jurisdiction": ""}}, "instruments.csv", 2,
         "column 'jurisdiction': a domestic-law instrument needs its State (an ISO alpha-3 code)"),
        ({"findings:0": {"risk_state": ""}}, "findings.csv", 2,
         "column 'risk_state': a finding of a risk names both the State (risk_state) and the risk (risk_type)"),
    ],
)  # fmt: skip
def test_a_bad_row_in_any_file_of_a_case_stores_nothing_of_the_case(store, tmp_path, change, file, row, message):
    paths = write_case(tmp_path, change)
    before = store_digest(store)
    result = run("import", *map(str, paths), "--store", str(store))
    assert (result.exit_code, result.stdout, result.stderr) == (
        2,
        "",
        f"kgtool: error: {tmp_path / file}:{row}: {message}\n",
    )
    assert store_digest(store) == before


# -- participation: every means of consent, the depositary's date, successions ---------------------------
def test_a_depositarys_effective_date_that_differs_is_kept_with_a_warning_naming_both(store, tmp_path):
    path = write_csv(
        tmp_path / "participation.csv",
        rows_with_source(
            {"state": "AFG", "instrument": "cat-1984", "action": "ratification", "date": "1988-01-01",
             "effective_date": "1988-02-01"},
        ),
    )  # fmt: skip
    result = run("import", str(path), "--store", str(store))
    assert result.exit_code == 0
    assert result.stderr == (
        f"{path}:2: warning: column 'effective_date': the depositary gives 1988-02-01, kgtool computes 1988-01-31 "
        "(the instrument rule applied to 1988-01-01); kgtool's date is used\n"
    )
    rows = select(
        store,
        "PREFIX kgo: <https://w3id.org/kgtool/ontology#> SELECT ?eif ?stated WHERE { "
        "?p kgo:participant <https://w3id.org/kgtool/id/state/AFG> ; kgo:entryIntoForceForState ?eif ; "
        "kgo:depositaryEffectiveDate ?stated }",
    )
    assert rows == [("1988-01-31", "1988-02-01")]


def test_a_successor_is_bound_from_the_date_of_the_succession_not_its_notification(store, tmp_path):
    """VCSST Art. 23(1): a notification of succession of 1994 binds from the 1993 date of the succession."""
    path = write_csv(
        tmp_path / "participation.csv",
        rows_with_source(
            {"state": "SVK", "instrument": "cat-1984", "action": "succession", "date": "1993-05-28",
             "succession_date": "1993-01-01"},
            {"state": "SVN", "instrument": "cat-1984", "action": "succession", "date": "1993-07-16"},
        ),
    )  # fmt: skip
    result = run("import", str(path), "--store", str(store))
    assert result.exit_code == 0, result.stderr
    rows = select(
        store,
        "PREFIX kgo: <https://w3id.org/kgtool/ontology#> SELECT ?state ?since ?unknown WHERE { "
        "?b kgo:boundObligation <https://w3id.org/kgtool/id/obligation/cat-1984-art-3-1> ; kgo:boundState ?s . "
        "?s kgo:iso3166Alpha3 ?state . FILTER (?state IN ('SVK', 'SVN')) "
        "OPTIONAL { ?b kgo:boundSince ?since } OPTIONAL { ?b kgo:boundSinceUnknown ?unknown } }",
    )
    assert rows == [("SVK", "1993-01-01", ""), ("SVN", "", "true")]
    result = run("validate", "--store", str(store))
    assert (
        "[Warning] kgr:participation/SVN-cat-1984-succession: a succession binds the successor from the date of the "
        "succession of States (VCSST Art. 23(1)), which is not given: bound since an unknown date, so no breach can "
        "be dated"
    ) in result.stdout.splitlines()


def test_header_of_no_kind_names_the_nearest_kind_and_what_is_wrong(store, tmp_path):
    path = write_csv(tmp_path / "p.csv", [{"state": "AFG", "instrument": "cat-1984", "deposit": "1988-01-01"}])
    result = run("import", str(path), "--store", str(store))
    assert (result.exit_code, result.stderr) == (
        2,
        f"kgtool: error: {path}:1: the header 'state,instrument,deposit' is no known kind: nearest is "
        "participation, but column 'deposit' is not one of its columns (`kgtool kinds` lists every kind's "
        "columns; `kgtool import --template KIND` prints one)\n",
    )


def test_a_file_wide_source_serves_rows_without_source_columns(store, tmp_path):
    path = write_csv(
        tmp_path / "participation.csv",
        [{"state": "AFG", "instrument": "cat-1984", "action": "ratification", "date": "1987-04-01"}],
    )
    result = run(
        "import", str(path), "--store", str(store), "--source", "https://example.org/untc",
        "--source-title", "UNTC status", "--source-publisher", "United Nations",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    rows = select(
        store,
        "PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX foaf: <http://xmlns.com/foaf/0.1/> "
        "SELECT ?page WHERE { <https://w3id.org/kgtool/id/participation/AFG-cat-1984-ratification> "
        "prov:wasDerivedFrom/foaf:page ?page }",
    )
    assert rows == [("https://example.org/untc",)]


def test_a_header_only_file_is_refused(store, tmp_path):
    path = tmp_path / "participation.csv"
    path.write_text(",".join(header_of(all_kinds()["participation"])) + "\n", encoding="utf-8")
    result = run("import", str(path), "--store", str(store))
    assert (result.exit_code, result.stderr) == (
        2,
        f"kgtool: error: {path}: no rows under the header; nothing imported\n",
    )


# -- workbooks and mappings ---------------------------------------------------------------------------------
def import_graph(store: Path) -> set[ox.Triple]:
    """Return the triples of the store's only import graph."""
    _code, document = run_json("imports", "--store", str(store), "--format", "json")
    [record] = document
    result = run("export", "--store", str(store), "--format", "nq")
    dataset = ox.Dataset(ox.parse(result.stdout.encode(), format=ox.RdfFormat.N_QUADS))
    return {q.triple for q in dataset if q.graph_name == ox.NamedNode(record["graph"])}


def case_sheets() -> dict[str, list[list[str]]]:
    sheets = {}
    for kind, rows in CASE_ROWS.items():
        rows = rows_with_source(*rows)
        header = [c for c in header_of(all_kinds()[kind]) if any(c in row for row in rows)]
        sheets[kind] = [header] + [[row.get(c, "") for c in header] for row in rows]
    return sheets


def write_xlsx(path: Path, sheets: dict[str, list[list[str]]]) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def write_ods(path: Path, sheets: dict[str, list[list[str]]]) -> Path:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    for name, rows in sheets.items():
        table = Table(name=name)
        for row in rows:
            table_row = TableRow()
            for value in row:
                cell = TableCell(valuetype="string")
                cell.addElement(P(text=value))
                table_row.addElement(cell)
            table.addElement(table_row)
        document.spreadsheet.addElement(table)
    document.save(str(path))
    return path


@pytest.mark.parametrize("writer", [write_xlsx, write_ods], ids=["xlsx", "ods"])
def test_a_workbook_with_a_sheet_a_kind_imports_the_same_triples_as_the_csv_files(tmp_path, writer):
    csv_store, book_store = tmp_path / "csv-store", tmp_path / "book-store"
    assert run("import", *map(str, write_case(tmp_path)), "--store", str(csv_store)).exit_code == 0
    book = writer(tmp_path / f"case.{writer.__name__.split('_')[1]}", case_sheets())
    result = run("import", str(book), "--store", str(book_store))
    assert result.exit_code == 0, result.stderr
    assert import_graph(book_store) == import_graph(csv_store)


def test_a_bad_cell_in_a_workbook_names_the_file_sheet_and_row(store, tmp_path):
    sheets = case_sheets()
    sheets["incidents"][2][sheets["incidents"][0].index("people")] = "many"
    book = write_xlsx(tmp_path / "case.xlsx", sheets)
    before = store_digest(store)
    result = run("import", str(book), "--store", str(store))
    assert (result.exit_code, result.stderr) == (
        2,
        f"kgtool: error: {book}[incidents]:3: column 'people': 'many' is not an integer\n",
    )
    assert store_digest(store) == before


MAPPING = {
    "@context": "http://www.w3.org/ns/csvw",
    "dialect": {"delimiter": ";"},
    "kgtool:kind": "participation",
    "tableSchema": {
        "columns": [
            {"name": "state", "titles": "Country code"},
            {"name": "instrument", "titles": "Treaty"},
            {"name": "action", "titles": "Act"},
            {"name": "date", "titles": "Deposited", "datatype": {"base": "date", "format": "dd.MM.yyyy"}},
            {"name": "note", "titles": "Our note", "suppressOutput": True},
            {"name": "source_url", "titles": "Link"},
            {"name": "source_title", "titles": "Document"},
            {"name": "source_publisher", "titles": "Publisher"},
        ]
    },
}


def write_own_layout(tmp_path: Path, deposited: str, note: str) -> tuple[Path, Path]:
    """Write MAPPING and a one-row CSV file in its layout; return (mapping, file)."""
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps(MAPPING), encoding="utf-8")
    own = tmp_path / "ours.csv"
    own.write_text(
        "Country code;Treaty;Act;Deposited;Our note;Link;Document;Publisher\n"
        f"AFG;cat-1984;ratification;{deposited};{note};https://example.org/kinds-test;Kinds test;Test NGO\n",
        encoding="utf-8",
    )
    return mapping, own


def test_a_csvw_mapping_reads_a_users_own_layout_as_a_kind(tmp_path):
    mapping, own = write_own_layout(tmp_path, "01.04.1987", "checked twice")
    plain = write_csv(
        tmp_path / "participation.csv",
        [{"state": "AFG", "instrument": "cat-1984", "action": "ratification", "date": "1987-04-01",
          "source_url": "https://example.org/kinds-test", "source_title": "Kinds test",
          "source_publisher": "Test NGO"}],
    )  # fmt: skip
    mapped_store, plain_store = tmp_path / "mapped", tmp_path / "plain"
    result = run("import", str(own), "--mapping", str(mapping), "--store", str(mapped_store))
    assert result.exit_code == 0, result.stderr
    assert run("import", str(plain), "--store", str(plain_store)).exit_code == 0
    assert import_graph(mapped_store) == import_graph(plain_store)


def test_a_cell_the_mapping_datatype_refuses_names_the_row_and_column(store, tmp_path):
    mapping, own = write_own_layout(tmp_path, "1987-04-01", "")
    before = store_digest(store)
    result = run("import", str(own), "--mapping", str(mapping), "--store", str(store))
    assert (result.exit_code, result.stderr) == (
        2,
        f"kgtool: error: {own}:2: column 'date': '1987-04-01' does not match the mapping's format 'dd.MM.yyyy'\n",
    )
    assert store_digest(store) == before


@pytest.mark.parametrize(
    ("kind", "row", "message"),
    [
        ("reservations", {"state": "LAO", "instrument": "cat-1984", "provision": "art 3", "text": "t"},
         "column 'provision': bad id 'art 3' (letters, digits, '.', '_', '-' and '/')"),
        ("participation", {"state": "LAO", "instrument": "cat-1984", "action": "accession", "date": "2000-01-01",
                           "source_url": "https://example.org/a<b>"},
         "column 'source_url': 'https://example.org/a<b>' is not a valid URL (it holds one of < > \" { } | \\ ^ `)"),
    ],
)  # fmt: skip
def test_a_cell_that_would_make_a_bad_iri_is_a_row_error(store, tmp_path, kind, row, message):
    path = write_csv(tmp_path / f"{kind}.csv", [{**SOURCE, **row}])
    before = store_digest(store)
    result = run("import", str(path), "--store", str(store))
    assert (result.exit_code, result.stderr) == (2, f"kgtool: error: {path}:2: {message}\n")
    assert store_digest(store) == before


def test_a_mapping_that_links_its_schema_elsewhere_is_refused_without_a_request(store, tmp_path):
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({**MAPPING, "tableSchema": "http://127.0.0.1:9/schema.json"}), encoding="utf-8")
    own = tmp_path / "ours.csv"
    own.write_text("Country code;Treaty;Act;Deposited\n", encoding="utf-8")
    result = run("import", str(own), "--mapping", str(mapping), "--store", str(store))
    assert (result.exit_code, result.stderr) == (
        2,
        f"kgtool: error: {mapping}: 'tableSchema' must be given in the metadata itself, not as a link "
        "('http://127.0.0.1:9/schema.json'): kgtool reads nothing from the network or other files unless asked\n",
    )
