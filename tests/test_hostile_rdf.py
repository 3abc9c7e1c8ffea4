"""Hostile or broken RDF files get one located error line (exit 2) and never reach the store.

Every input is generated here. Each refusal is asserted as the exact stderr line ``kgtool: error:
FILE:LINE:COLUMN: message``; for `kgtool import` the store's quads, read straight from its files (so nothing a
later open would clean up can hide), are the same before and after.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import run

from kgtool.data.importer import import_files
from kgtool.errors import InputError
from kgtool.store import rdf_guard
from kgtool.store.rdf_guard import MAX_NESTING, check_rdf_file

RDF = 'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
XML_HEAD = '<?xml version="1.0"?>\n'
TTL_PREFIX = "@prefix : <http://e/> .\n"
DEEP = 1000  # levels in the hostile files (the fuzz run found 1,000 to 100,000; one test goes to 100,000)
TTL_LIMIT = f"nested deeper than {MAX_NESTING} levels of [ ( {{ << (kgtool's limit)"
JSON_LIMIT = f"nested deeper than {MAX_NESTING} levels of JSON objects and arrays (kgtool's limit)"
XML_LIMIT = f"nested deeper than {MAX_NESTING} levels of XML elements (kgtool's limit)"


def error_line(path: Path, line: int | None, column: int | None, message: str) -> str:
    """The one stderr line kgtool prints for bad input."""
    where = f"{path}:{line}:{column}" if line is not None else f"{path}"
    return f"kgtool: error: {where}: {message}\n"


def quads(store: Path) -> list[str]:
    """Every quad of a disk store, read with pyoxigraph itself (no kgtool clean-up on opening)."""
    raw = ox.Store(str(store))
    try:
        return sorted(str(quad) for quad in raw)
    finally:
        del raw


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    """A disk store holding one import; refused imports must leave it exactly so."""
    folder = tmp_path_factory.mktemp("store")
    seed = folder / "seed.ttl"
    seed.write_text(TTL_PREFIX + ':s :p "seed" .\n', encoding="utf-8")
    result = run("import", str(seed), "--store", str(folder / "db"), "--empty")
    assert result.exit_code == 0, result.stderr
    return folder / "db"


def refused_everywhere(store: Path, path: Path, line: int | None, column: int | None, message: str) -> None:
    """`validate FILE` and `import FILE` both refuse the file with this line; the store is unchanged."""
    expected = error_line(path, line, column, message)
    result = run("validate", str(path))
    assert (result.exit_code, result.stderr, result.stdout) == (2, expected, "")
    before = quads(store)
    result = run("import", str(path), "--store", str(store))
    assert (result.exit_code, result.stderr) == (2, expected)
    assert "Traceback" not in result.output
    assert quads(store) == before


# -- nesting ----------------------------------------------------------------------------------------------
def _deep_turtle(depth: int) -> tuple[str, int]:
    line = ":s :p " + "[ :p " * depth + ":o" + " ]" * depth + " .\n"
    return TTL_PREFIX + line, len(":s :p ") + len("[ :p ") * MAX_NESTING + 1


NESTED = {
    # name: (file name, content, line and column of the opening bracket past the limit, message)
    "turtle-blank-nodes": ("bnodes.ttl", *_deep_turtle(DEEP)),
    "turtle-collections": (
        "lists.ttl",
        TTL_PREFIX + ":s :p " + "( " * DEEP + ":o" + " )" * DEEP + " .\n",
        len(":s :p ") + 2 * MAX_NESTING + 1,
    ),
    "trig-graph-and-blank-nodes": (
        "graph.trig",
        TTL_PREFIX + ":g {\n  :s :p " + "[ :p " * DEEP + ":o" + " ]" * DEEP + " .\n}\n",
        len("  :s :p ") + len("[ :p ") * (MAX_NESTING - 1) + 1,  # the graph's braces are the first level
    ),
    "turtle-quoted-triples": (
        "quoted.ttl",
        TTL_PREFIX + ":s :p " + "<< :a :b " * DEEP + ":o" + " >>" * DEEP + " .\n",
        len(":s :p ") + len("<< :a :b ") * (MAX_NESTING // 2) + 1,  # "<<" counts two levels
    ),
}


@pytest.mark.parametrize("name", NESTED)
def test_turtle_and_trig_nested_past_the_limit_are_refused_where_the_limit_is_passed(store, tmp_path, name):
    file, content, column = NESTED[name]
    path = tmp_path / file
    path.write_text(content, encoding="utf-8")
    line = 3 if file.endswith(".trig") else 2
    refused_everywhere(store, path, line, column, TTL_LIMIT)


def test_n_triples_triple_terms_nested_past_the_limit_are_refused(store, tmp_path):
    path = tmp_path / "terms.nt"
    term = "<<( <http://e/a> <http://e/b> "
    path.write_text("<http://e/s> <http://e/p> " + term * DEEP + "<http://e/o>" + " )>>" * DEEP + " .\n")
    # "<<(" counts three levels (two for "<<", one for "("): the limit is passed inside the 22nd term
    column = len("<http://e/s> <http://e/p> ") + len(term) * (MAX_NESTING // 3) + 2
    refused_everywhere(store, path, 1, column, TTL_LIMIT)


def test_json_ld_nested_past_the_limit_is_refused(store, tmp_path):
    objects = tmp_path / "objects.jsonld"
    objects.write_text('{"@id": "http://e/s",\n "http://e/p": ' + '{"http://e/p": ' * DEEP + '"x"' + "}" * DEEP + "}")
    refused_everywhere(
        store, objects, 2, len(' "http://e/p": ') + len('{"http://e/p": ') * (MAX_NESTING - 1) + 1, JSON_LIMIT
    )
    arrays = tmp_path / "arrays.jsonld"
    arrays.write_text('{"@id": "http://e/s", "http://e/p": {"@list": ' + "[" * DEEP + '"x"' + "]" * DEEP + "}}")
    refused_everywhere(
        store, arrays, 1, len('{"@id": "http://e/s", "http://e/p": {"@list": ') + MAX_NESTING - 2 + 1, JSON_LIMIT
    )


def test_rdf_xml_elements_nested_past_the_limit_are_refused(store, tmp_path):
    path = tmp_path / "deep.rdf"
    step = "<rdf:Description><e:p>"
    body = step * DEEP + "x" + "</e:p></rdf:Description>" * DEEP
    path.write_text(f'{XML_HEAD}<rdf:RDF {RDF} xmlns:e="http://e/">\n{body}\n</rdf:RDF>\n')
    # rdf:RDF is the first level, so the element past the limit is the e:p of step MAX_NESTING // 2
    column = len(step) * (MAX_NESTING // 2 - 1) + len("<rdf:Description>") + 1
    refused_everywhere(store, path, 3, column, XML_LIMIT)


def test_nesting_at_the_limit_is_accepted_and_one_more_level_is_not(tmp_path):
    for depth, accepted in ((MAX_NESTING, True), (MAX_NESTING + 1, False)):
        path = tmp_path / f"depth-{depth}.ttl"
        path.write_text(_deep_turtle(depth)[0], encoding="utf-8")
        result = run("validate", str(path))
        assert (result.exit_code != 2) is accepted, result.stderr


def test_brackets_in_strings_iris_comments_and_escapes_do_not_count(tmp_path):
    many = "([{" * 200
    path = tmp_path / "brackets.ttl"
    path.write_text(
        TTL_PREFIX
        + f"# {many}\n"
        + f":a :p \"{many}\" , '{many}' , \"\"\"{many}\n{many}\"\"\" , '''{many}''' .\n"
        + f':a :p <http://e/{"(" * 200}> , :b\\({")" * 0} , "\\"{many}" .\n'
        + f':a :p "{many}"@en , "{many}"^^<http://e/t> .\n',
        encoding="utf-8",
    )
    check_rdf_file(path, ox.RdfFormat.TURTLE)
    document = tmp_path / "brackets.jsonld"
    document.write_text(
        json.dumps({"@id": "http://e/a", "http://e/p": [many + "?", {"@value": many + "!", "@language": "en"}]})
    )
    check_rdf_file(document, ox.RdfFormat.JSON_LD)
    store = tmp_path / "db"
    result = run("import", str(path), str(document), "--store", str(store), "--empty")
    assert result.exit_code == 0, result.stderr
    (record,) = json.loads(run("imports", "--store", str(store), "--format", "json").stdout)
    assert [f["triples"] for f in record["files"]] == [7, 2]  # the same text in ", ' and ''' quotes is one literal


def test_100000_levels_are_refused_quickly_in_a_cold_process(tmp_path):
    path = tmp_path / "deep.ttl"
    path.write_text(_deep_turtle(100_000)[0], encoding="utf-8")
    started = time.monotonic()
    completed = subprocess.run(
        [sys.executable, "-m", "kgtool", "import", str(path), "--store", str(tmp_path / "db"), "--empty"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (completed.returncode, completed.stderr) == (2, error_line(path, 2, _deep_turtle(1)[1], TTL_LIMIT))
    assert time.monotonic() - started < 20
    assert run("imports", "--store", str(tmp_path / "db")).stdout == "no imports\n"


# -- RDF/XML: DOCTYPE, well-formedness ------------------------------------------------------------------------
DOCTYPE = "a DOCTYPE is refused (RDF/XML needs none, and its entity declarations could expand without bound)"


def test_billion_laughs_is_refused_at_its_doctype(store, tmp_path):
    entities = ['<!ENTITY a0 "lol">'] + [f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10)]
    path = tmp_path / "laughs.rdf"
    path.write_text(
        f"{XML_HEAD}<!DOCTYPE rdf:RDF [\n"
        + "\n".join(entities)
        + f'\n]>\n<rdf:RDF {RDF}><rdf:Description rdf:about="http://e/s"><rdf:value>&a9;</rdf:value>'
        "</rdf:Description></rdf:RDF>\n"
    )
    assert path.stat().st_size < 1200
    refused_everywhere(store, path, 2, 1, DOCTYPE)


def test_external_entities_stay_refused(store, tmp_path):
    path = tmp_path / "xxe.rdf"
    path.write_text(
        f'{XML_HEAD}  <!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<rdf:RDF {RDF}>'
        '<rdf:Description rdf:about="http://e/s"><rdf:value>&x;</rdf:value></rdf:Description></rdf:RDF>\n'
    )
    refused_everywhere(store, path, 2, 3, DOCTYPE)


def test_truncated_and_ill_formed_rdf_xml_are_refused(store, tmp_path):
    truncated = tmp_path / "truncated.rdf"
    truncated.write_text(
        f'{XML_HEAD}<rdf:RDF {RDF}>\n<rdf:Description rdf:about="http://e/s"><rdf:value>x</rdf:value>\n'
    )
    refused_everywhere(store, truncated, 4, 1, "not well-formed XML: no element found")
    mismatched = tmp_path / "mismatched.rdf"
    mismatched.write_text(f'{XML_HEAD}<rdf:RDF {RDF}>\n  <rdf:Description rdf:about="http://e/s"></rdf:RDF>\n')
    refused_everywhere(store, mismatched, 3, 45, "not well-formed XML: mismatched tag")  # expat: the end tag's name


# -- characters -----------------------------------------------------------------------------------------------
CONTROL = "control character U+{:04X} (only tab, line feed and carriage return may appear in an RDF file)"
CONTROL_CASES = {
    "x.nt": ('<http://e/s> <http://e/p> "a\x01b" .\n', 1, 29, 0x01),
    "x.nq": ('<http://e/s> <http://e/p> "ab" <http://e/g> .\n<http://e/s> <http://e/p> "\x00" .\n', 2, 28, 0x00),
    "x.ttl": (TTL_PREFIX + ':s :p "café\x1b" .\n', 2, 12, 0x1B),
    "x.trig": (TTL_PREFIX + ':g { :s :p "x" }\x0c\n', 2, 17, 0x0C),
    "x.jsonld": ('{"@id": "http://e/s",\n "http://e/p": "a\x1fb"}', 2, 18, 0x1F),
    "x.rdf": (f"{XML_HEAD}<rdf:RDF {RDF}>\x07</rdf:RDF>\n", 2, 66, 0x07),
}


@pytest.mark.parametrize("name", CONTROL_CASES)
def test_control_characters_are_refused_in_every_format(store, tmp_path, name):
    content, line, column, code = CONTROL_CASES[name]
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    refused_everywhere(store, path, line, column, CONTROL.format(code))


def test_tabs_and_line_ends_are_not_control_characters_and_escapes_are_data(tmp_path):
    path = tmp_path / "ok.nt"
    path.write_bytes(b'<http://e/s>\t<http://e/p> "a\\u0001b" .\r\n<http://e/s> <http://e/p> "c" .\r\n')
    check_rdf_file(path, ox.RdfFormat.N_TRIPLES)


def test_a_file_that_is_not_utf8_is_refused_at_the_byte(store, tmp_path):
    path = tmp_path / "latin1.ttl"
    path.write_bytes(TTL_PREFIX.encode() + ':s :p "caf\xe9" .\n'.encode("latin-1"))
    refused_everywhere(store, path, 2, 11, "not UTF-8 (byte 0xE9); RDF files must be UTF-8")


# -- JSON-LD language tags and positions -------------------------------------------------------------------------
@pytest.mark.parametrize("tag", ["en--US", "12345678901", ""])
def test_a_bad_json_ld_language_tag_is_refused_at_its_value(store, tmp_path, tag):
    path = tmp_path / "lang.jsonld"
    path.write_text('{"@id": "http://e/s",\n  "http://e/p": {"@value": "x", "@language": ' + json.dumps(tag) + "}}")
    message = f"invalid language tag {json.dumps(tag)} for @language (not well-formed BCP 47)"
    refused_everywhere(store, path, 2, 46, message)


def test_a_bad_default_language_in_a_context_is_refused(tmp_path):
    path = tmp_path / "context.jsonld"
    path.write_text('{"@context": {"@language": "en--US"}, "@id": "http://e/s", "http://e/p": "x"}')
    result = run("validate", str(path))
    assert (result.exit_code, result.stderr) == (
        2,
        error_line(path, 1, 28, 'invalid language tag "en--US" for @language (not well-formed BCP 47)'),
    )


def test_json_ld_errors_name_the_offending_value(store, tmp_path):
    nodes = tmp_path / "nodes.jsonld"
    nodes.write_text('[\n {"@id": "http://e/a", "http://e/p": "x"},\n {"@id": 5, "http://e/p": "x"}\n]\n')
    refused_everywhere(store, nodes, 3, 10, "@id value must be a string")
    # inside "@graph" the parser reads to the end of the array before it fails: still the value is named
    graph = tmp_path / "graph.jsonld"
    rows = [f'  {{"@id": "http://e/{i}", "http://e/p": "x"}}' for i in range(300)]
    graph.write_text('{"@graph": [\n' + ",\n".join([*rows, '  {"@id": true}', *rows]) + "\n]}\n")
    refused_everywhere(store, graph, 302, 11, "@id value must be a string")


def test_rdf_xml_errors_name_line_and_column(store, tmp_path):
    path = tmp_path / "iri.rdf"
    body = '<rdf:Description rdf:about="http://e/a"><rdf:value>x</rdf:value></rdf:Description>\n' * 200
    path.write_text(
        f'{XML_HEAD}<rdf:RDF {RDF}>\n{body}  <rdf:Description rdf:about="ht tp://e/s"><rdf:value>x</rdf:value>'
        "</rdf:Description>\n</rdf:RDF>\n"
    )
    refused_everywhere(store, path, 203, 31, "error while parsing IRI 'ht tp://e/s': Invalid IRI code point ' '")


# -- empty files -----------------------------------------------------------------------------------------------
EMPTY = {  # a file of 0 bytes, in any format, and documents without a triple
    "zero.rdf": "",
    "zero.jsonld": "",
    "empty.ttl": "",
    "prefixes-only.ttl": TTL_PREFIX + "# nothing else\n",
    "empty.nt": "",
    "empty.nq": "\n",
    "empty.trig": TTL_PREFIX + ":g { }\n",
    "empty.jsonld": "[]",
    "empty-graph.jsonld": '{"@context": {"e": "http://e/"}, "@graph": []}',
    "empty.rdf": f"{XML_HEAD}<rdf:RDF {RDF}/>\n",
}


@pytest.mark.parametrize("name", EMPTY)
def test_an_empty_rdf_file_is_not_imported(store, tmp_path, name):
    path = tmp_path / name
    path.write_text(EMPTY[name], encoding="utf-8")
    before = quads(store)
    result = run("import", str(path), "--store", str(store))
    assert (result.exit_code, result.stderr) == (
        2,
        f"kgtool: error: {path}: no triples in the file; nothing imported\n",
    )
    assert quads(store) == before
    result = run("validate", str(path))
    assert (result.exit_code, result.stderr) == (2, f"kgtool: error: {path}: no triples in the file\n")


def test_an_empty_file_among_others_is_refused_but_a_repeated_one_is_not(tmp_path):
    full = tmp_path / "full.ttl"
    full.write_text(TTL_PREFIX + ":s :p :o .\n", encoding="utf-8")
    again = tmp_path / "again.nt"
    again.write_text("<http://e/s> <http://e/p> <http://e/o> .\n", encoding="utf-8")
    empty = tmp_path / "empty.ttl"
    empty.write_text(TTL_PREFIX, encoding="utf-8")
    store = tmp_path / "db"
    result = run("import", str(full), str(empty), "--store", str(store), "--empty")
    assert (result.exit_code, result.stderr) == (
        2,
        f"kgtool: error: {empty}: no triples in the file; nothing imported\n",
    )
    assert run("imports", "--store", str(store)).stdout == "no imports\n"
    result = run("validate", str(full), str(empty))
    assert (result.exit_code, result.stderr) == (2, f"kgtool: error: {empty}: no triples in the file\n")
    # a file whose triples an earlier file of the same import gave adds none, and is still imported
    assert run("import", str(full), str(again), "--store", str(store)).exit_code == 0
    (record,) = json.loads(run("imports", "--store", str(store), "--format", "json").stdout)
    assert [f["triples"] for f in record["files"]] == [1, 0]


# -- the check itself -------------------------------------------------------------------------------------------
def _verdict(data: bytes, fmt: ox.RdfFormat, block: int, monkeypatch) -> tuple[str, int] | None:
    monkeypatch.setattr(rdf_guard, "BLOCK", block)
    try:
        rdf_guard._scan(io.BytesIO(data), fmt)
    except rdf_guard._RefusedError as refused:
        return refused.message, refused.offset
    return None


BOUNDARY_CASES = [
    (ox.RdfFormat.TURTLE, TTL_PREFIX.encode() + b':s :p """a\n[[[ \\""" ]]]\n""" , "x\\"(" .\n' + b"[ :p " * 70),
    (ox.RdfFormat.TURTLE, b'# [[[[\n<http://e/a#[[> <http://e/p> \'it\'\'s [\' , """""" .\n' + b"( " * 66),
    (ox.RdfFormat.N_TRIPLES, b'<http://e/s> <http://e/p> "<<(" .\n' * 3 + b"<http://e/s> <http://e/p> " + b"<<( " * 30),
    (ox.RdfFormat.JSON_LD, b'[{"@id": "x\\"{{", "@language": "en"}, ' + b'{"k": "\\\\", "@language" :  "en--US"}' * 2),
    (ox.RdfFormat.JSON_LD, b'{"a": "{[\\"", "b": ' + b"[" * 70),
]


@pytest.mark.parametrize("case", range(len(BOUNDARY_CASES)))
def test_where_blocks_end_does_not_change_the_verdict(case, monkeypatch):
    fmt, data = BOUNDARY_CASES[case]
    expected = _verdict(data, fmt, 1 << 20, monkeypatch)
    assert expected is not None
    for block in (1, 2, 3, 5, 7, 11, 64):
        assert _verdict(data, fmt, block, monkeypatch) == expected, block


def test_the_check_runs_before_any_store_sees_the_file(tmp_path):
    """`import --endpoint` stages through RemoteStore.bulk_load: the file is checked before it is called."""

    class Server:
        def __init__(self) -> None:
            self.dropped: list[str] = []

        def staging_graph(self, graph: str, temporary: str) -> str:
            return temporary

        def bulk_load(self, source, fmt, graph):
            raise AssertionError("the parser was reached")

        def drop_silently(self, graph: str) -> None:
            self.dropped.append(graph)

    path = tmp_path / "deep.jsonld"
    head = '{"@id": "http://e/s", "http://e/p": '
    path.write_text(head + "[" * DEEP + "1" + "]" * DEEP + "}")
    server = Server()
    with pytest.raises(InputError) as raised:
        import_files(server, [path])  # type: ignore[arg-type]
    assert str(raised.value) == f"{path}:1:{len(head) + MAX_NESTING}: {JSON_LIMIT}"
    assert len(server.dropped) == 2


def test_real_files_pass_the_check(tmp_path):
    bench = Path(__file__).resolve().parent.parent / "bench" / "data"
    check_rdf_file(bench / "kg-10000.ttl", ox.RdfFormat.TURTLE)
    check_rdf_file(bench / "kg-10000.nt", ox.RdfFormat.N_TRIPLES)
    formats = {"turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD}
    for name, fmt in {**formats, "nq": ox.RdfFormat.N_QUADS}.items():
        path = tmp_path / f"bundled.{name}"
        assert run("export", "--format", name, "-o", str(path)).exit_code == 0
        check_rdf_file(path, fmt)
    triples = [quad.triple for quad in ox.parse(path=str(tmp_path / "bundled.nq"), format=ox.RdfFormat.N_QUADS)]
    rdfxml = tmp_path / "bundled.rdf"
    rdfxml.write_bytes(ox.serialize(triples, format=ox.RdfFormat.RDF_XML))
    check_rdf_file(rdfxml, ox.RdfFormat.RDF_XML)
