"""The same CLI calls on real SPARQL servers: Oxigraph server and Virtuoso 7, started here on 127.0.0.1.

Run the fast suite alone with `pytest -m "not server"`; CI runs everything.
"""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from conftest import run, run_json
from rdflib.compare import isomorphic
from rdflib.plugins.sparql.results.jsonresults import JSONResultParser
from servers import (
    FaultyProxy,
    Server,
    SilentServer,
    free_port,
    grant_anonymous_updates,
    server_graphs,
    start_oxigraph,
    start_virtuoso,
)

from kgtool.data.loading import open_store
from kgtool.data.push import push_graphs
from kgtool.queries.library import bundled_queries
from kgtool.store import parts
from kgtool.store.profiles import profile_for
from kgtool.store.remote import RemoteStore

pytestmark = pytest.mark.server


@pytest.fixture(scope="session", params=["oxigraph", "virtuoso"])
def server(request, tmp_path_factory) -> Iterator[Server]:
    directory = tmp_path_factory.mktemp(request.param)
    started = start_oxigraph(directory) if request.param == "oxigraph" else start_virtuoso(directory)
    saved = {k: os.environ.get(k) for k in ("KGTOOL_USER", "KGTOOL_PASSWORD")}
    if request.param == "virtuoso":
        os.environ.update(KGTOOL_USER="dba", KGTOOL_PASSWORD="dba")
    try:
        result = run("push", "--endpoint", started.endpoint)
        assert result.exit_code == 0, result.stderr
        yield started
    finally:
        started.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _rows(output: str) -> set[tuple]:
    parsed = JSONResultParser().parse(io.StringIO(output))
    variables = [str(v) for v in parsed.vars]
    rows = set()
    for binding in parsed.bindings:
        row = []
        for name in variables:
            term = next((t for v, t in binding.items() if str(v) == name), None)
            # Compare by value: engines write numbers and language tags in different lexical forms.
            row.append(
                None
                if term is None
                else (
                    type(term).__name__,
                    term.toPython() if hasattr(term, "toPython") else str(term),
                    getattr(term, "language", None) and term.language.lower(),
                )
            )
        rows.add(tuple(map(str, row)))
    return rows


def test_push_reports_verified_counts(server):
    result = run("push", "--endpoint", server.endpoint, "--profile", server.profile)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "https://w3id.org/kgtool/graph/data: 3223 triples pushed, 3223 on the server" in lines
    assert lines[-1].startswith(f"pushed 3 graphs (4249 triples) to {server.profile} at ")
    assert "dba" not in result.stdout + result.stderr


def test_check_on_the_server_equals_the_embedded_run(server):
    embedded = run_json("check")
    remote = run_json("check", "--endpoint", server.endpoint)
    assert remote == embedded
    assert len(remote[1]["findings"]) == 7


def test_validate_on_the_server_equals_the_embedded_run(server):
    assert run_json("validate", "--endpoint", server.endpoint) == run_json("validate")


@pytest.mark.parametrize("query", [q.name for q in bundled_queries()])
def test_every_bundled_query_gives_the_same_rows(server, query):
    q = next(q for q in bundled_queries() if q.name == query)
    params = [arg for p in q.parameters for arg in ("--param", f"{p.name}={p.example}")]
    embedded = run("query", query, *params, "--format", "json")
    remote = run("query", query, *params, "--format", "json", "--endpoint", server.endpoint)
    assert remote.exit_code == 0, remote.stderr
    assert _rows(remote.stdout) == _rows(embedded.stdout)


def test_export_from_the_server_equals_the_embedded_export(server):
    # Byte for byte, booleans included: Virtuoso returns a stored true as "1"^^xsd:boolean, which its profile reads
    # as the canonical "true".
    assert (
        run("export", "--endpoint", server.endpoint, "--format", "nq").stdout == run("export", "--format", "nq").stdout
    )


