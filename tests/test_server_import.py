"""`kgtool import --endpoint`: staged on the server, validated there, committed in one update, or nothing.

The same imports go into a disk store and onto Oxigraph server and Virtuoso 7 (started here on 127.0.0.1); the
findings must be the same, and every failure must leave the server's export byte-identical and no staging graph.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from conftest import PREFIXES, run, run_json
from servers import Server, free_port, server_graphs, start_oxigraph, start_virtuoso
from test_import_export import INCIDENT_HEADER, write

from kgtool.store import remote
from kgtool.store.http import EndpointTimeoutError
from kgtool.store.remote import RemoteStore

pytestmark = pytest.mark.server

SOURCE = "https://example.org/server-report,Server report,Example NGO,2026-01-10"
INCIDENTS = (
    INCIDENT_HEADER
    + f"srv-1,2025-01-05,,CHN,PRK,12,Dandong,Return of 12 people,{SOURCE}\n"
    + f"srv-2,2025-02,,CHN,PRK,,,Return in February 2025,{SOURCE}\n"
    + "srv-3,2025-03-01,2025-03-02,LAO,PRK,3,,Return from Laos,A/HRC/99/1,UN report,Human Rights Council,2025\n"
)
KGR_PREFIXES = "".join(
    f"@prefix {name}: <https://w3id.org/kgtool/id/{name}/> .\n" for name in ("state", "inc", "count", "source", "org")
)
TURTLE = (
    PREFIXES
    + KGR_PREFIXES
    + """
inc:ttl-1 a kgo:ForcedReturn ; rdfs:label "Return reported in Turtle"@en ;
    kgo:returningState state:CHN ; kgo:destinationState state:PRK ;
    kgo:startDate "2025-06-01"^^xsd:date ; kgo:place "Tumen" ; prov:wasDerivedFrom source:ttl-report .
count:ttl-1 a kgo:CountClaim ; kgo:counts inc:ttl-1 ; kgo:people 40 ;
    kgo:countQualifier cq:exactly ; prov:wasDerivedFrom source:ttl-report .
source:ttl-report a kgo:Source ; dcterms:title "A report in Turtle"@en ; dcterms:publisher org:ttl-ngo ;
    kgo:sourceType stype:unclassified ; foaf:page <https://example.org/ttl-report> ;
    dcterms:date "2025-06-10"^^xsd:date ; rdfs:seeAlso [ rdfs:label "a blank node, to cross the wire"@en ] .
