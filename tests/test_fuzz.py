"""Generated hostile inputs: every one gets exit 2, one located message, no traceback, and the store unchanged.

The cases are generated from the bundled queries, the CSV kinds and the RDF formats, so that every new query,
kind or format is fuzzed too. Run them apart with ``pytest -m fuzz``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import run, store_digest

from kgtool.data.kinds import SOURCE_COLUMNS, header_of, kind_named
from kgtool.queries.library import bundled_queries

pytestmark = pytest.mark.fuzz

SOURCE = {
    "source_url": "https://example.org/fuzz",
    "source_title": "Fuzz report",
    "source_publisher": "Fuzz NGO",
    "source_date": "2026-01-10",
}


def _assert_one_located_error(result, path: Path, located: bool = True) -> None:
    """Exit 2, nothing on stdout, one error naming the file (and a line where ``located``), no traceback."""
    assert result.exit_code == 2, (result.exit_code, result.stdout[:300], result.stderr)
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"kgtool: error: {path}:"), result.stderr
    if located:
        assert re.match(rf"kgtool: error: {re.escape(str(path))}:\d+(:\d+)?: \S", first), first


# -- query files ------------------------------------------------------------------------------------------------
def _body_start(text: str) -> int:
    """Return the offset just after the first ``WHERE {`` (or the first ``{``) of a query."""
    match = re.search(r"\bWHERE\s*\{", text, re.IGNORECASE) or re.search(r"\{", text)
    assert match is not None
    return match.end()


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


QUERIES = {q.name: q.text for q in bundled_queries()}
STRAY_TOKENS = [")", "]", "FILTER", ".;", "?x ?y ?z ?w"]
QUERY_CASES = [(name, token) for name in sorted(QUERIES) for token in STRAY_TOKENS]


@pytest.mark.parametrize(("name", "token"), QUERY_CASES)
def test_a_stray_token_in_a_bundled_query_is_located_where_it_was_put(tmp_path, name, token):
    text = QUERIES[name]
    offset = _body_start(text)
    broken = f"{text[:offset]} {token} {text[offset:]}"
    path = tmp_path / f"{name}.rq"
    path.write_text(broken, encoding="utf-8")
    result = run("query", str(path))
    _assert_one_located_error(result, path)
    if token in (")", "]", ".;"):  # a token no grammar rule can take there: the error is exactly at it
        line, column = _position(broken, offset + 1)
        assert result.stderr.startswith(f"kgtool: error: {path}:{line}:{column}: SPARQL syntax error: "), result.stderr
        assert result.stderr.splitlines()[2] == "    " + " " * (column - 1) + "^"


@pytest.mark.parametrize("name", sorted(QUERIES))
@pytest.mark.parametrize("fraction", [0.6, 0.9])
def test_a_truncated_bundled_query_is_a_located_error(tmp_path, name, fraction):
    text = QUERIES[name]
    start = _body_start(text)
    cut = start + int((len(text) - start) * fraction)
    path = tmp_path / f"{name}.rq"
    path.write_text(text[:cut], encoding="utf-8")
    _assert_one_located_error(run("query", str(path)), path)


UPDATES = [
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "PREFIX x: <urn:x:>\nDROP ALL",
    "LOAD <http://127.0.0.1:9/evil.ttl>",
    "CLEAR DEFAULT",
    "CREATE GRAPH <urn:g>",
    "# a comment\nMOVE DEFAULT TO <urn:g>",
    "COPY <urn:a> TO <urn:b>",
    "ADD <urn:a> TO <urn:b>",
    "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
]


@pytest.mark.parametrize("update", UPDATES)
def test_updates_are_refused_naming_the_file(tmp_path, update):
    path = tmp_path / "update.rq"
    path.write_text(update + "\n", encoding="utf-8")
    result = run("query", str(path))
    _assert_one_located_error(result, path, located=False)
    assert "is a SPARQL update; kgtool query is read-only" in result.stderr


SERVICE_QUERIES = [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE SILENT <http://169.254.169.254/latest/meta-data/> { ?s ?p ?o } }",
    "PREFIX e: <http://127.0.0.1:9/>\nSELECT * WHERE { ?s ?p ?o . service e:sparql { ?s ?p ?x } }",
    "SELECT * WHERE { VALUES ?e { <http://127.0.0.1:9/> } SERVICE ?e { ?s ?p ?o } }",
    "SELECT * WHERE { { SELECT * WHERE { SERVICE <file:///etc/passwd> { ?s ?p ?o } } } }",
    "ASK { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { OPTIONAL { SERVICE <https://example.org/sparql> { ?s ?p ?o } } }",
    "SELECT * WHERE { ?s ?p ?o MINUS { SERVICE <http://[::1]:9/> { ?s ?p ?o } } }",
]


@pytest.mark.parametrize("text", SERVICE_QUERIES)
def test_service_is_refused_at_its_line_and_column(tmp_path, text):
    path = tmp_path / "federated.rq"
    path.write_text(text + "\n", encoding="utf-8")
    result = run("query", str(path))
    _assert_one_located_error(result, path)
    assert "is a federated query: kgtool sends no request to another server unless --allow-service" in result.stderr


ODD_FILES = {
    "empty": b"",
    "only-comments": b"# title: nothing\n# question: none\n",
    "latin-1": b'SELECT * WHERE { ?s ?p "caf\xe9" }\n',
    "nul-byte": b"SELECT * WHERE { ?s ?p ?o \x00 }\n",
    "binary": bytes(range(256)),
    "deep-groups": b"SELECT * WHERE " + b"{ " * 5000 + b"?s ?p ?o" + b" }" * 5000,
    "deep-parentheses": b"SELECT * WHERE { ?s ?p ?o FILTER(" + b"(" * 5000 + b"1" + b")" * 5001 + b" }",
    "deep-brackets": b"SELECT * WHERE { ?s ?p " + b"[ ?p " * 3000 + b"?o" + b" ]" * 3000 + b" }",
    "huge-literal": b'SELECT * WHERE { ?s ?p "' + b"x" * 2_000_000 + b'" ',
    "unterminated-string": b'SELECT * WHERE { ?s ?p "abc }\n',
    "unterminated-iri": b"SELECT * WHERE { ?s ?p <http://example.org/ }\n",
    "bad-escape": b'SELECT * WHERE { ?s ?p "\\q" }\n',
}


@pytest.mark.parametrize("name", sorted(ODD_FILES))
def test_odd_query_files_are_one_line_errors(tmp_path, name):
    path = tmp_path / f"{name}.rq"
    path.write_bytes(ODD_FILES[name])
    result = run("query", str(path))
    _assert_one_located_error(result, path, located=name not in ("empty", "only-comments", "binary"))


def test_a_query_name_that_is_a_path_outside(tmp_path):
    # A path the user names is read as theirs to read; it is no query, and runs nothing.
    result = run("query", "../../../../etc/passwd")
    assert result.exit_code == 2
    assert result.stderr.startswith("kgtool: error: ../../../../etc/passwd:1:1: SPARQL syntax error: ")
    assert "Traceback" not in result.stderr


# -- query parameters ---------------------------------------------------------------------------------------------
BAD_VALUES = {
    "iri": ["", "not an iri", "<http://a b>", "http://x/>} ; DROP ALL #", '"lit"', "kgr:state/CHN> ?x <y", "\x00"],
    "date": ["", "2024-13-01", "2024-02-30", "24-01-01", "\u0662\u0660\u0662\u0664-01-01", "2024-01-01T00:00", "0"],
    "integer": ["", "1.5", "1e3", "\u0665", "0x10", "12 ", "--1"],
    "string": [],
}
PARAM_CASES = [(q.name, p.name, value) for q in bundled_queries() for p in q.parameters for value in BAD_VALUES[p.type]]


@pytest.mark.parametrize(("query_name", "param", "value"), PARAM_CASES)
def test_bad_parameter_values_are_refused_by_type(query_name, param, value):
    query = next(q for q in bundled_queries() if q.name == query_name)
    args = [f"{p.name}={value if p.name == param else p.example}" for p in query.parameters]
    result = run("query", query_name, *[x for a in args for x in ("--param", a)])
    assert result.exit_code == 2, result.stdout
    assert result.stderr == (
        f"kgtool: error: parameter {param!r} must be "
        + {"iri": "an IRI", "date": "a date YYYY-MM-DD", "integer": "an integer"}[
            next(p.type for p in query.parameters if p.name == param)
        ]
        + f", got {value!r}\n"
    )


# -- CSV kinds ------------------------------------------------------------------------------------------------------
GOOD_ROWS = {
    "incidents": {
        "id": "fuzz-1",
        "date": "2024-01-01",
        "end_date": "",
        "returning_state": "CHN",
        "destination_state": "PRK",
        "people": "3",
        "place": "Dandong",
        "description": "A fuzzed return",
        **SOURCE,
    },
    "participation": {"state": "LAO", "instrument": "cat-1984", "action": "accession", "date": "2000-01-01", **SOURCE},
    "reservations": {
        "state": "LAO",
        "instrument": "cat-1984",
        "provision": "art-3",
        "text": "A reservation",
        **SOURCE,
    },
}
#: Values no column of any kind accepts where a value is checked (each replaces one checked cell).
BAD_CELLS = {
    "id": ["", "has space", "../../etc", "\u0000x"],
    "date": ["", "2024-02-30", "0000", "\u0662\u0660\u0662\u0664", "2024/01/01", "1e3"],
    "end_date": ["1999-01-01", "2024-13"],
    "returning_state": ["", "XXX", "chn", "PRK"],
    "destination_state": ["", "ZZZ", "CHN"],
    "people": ["-1", "1.5", "\u0665", "three", "0x10"],
    "state": ["", "QQQ"],
    "instrument": ["", "no-such-treaty", "../cat-1984"],
    "action": ["", "adoption", "RATIFICATION"],
    "provision": ["", "art-999"],
    "text": [""],
    "source_url": [""],
    "source_title": [""],
    "source_publisher": [""],
    "source_date": ["2026-02-30", "yesterday"],
    "place": ["a\u0007b"],
    "description": ["line\u0000break"],
}
#: The kinds fuzzed here, with their full headers (from the kinds' declarations).
KINDS = {name: header_of(kind_named(name)) for name in ("incidents", "participation", "reservations")}
CSV_CASES = [
    (kind, column, value)
    for kind, columns in KINDS.items()
    for column in columns
    for value in BAD_CELLS.get(column, [])
    # An empty cell is bad only in a column a row must fill (the kind's declaration says which).
    if value or column in SOURCE_COLUMNS or kind_named(kind).column(column).required
]


def _csv(rows: list[dict[str, str]], columns: list[str]) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


@pytest.mark.parametrize(("kind", "column", "value"), CSV_CASES)
def test_a_bad_cell_in_row_three_names_file_row_and_column_and_stores_nothing(
    module_store, tmp_path, kind, column, value
):
    good = dict(GOOD_ROWS[kind])
    second = {**good, "id": "fuzz-2"} if kind == "incidents" else {**good, "state": "CZE"}
    bad = {**good, "id": "fuzz-3"} if kind == "incidents" else {**good, "state": "KOR"}
    bad[column] = value
    path = tmp_path / f"{kind}.csv"
    path.write_text(_csv([good, second, bad], KINDS[kind]), encoding="utf-8")
    before = store_digest(module_store)
    result = run("import", str(path), "--store", str(module_store))
    if result.exit_code == 0:
        pytest.fail(f"accepted {kind}.{column}={value!r}: {result.stdout}")
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith(f"kgtool: error: {path}:4: column '"), result.stderr
    assert "Traceback" not in result.stderr
    assert store_digest(module_store) == before


MALFORMED_CSV = {
    "empty": b"",
    "header-only-unknown": b"a,b,c\n",
    "wrong-column-count": None,
    "unclosed-quote": None,
    "latin-1": None,
    "binary": bytes(range(256)) * 4,
    "nul-in-header": b"id,da\x00te\n",
}


@pytest.mark.parametrize("kind", sorted(KINDS))
@pytest.mark.parametrize("damage", sorted(MALFORMED_CSV))
def test_malformed_csv_files_are_refused_and_store_nothing(module_store, tmp_path, kind, damage):
    columns = KINDS[kind]
    text = _csv([GOOD_ROWS[kind]], columns).encode("utf-8")
    data = {
        "wrong-column-count": text + b"a,b\n",
        "unclosed-quote": text + b'"' + b"x" * 50 + b"\n",
        "latin-1": text.replace(b"Fuzz NGO", b"Fuzz \xe9NGO"),
    }.get(damage, MALFORMED_CSV[damage])
    path = tmp_path / f"{kind}.csv"
    path.write_bytes(data)
    before = store_digest(module_store)
    result = run("import", str(path), "--store", str(module_store))
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stderr.startswith(f"kgtool: error: {path}"), result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert store_digest(module_store) == before


def test_the_fuzz_suite_has_at_least_300_cases():
    counted = (
        len(QUERY_CASES)
        + 2 * len(QUERIES)
        + len(UPDATES)
        + len(SERVICE_QUERIES)
        + len(ODD_FILES)
        + len(PARAM_CASES)
        + len(CSV_CASES)
        + len(KINDS) * len(MALFORMED_CSV)
    )
    assert counted >= 300, counted
    assert tuple(SOURCE) == SOURCE_COLUMNS