def test_virtuoso_profile_reads_boolean_digits_as_canonical_booleans():
    virtuoso = profile_for("virtuoso", "http://127.0.0.1:1/sparql")
    boolean, integer = (f"http://www.w3.org/2001/XMLSchema#{name}" for name in ("boolean", "integer"))
    bindings = [
        {
            "b": {"type": "typed-literal", "datatype": boolean, "value": digit},
            "i": {"type": "typed-literal", "datatype": integer, "value": digit},
        }
        for digit in ("1", "0")
    ]
    body = json.dumps({"head": {"vars": ["b", "i"]}, "results": {"bindings": bindings}}).encode()
    solutions = ox.parse_query_results(virtuoso.normalise_results(body), format=ox.QueryResultsFormat.JSON)
    # The same xsd:boolean value in its canonical form; an integer stays an integer (it may be a real one).
    assert [(s["b"], s["i"]) for s in solutions] == [
        (ox.Literal(True), ox.Literal(1)),
        (ox.Literal(False), ox.Literal(0)),
    ]
    stored = ox.Triple(
        ox.NamedNode("http://example.org/s"),
        ox.NamedNode("http://example.org/p"),
        ox.Literal("1", datatype=ox.NamedNode(boolean)),
    )
    assert virtuoso.normalise_triples([stored])[0].object == ox.Literal(True)
    assert profile_for("oxigraph", "http://127.0.0.1:1").normalise_triples([stored]) == [stored]


def test_server_down_is_a_clear_error():
    endpoint = f"http://127.0.0.1:{free_port()}"
    result = run("check", "--endpoint", endpoint, "--profile", "oxigraph")
    assert result.exit_code == 2
    assert result.stderr.startswith("kgtool: error: query: cannot reach the server (")
    assert f"({endpoint}/query)" in result.stderr
    assert "Traceback" not in result.stderr


def test_timeout_is_a_clear_error(monkeypatch):
    silent = SilentServer()
    monkeypatch.setenv("KGTOOL_TIMEOUT", "1")
    try:
        result = run("check", "--endpoint", silent.url, "--profile", "oxigraph")
    finally:
        silent.close()
    assert (result.exit_code, result.stderr) == (
        2,
        f"kgtool: error: query: no answer within the command's KGTOOL_TIMEOUT of 1 s ({silent.url}/query)\n",
    )


@pytest.mark.parametrize("server", ["virtuoso"], indirect=True)  # Oxigraph server has no authentication
def test_wrong_password_is_refused_and_changes_nothing(server, monkeypatch):
    before = run("export", "--endpoint", server.endpoint, "--format", "nq").stdout
    monkeypatch.setenv("KGTOOL_PASSWORD", "wrong")
    result = run("push", "--endpoint", server.endpoint, "--profile", "virtuoso")
    assert result.exit_code == 2
    assert "HTTP 401 (check KGTOOL_USER/KGTOOL_PASSWORD or ~/.netrc)" in result.stderr
    assert "wrong" not in result.stderr
    monkeypatch.setenv("KGTOOL_PASSWORD", "dba")
    assert run("export", "--endpoint", server.endpoint, "--format", "nq").stdout == before


def _new_incidents(directory: Path) -> Path:
    """A one-row incidents CSV: a return from CHN to PRK in 2025."""
    incidents = directory / "new.csv"
    incidents.write_text(
        "id,date,end_date,returning_state,destination_state,people,place,description,source_url,"
        "source_title,source_publisher,source_date\nnew-1,2025-01-01,,CHN,PRK,3,,New return,"
        "https://example.org/new,New report,Example NGO,2025-01-02\n"
    )
    return incidents


def test_an_import_undone_locally_stays_on_the_server_until_a_push_prunes_it(fresh_server, tmp_path):
    endpoint, store = fresh_server.endpoint, str(tmp_path / "local-store")
    imported = run("import", str(_new_incidents(tmp_path)), "--store", store)
    assert imported.exit_code == 0, imported.stderr
    import_id, import_graph = re.match(r"imported 20 triples as (\S+) into (\S+): ", imported.stdout).groups()
    assert run("push", "--endpoint", endpoint, "--store", store).exit_code == 0
    assert run("import", "--undo", import_id, "--store", store).exit_code == 0

    result = run("push", "--endpoint", endpoint, "--store", store)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        "kgtool: warning: the server has 1 of kgtool's graphs that the local store has not, and its answers include "
        f"them: {import_graph}; `kgtool push --prune` drops them\n"
    )
    local = run("check", "--store", store, "--format", "json").stdout
    assert import_graph in server_graphs(fresh_server)
    assert run("check", "--endpoint", endpoint, "--format", "json").stdout != local  # the undone return counts there

    result = run("push", "--endpoint", endpoint, "--store", store, "--prune")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert f"{import_graph}: 20 triples dropped from the server (not in the local store)" in lines
    assert lines[-1].endswith("; counts verified; 1 graphs pruned")
    assert import_graph not in server_graphs(fresh_server)
    assert run("check", "--endpoint", endpoint, "--format", "json").stdout == local