org:ttl-ngo a kgo:Body ; rdfs:label "Turtle NGO"@en .
"""
)
#: A forced return with no source: one quality violation.
UNSOURCED = (
    PREFIXES
    + KGR_PREFIXES
    + "inc:unsourced a kgo:ForcedReturn ; kgo:returningState state:CHN ; kgo:destinationState state:PRK ;\n"
    + '    kgo:startDate "2024-01-01"^^xsd:date .\n'
)


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def started(request, tmp_path_factory) -> Iterator[Server]:
    directory = tmp_path_factory.mktemp(f"import-{request.param}")
    server = start_oxigraph(directory) if request.param == "oxigraph" else start_virtuoso(directory)
    with pytest.MonkeyPatch.context() as environment:
        if request.param == "virtuoso":  # writes need credentials; a new Virtuoso database has dba/dba
            environment.setenv("KGTOOL_USER", "dba")
            environment.setenv("KGTOOL_PASSWORD", "dba")
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture
def server(started: Server) -> Server:
    """The server holding exactly the bundled graph (pushed afresh), with no import."""
    remote = RemoteStore.connect(started.endpoint, started.profile)
    for graph in server_graphs(started):
        remote.update(f"DROP SILENT GRAPH <{graph}>")
    result = run("push", "--endpoint", started.endpoint)
    assert result.exit_code == 0, result.stderr
    return started


def snapshot(server: Server) -> str:
    result = run("export", "--endpoint", server.endpoint, "--format", "nq")
    assert result.exit_code == 0, result.stderr
    return result.stdout


def staging_graphs(server: Server) -> list[str]:
    return [g for g in server_graphs(server) if g.startswith("urn:kgtool:")]


def file_records(*args: str) -> list[list[tuple]]:
    """The files of each import as (name, format, triples, sha256): what does not depend on time or id."""
    result = run("imports", *args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return [
        [(f["name"], f["format"], f["triples"], f["sha256"]) for f in r["files"]] for r in json.loads(result.stdout)
    ]


def test_imports_through_the_endpoint_give_the_disk_store_findings(server, tmp_path):
    incidents = write(tmp_path, "incidents.csv", INCIDENTS)
    turtle = write(tmp_path, "more.ttl", TURTLE)
    store = tmp_path / "store"
    for files in ([incidents], [turtle]):
        local = run("import", *map(str, files), "--store", str(store))
        assert local.exit_code == 0, local.stderr
        remote = run("import", *map(str, files), "--endpoint", server.endpoint)
        assert remote.exit_code == 0, remote.stderr
        assert remote.stdout.split(" as ")[0] == local.stdout.split(" as ")[0]
    assert file_records("--endpoint", server.endpoint) == file_records("--store", str(store))
    assert [f[:3] for (f,) in file_records("--store", str(store))] == [
        ("incidents.csv", "csv:incidents", 47),
        ("more.ttl", "turtle", 22),
    ]
    code, on_server = run_json("check", "--endpoint", server.endpoint)
    assert (code, on_server) == run_json("check", "--store", str(store))
    evidence = {e["iri"] for f in on_server["findings"] for e in f["evidence"]}
    assert {"https://w3id.org/kgtool/id/inc/srv-1", "https://w3id.org/kgtool/id/inc/ttl-1"} <= evidence
    assert staging_graphs(server) == []


BAD_INPUT = [
    (
        "bad.csv",
        # other incidents than good.csv's (one import may not give one incident twice), then a bad row
        INCIDENTS.replace("srv-", "bad-") + f"x1,2024-01-01,,XXX,PRK,5,,d,{SOURCE}\n",
        ":5: column 'returning_state': unknown State code 'XXX' (not an ISO 3166-1 or ISO 3166-3 alpha-3 code)",
    ),
    ("bad.ttl", TURTLE + "<https://example.org/a> <https://example.org/b> .\n", f":{TURTLE.count(chr(10)) + 1}:"),
]


@pytest.mark.parametrize("name,text,where", BAD_INPUT, ids=["csv-row", "turtle-syntax"])
def test_bad_input_through_the_endpoint_changes_nothing(server, tmp_path, name, text, where):
    good = write(tmp_path, "good.csv", INCIDENTS)
    bad = write(tmp_path, name, text)
    before = snapshot(server)
    result = run("import", str(good), str(bad), "--endpoint", server.endpoint)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith(f"kgtool: error: {bad}{where}")
    assert result.stderr.count("\n") == 1
    assert snapshot(server) == before
    assert staging_graphs(server) == []
    assert run("imports", "--endpoint", server.endpoint).stdout == "no imports\n"


def test_quality_violation_through_the_endpoint_changes_nothing(server, tmp_path):
    good = write(tmp_path, "good.csv", INCIDENTS)
    bad = write(tmp_path, "unsourced.ttl", UNSOURCED)
    before = snapshot(server)
    result = run("import", str(good), str(bad), "--endpoint", server.endpoint)
    assert (result.exit_code, result.stderr) == (
        1,
        "kgtool: error: data quality fails with the new data (1 violation(s)); nothing imported\n"
        "[Violation] kgr:inc/unsourced prov:wasDerivedFrom: has no source: add prov:wasDerivedFrom pointing to "
        "a kgo:Source\n",
    )
    assert snapshot(server) == before
    assert staging_graphs(server) == []
    assert run("imports", "--endpoint", server.endpoint).stdout == "no imports\n"


def test_undo_through_the_endpoint_restores_the_export_exactly(server, tmp_path):
    before = snapshot(server)
    first = write(tmp_path, "a.csv", INCIDENTS)
    second = write(tmp_path, "b.ttl", TURTLE)
    assert run("import", str(first), "--endpoint", server.endpoint).exit_code == 0
    middle = snapshot(server)
    assert run("import", str(second), "--endpoint", server.endpoint).exit_code == 0
    assert snapshot(server) != middle
    listed = json.loads(run("imports", "--endpoint", server.endpoint, "--format", "json").stdout)
    assert [r["files"][0]["name"] for r in listed] == ["a.csv", "b.ttl"]
    result = run("import", "--undo", listed[1]["id"], "--endpoint", server.endpoint)
    assert result.exit_code == 0, result.stderr
    assert snapshot(server) == middle
    assert run("import", "--undo", listed[0]["id"], "--endpoint", server.endpoint).exit_code == 0
    assert snapshot(server) == before
    assert run_json("check", "--endpoint", server.endpoint) == run_json("check")
    result = run("import", "--undo", "nope", "--endpoint", server.endpoint)
    assert (result.exit_code, result.stderr) == (2, "kgtool: error: no import with id 'nope' (imports: none)\n")


# -- server errors: Oxigraph server, whose endpoints the generic profile can be pointed at one by one ---------------


def _generic(monkeypatch, base: str, **broken: str) -> None:
    urls = {"QUERY": f"{base}/query", "UPDATE": f"{base}/update", "GSP": f"{base}/store"}
    for key, url in {**urls, **broken}.items():
        monkeypatch.setenv(f"KGTOOL_{key}_URL", url)


@pytest.mark.parametrize("started", ["oxigraph"], indirect=True)
@pytest.mark.parametrize("broken", ["GSP", "UPDATE"])
def test_server_refusing_a_step_is_one_line_and_changes_nothing(server, tmp_path, monkeypatch, broken):
    """A refused upload fails before anything is staged; a refused commit after: both leave nothing behind."""
    files = [write(tmp_path, "incidents.csv", INCIDENTS), write(tmp_path, "more.ttl", TURTLE)]
    before = snapshot(server)
    refused = f"{server.endpoint}/refused"
    _generic(monkeypatch, server.endpoint, **{broken: refused})
    result = run("import", *map(str, files), "--endpoint", server.endpoint, "--profile", "generic")
    assert (result.exit_code, result.stdout) == (2, "")
    what = "upload to graph urn:kgtool:staging:" if broken == "GSP" else "update: HTTP 404"
    assert result.stderr.startswith(f"kgtool: error: {what}"), result.stderr
    assert result.stderr.endswith(f" ({refused})\n")
    assert result.stderr.count("\n") == 1
    monkeypatch.delenv(f"KGTOOL_{broken}_URL")
    assert snapshot(server) == before
    assert staging_graphs(server) == []


@pytest.mark.parametrize("started", ["oxigraph"], indirect=True)
@pytest.mark.parametrize("committed", [True, False], ids=["answer-lost", "still-committing"])
def test_commit_without_an_answer(server, tmp_path, monkeypatch, committed):
    """A commit the server made counts as made; one it may still make is said so, and its staging kept."""
    real_update = RemoteStore.update
    commit_timeouts = []

    def update(store: RemoteStore, text: str, timeout: float | None = None) -> None:
        if text.startswith("MOVE SILENT GRAPH <urn:kgtool:staging:"):
            commit_timeouts.append(timeout)
            if committed:
                real_update(store, text, timeout)
            raise EndpointTimeoutError(store.profile.update_url, "update: no answer within 120 s")
        real_update(store, text, timeout)

    monkeypatch.setattr(RemoteStore, "update", update)
    # The commit moves the staged triples: it may take as long as a push's MOVE of that many (here 10 s each).
    monkeypatch.setattr(remote, "MOVE_SECONDS_PER_TRIPLE", 10.0)
    before = snapshot(server)
    result = run("import", str(write(tmp_path, "incidents.csv", INCIDENTS)), "--endpoint", server.endpoint)
    monkeypatch.undo()
    listed = json.loads(run("imports", "--endpoint", server.endpoint, "--format", "json").stdout)
    assert len(commit_timeouts) == 1
    if committed:
        assert result.exit_code == 0, result.stderr
        assert [r["files"][0]["name"] for r in listed] == ["incidents.csv"]
        assert commit_timeouts == [10.0 * listed[0]["triples"]]
        assert staging_graphs(server) == []
        return
    assert (result.exit_code, result.stdout, listed) == (2, "", [])
    assert result.stderr.startswith(f"kgtool: error: update: no answer within 120 s ({server.endpoint}/update); ")
    assert "the server may still commit import " in result.stderr
    assert result.stderr.count("\n") == 1
    assert snapshot(server) == before
    assert len(staging_graphs(server)) == 2  # kept: the data and the bindings


def test_server_down_is_one_line(tmp_path):
    endpoint = f"http://127.0.0.1:{free_port()}"
    path = write(tmp_path, "incidents.csv", INCIDENTS)
    result = run("import", str(path), "--endpoint", endpoint, "--profile", "oxigraph")
    assert result.exit_code == 2
    assert result.stderr.startswith("kgtool: error: query: cannot reach the server (")
    assert result.stderr.endswith(f"({endpoint}/query)\n")
    assert result.stderr.count("\n") == 1
