"""`kgtool serve`: a real subprocess on a free port answers the browser page and SPARQLWrapper, read-only,
and stops cleanly on SIGINT and SIGTERM, releasing its port.
"""

from __future__ import annotations

import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pytest
import rdflib
from browser import chromium, record_requests, save_artifact
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from kgtool.loading import open_store
from kgtool.query_library import bundled_queries

STATES = """PREFIX kgo: <https://w3id.org/kgtool/ontology#>
SELECT ?code ?label WHERE { ?state kgo:iso3166Alpha3 ?code ; <http://www.w3.org/2000/01/rdf-schema#label> ?label }
ORDER BY ?code"""
_URL = re.compile(r"query page:\s+(http://127\.0\.0\.1:(\d+)/)")


@contextmanager
def served(tmp_path: Path, *args: str) -> Iterator[tuple[subprocess.Popen, str, int, list[str]]]:
    """Start `kgtool serve --port 0` as a subprocess; yield it, its URL, its port and its startup lines."""
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "kgtool", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        for line in process.stdout:
            lines.append(line.rstrip("\n"))
            if line.startswith("Press Ctrl-C"):
                ready.set()
        ready.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        assert ready.wait(30), "kgtool serve did not start within 30 s"
        match = next((m for m in map(_URL.search, lines) if m), None)
        assert match, f"no URL in the startup text: {lines}; log: {(tmp_path / 'serve.log').read_text()}"
        yield process, match.group(1), int(match.group(2)), lines
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
        log.close()


def _port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.connect(("127.0.0.1", port))
        except ConnectionRefusedError:
            pass
        else:
            return False
    with socket.socket() as again:
        again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as http.server does
        again.bind(("127.0.0.1", port))
    return True


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with served(tmp_path_factory.mktemp("serve")) as (process, url, _, lines):
        yield url, lines
        process.send_signal(signal.SIGINT)
        process.wait(10)


@pytest.fixture(scope="module")
def local_states() -> list[tuple[str, str]]:
    """The answer to STATES on the embedded store the other commands read."""
    with open_store() as store:
        return [(r["code"].value, r["label"].value) for r in store.select(STATES)]


def test_startup_text_names_the_url_and_the_bundled_queries(server):
    url, lines = server
    assert any(f"SPARQL endpoint:  {url}query" in line for line in lines)
    for q in bundled_queries():
        assert any(line.split()[:1] == [q.name] for line in lines), q.name


def test_sparqlwrapper_select_ask_construct(server, local_states):
    url, _ = server
    client = SPARQLWrapper(url + "query")
    client.setMethod(POST)
    client.setReturnFormat(JSON)
    client.setQuery(STATES)
    bindings = client.queryAndConvert()["results"]["bindings"]
    assert [(b["code"]["value"], b["label"]["value"]) for b in bindings] == local_states
    client.setQuery("ASK { ?binding a <https://w3id.org/kgtool/ontology#Binding> }")  # derived bindings are served
    assert client.queryAndConvert()["boolean"] is True
    client.setQuery("CONSTRUCT { ?s ?p ?o } WHERE { ?s a <https://w3id.org/kgtool/ontology#State> ; ?p ?o }")
    client.setReturnFormat(TURTLE)
    graph = rdflib.Graph().parse(data=client.queryAndConvert(), format="turtle")
    assert {str(o) for o in graph.objects(None, rdflib.URIRef("https://w3id.org/kgtool/ontology#iso3166Alpha3"))} == {
        code for code, _ in local_states
    }


def test_protocol_get_formats_and_read_only(server, local_states):
    url, _ = server
    request = Request(url + "query?" + urlencode({"query": STATES}), headers={"Accept": "text/csv"})
    with urlopen(request, timeout=10) as response:
        assert response.headers["Content-Type"].startswith("text/csv")
        lines = response.read().decode("utf-8").splitlines()
    assert lines[0] == "code,label" and len(lines) == len(local_states) + 1
    client = SPARQLWrapper(url + "update")
    client.setMethod(POST)
    client.setQuery("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    with pytest.raises((HTTPError, SPARQLWrapperException)):
        client.query()
    for body in ({"update": "DROP ALL"}, {"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}):
        with pytest.raises(HTTPError) as refused:
            urlopen(Request(url + "query", data=urlencode(body).encode()), timeout=10)
        assert refused.value.code == 403
    with pytest.raises(HTTPError) as wrong:
        urlopen(url + "query?" + urlencode({"query": "SELECT * WHERE { ?s ?p "}), timeout=10)
    assert wrong.value.code == 400 and "syntax error" in wrong.value.read().decode()


def test_browser_page_runs_a_typed_query_and_loads_bundled_ones(server, local_states, tmp_path):
    url, _ = server
    with chromium(tmp_path / "profile") as context:
        page = context.new_page()
        requests = record_requests(context, page)
        page.goto(url, wait_until="load")
        # A query typed into the page, run with the button, read back from the result table.
        page.fill("#query", STATES)
        page.click("#run")
        page.wait_for_selector("#results tbody tr")
        cells = page.eval_on_selector_all(
            "#results tbody tr",
            "rows => rows.map(tr => Array.from(tr.cells, td => td.firstChild ? td.firstChild.nodeValue : ''))",
        )
        assert [tuple(row) for row in cells] == local_states
        assert page.locator("#results tbody td .type", has_text="@en").count() == len(local_states)
        assert page.locator("#results thead th").all_inner_texts() == ["code", "label"]
        assert page.locator("#status").inner_text().startswith(f"{len(local_states)} rows")
        # A bundled query, loaded from the list (with its example parameters bound) and run.
        names = page.locator("#library option").all_inner_texts()[1:]
        assert len(names) == len(bundled_queries())
        page.select_option("#library", "obligations-binding-state")
        assert "VALUES" in page.input_value("#query")
        page.click("#run")
        page.wait_for_selector("#results thead th:text-is('obligationLabel')")
        assert page.locator("#results tbody tr").count() > 0
        save_artifact(page, "serve-page.png", tmp_path)
        # Every request went to this server: the page loads nothing from elsewhere.
        assert requests and all(r.startswith(url) for r in requests), requests


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_stops_cleanly_and_releases_the_port(tmp_path, stop):
    with served(tmp_path) as (process, url, port, _):
        with urlopen(url, timeout=10) as response:
            assert response.status == 200
        started = time.monotonic()
        process.send_signal(stop)
        assert process.wait(10) == 0
        assert time.monotonic() - started < 5
        assert "stopped" in (tmp_path / "serve.log").read_text()
        assert _port_is_free(port)


def test_port_in_use_is_an_input_error(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "kgtool", "serve", "--port", str(port)], capture_output=True, text=True, timeout=60
        )
    assert result.returncode == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr and "Traceback" not in result.stderr


def test_served_store_is_read_from_a_store_directory(tmp_path, local_states):
    with served(tmp_path, "--store", str(tmp_path / "kg")) as (process, url, _, lines):
        assert lines[0].startswith(f"kgtool serve: the store {tmp_path / 'kg'}")
        data = urlencode({"query": STATES}).encode()
        request = Request(url + "query", data=data, headers={"Accept": "application/sparql-results+json"})
        with urlopen(request, timeout=10) as response:
            bindings = json.load(io.TextIOWrapper(response, encoding="utf-8"))["results"]["bindings"]
        assert [(b["code"]["value"], b["label"]["value"]) for b in bindings] == local_states
        process.send_signal(signal.SIGINT)
        assert process.wait(10) == 0