def test_a_push_stopped_by_ctrl_c_leaves_no_temporary_graph(tmp_path, monkeypatch):
    server = start_oxigraph(tmp_path)
    try:
        assert run("push", "--endpoint", server.endpoint).exit_code == 0
        before = server_graphs(server)
        remote = RemoteStore.connect(server.endpoint, "oxigraph")
        uploads = []

        def interrupted(graph: str, data: bytes, method: str) -> None:
            uploads.append(graph)
            if len(uploads) == 2:
                raise KeyboardInterrupt
            RemoteStore.put_graph(remote, graph, data, method)

        monkeypatch.setattr(remote, "put_graph", interrupted)
        with open_store(()) as local, pytest.raises(KeyboardInterrupt):
            push_graphs(local, remote)
        assert uploads[0].startswith("urn:kgtool:upload:")
        assert server_graphs(server) == before
    finally:
        server.stop()


def test_push_failing_midway_leaves_every_graph_old_or_new(tmp_path):
    server = start_oxigraph(tmp_path)
    proxy = None
    try:
        assert run("push", "--endpoint", server.endpoint).exit_code == 0
        old = run("export", "--endpoint", server.endpoint, "--format", "nq").stdout
        store = tmp_path / "local-store"
        assert run("import", str(_new_incidents(tmp_path)), "--store", str(store)).exit_code == 0
        proxy = FaultyProxy(server.endpoint, fail_upload=3)
        result = run("push", "--endpoint", proxy.url, "--profile", "oxigraph", "--store", str(store))
        assert result.exit_code == 2
        assert result.stderr.startswith("kgtool: error: upload of graph urn:kgtool:upload:")
        assert ": HTTP 500" in result.stderr
        assert run("export", "--endpoint", server.endpoint, "--format", "nq").stdout == old
        assert server_graphs(server) == [
            "https://w3id.org/kgtool/graph/data",
            "https://w3id.org/kgtool/graph/derived",
            "https://w3id.org/kgtool/graph/ontology",
        ]
        assert run("push", "--endpoint", server.endpoint, "--store", str(store)).exit_code == 0
        new = run("export", "--endpoint", server.endpoint, "--format", "nq").stdout
        assert new == run("export", "--store", str(store), "--format", "nq").stdout
    finally:
        if proxy is not None:
            proxy.close()
        server.stop()


# -- a push in many parts (the part size forced small), on each server, with and without credentials -------------
EX = "https://example.org/push/"
DATA, MORE = "https://w3id.org/kgtool/graph/data", "https://w3id.org/kgtool/graph/inferred"


def _graphs(version: str) -> dict[str, list[ox.Triple]]:
    """Two graphs of a store version: plain triples, and blank nodes shared between triples and nested."""
    p, label = ox.NamedNode(EX + "p"), ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    plain = [ox.Triple(ox.NamedNode(f"{EX}s{i}"), p, ox.Literal(f"{version} {i}")) for i in range(23)]
    shared, nested, lone = (ox.BlankNode(f"{version}{name}") for name in ("shared", "nested", "lone"))
    linked = [
        ox.Triple(ox.NamedNode(EX + "a"), p, shared),
        ox.Triple(ox.NamedNode(EX + "b"), p, shared),
        ox.Triple(shared, label, ox.Literal(f"shared by a and b ({version})", language="en")),
        ox.Triple(shared, p, nested),
        ox.Triple(nested, label, ox.Literal("nested")),
        ox.Triple(lone, label, ox.Literal("alone")),
    ]
    return {DATA: plain[:15] + linked[:3] + plain[15:] + linked[3:], MORE: [*plain[:4], *linked[2:5]]}


def _store(directory: Path, version: str) -> Path:
    store = ox.Store(str(directory / version))
    for graph, triples in _graphs(version).items():
        store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(graph)) for t in triples)
    store.flush()
    del store
    return directory / version


def _on_server(server: Server) -> dict[str, rdflib.Graph]:
    remote = RemoteStore.connect(server.endpoint, server.profile)
    graphs = {}
    for graph in remote.graphs():
        quads = remote.quads(graph)
        text = ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in quads], format=ox.RdfFormat.N_TRIPLES)
        graphs[graph] = rdflib.Graph().parse(data=text or b"", format="nt")
    return graphs


def _same(server: Server, version: str) -> bool:
    on_server = _on_server(server)
    local = _graphs(version)
    if sorted(on_server) != sorted(local):
        return False
    for graph, triples in local.items():
        text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        if not isomorphic(on_server[graph], rdflib.Graph().parse(data=text, format="nt")):
            return False
    return True


@pytest.fixture(params=["oxigraph", "virtuoso", "virtuoso-anonymous"])
def fresh_server(request, tmp_path, monkeypatch) -> Iterator[Server]:
    """A new, empty server for one test; Virtuoso as dba, or without credentials (updates granted to all)."""
    started = start_oxigraph(tmp_path) if request.param == "oxigraph" else start_virtuoso(tmp_path)
    try:
        if request.param == "virtuoso":
            monkeypatch.setenv("KGTOOL_USER", "dba")
            monkeypatch.setenv("KGTOOL_PASSWORD", "dba")
        else:
            monkeypatch.delenv("KGTOOL_USER", raising=False)
            monkeypatch.delenv("KGTOOL_PASSWORD", raising=False)
        if request.param == "virtuoso-anonymous":
            grant_anonymous_updates(started)
        yield started
    finally:
        started.stop()


def test_push_in_parts_arrives_whole_and_an_interrupted_one_changes_nothing(fresh_server, tmp_path, monkeypatch):
    monkeypatch.setattr(parts, "PART_TRIPLES", 4)
    old, new = _store(tmp_path, "old"), _store(tmp_path, "new")
    endpoint, profile = fresh_server.endpoint, fresh_server.profile
    counting = FaultyProxy(endpoint, fail_upload=0)  # counts the uploads, fails none
    try:
        result = run("push", "--endpoint", counting.endpoint, "--profile", profile, "--store", str(old))
    finally:
        counting.close()
    assert result.exit_code == 0, result.stderr
    # data: 23 plain triples in 6 parts, the blank-node triples in 2; inferred: 2 (with digest auth the first, small
    # part went unsigned once, before the challenge was known)
    accepted = [status for status in counting.statuses if status != 401]
    assert len(accepted) == 10 and all(200 <= status < 300 for status in accepted), counting.statuses
    assert counting.statuses.count(401) == (1 if os.environ.get("KGTOOL_USER") else 0)
    assert f"{DATA}: 29 triples pushed, 29 on the server" in result.stdout.splitlines()
    assert server_graphs(fresh_server) == [DATA, MORE]
    assert _same(fresh_server, "old")

    # The last upload (the second graph's last part) fails: every graph is still the old one, no temporary left.
    proxy = FaultyProxy(endpoint, fail_upload=len(counting.statuses))
    try:
        result = run("push", "--endpoint", proxy.endpoint, "--profile", profile, "--store", str(new))
    finally:
        proxy.close()
    assert result.exit_code == 2
    assert result.stderr.startswith("kgtool: error: upload to graph urn:kgtool:upload:"), result.stderr
    assert ":1: HTTP 500 (" in result.stderr
    assert server_graphs(fresh_server) == [DATA, MORE]
    assert _same(fresh_server, "old")

    result = run("push", "--endpoint", endpoint, "--store", str(new))
    assert result.exit_code == 0, result.stderr
    assert server_graphs(fresh_server) == [DATA, MORE]
    assert _same(fresh_server, "new")
