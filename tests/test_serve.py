"""`kgtool serve`: a real subprocess on a free port answers the browser page and SPARQLWrapper, read-only,
and stops cleanly on SIGINT and SIGTERM, releasing its port.

Against hostile requests: SERVICE refused (0 requests reach a real second server) unless its host is allowed
(then it is really queried); other web pages refused (a real Chromium on another origin); deep nesting refused;
a query past --timeout stopped with 503 and its worker process gone; a crashed worker (SIGSEGV, the memory
limit) answered 500 and replaced; every malformed request one plain line with its 4xx; no traceback on stderr.
"""

from __future__ import annotations

import io
import json
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pytest
import rdflib
from browser import chromium, record_requests, save_artifact
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from kgtool.data.loading import open_store
from kgtool.queries.library import bundled_queries
from kgtool.web.serve_workers import default_memory_limit

STATES = """PREFIX kgo: <https://w3id.org/kgtool/ontology#>
SELECT ?code ?label WHERE { ?state kgo:iso3166Alpha3 ?code ; <http://www.w3.org/2000/01/rdf-schema#label> ?label }
ORDER BY ?code"""
_URL = re.compile(r"query page:\s+(http://127\.0\.0\.1:(\d+)/)")


@contextmanager
def served(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None
) -> Iterator[tuple[subprocess.Popen, str, int, list[str]]]:
    """Start `kgtool serve --port 0` as a subprocess; yield it, its URL, its port and its startup lines.

    Its stderr goes to ``tmp_path / "serve.log"``; its temporary files to ``tmp_path / "tmp"``.
    """
    log = (tmp_path / "serve.log").open("w")
    (tmp_path / "tmp").mkdir(exist_ok=True)
    environment = {k: v for k, v in os.environ.items() if k != "KGTOOL_TIMEOUT"}
    process = subprocess.Popen(
        [sys.executable, "-m", "kgtool", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        env={**environment, "PYTHONUNBUFFERED": "1", "TMPDIR": str(tmp_path / "tmp"), **(env or {})},
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
def server_dir(tmp_path_factory) -> Path:
    """Where the module's server keeps its log (serve.log) and temporary files."""
    return tmp_path_factory.mktemp("serve")


@pytest.fixture(scope="module")
def server(server_dir):
    with served(server_dir) as (process, url, _, lines):
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


# -- hostile requests ---------------------------------------------------------------------------------------------

#: A query that runs for hours on the bundled graph (4,060 triples, cubed) without using memory.
LONG_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
#: A query that piles up rows as fast as the engine can make them (about 270 MB a second).
GREEDY_QUERY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i"
COUNT_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
_ACCESS_LOG = re.compile(r'^127\.0\.0\.1 - - \[[^\]]+\] ".*" \d{3} ')
SERVICE_REFUSED = "is a federated query: kgtool sends no request to another server unless kgtool serve was started "
SERVICE_REFUSED += "with --allow-service-to HOST"


class CountingServer:
    """A SPARQL endpoint on 127.0.0.1 (a thread) that counts its requests and answers one row, ?x = "remote"."""

    ANSWER = b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{"type":"literal","value":"remote"}}]}}'

    def __init__(self, page: bytes = b"") -> None:
        self.requests = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path == "/page.html":  # a web page, not a query: not counted
                    self._send("text/html", page)
                else:
                    self._count()

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self._count()

            def _count(self) -> None:
                owner.requests += 1
                if self.path.startswith("/broken"):
                    self.send_response(500)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                else:
                    self._send("application/sparql-results+json", CountingServer.ANSWER)

            def _send(self, media: str, body: bytes) -> None:
                self.send_response(200)
                self.send_header("Content-Type", media)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def counting_server(page: bytes = b"") -> Iterator[CountingServer]:
    remote = CountingServer(page)
    try:
        yield remote
    finally:
        remote.close()


def _ask(url: str, query: str, accept: str = "text/csv", headers: dict[str, str] | None = None, timeout: float = 30):
    """POST a query as a form; return (status, headers, body text) whatever the status."""
    request = Request(
        url + "query", data=urlencode({"query": query}).encode(), headers={"Accept": accept, **(headers or {})}
    )
    try:
        with urlopen(request, timeout=timeout) as response:
            return response.status, response.headers, response.read().decode("utf-8")
    except HTTPError as error:
        return error.code, error.headers, error.read().decode("utf-8")


def _raw(port: int, request: bytes, close_write: bool = False, timeout: float = 20) -> tuple[int, dict, bytes]:
    """Send raw bytes to the server; return the status, the headers (lower-case names) and the body."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        connection.sendall(request)
        if close_write:
            connection.shutdown(socket.SHUT_WR)
        received = b""
        while True:
            chunk = connection.recv(65536)
            if not chunk:
                break
            received += chunk
            head, _, body = received.partition(b"\r\n\r\n")
            length = re.search(rb"(?im)^content-length:\s*(\d+)", head)
            if length and len(body) >= int(length.group(1)):
                break
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers, body


def _port(url: str) -> int:
    return int(url.rstrip("/").rsplit(":", 1)[1])


def _worker_pids(parent: int) -> set[int]:
    """Return the process ids of the query workers of a `kgtool serve` process (its spawned children)."""
    pids = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == parent and b"spawn_main" in cmdline and fields[0] != "Z":
            pids.add(int(entry.name))
    return pids


def _gone(pid: int) -> bool:
    """Tell whether a process has ended and been reaped (not even a zombie is left)."""
    return not Path(f"/proc/{pid}").exists()


def _wait_for(condition, seconds: float = 10) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def _other_lines(log: Path) -> list[str]:
    """Return the lines of a server's stderr that are not its access log."""
    return [line for line in log.read_text().splitlines() if not _ACCESS_LOG.match(line)]


def _in_thread(function, *args) -> tuple[threading.Thread, dict]:
    """Run function(*args) in a thread; the dict gets its result and how long it took."""
    outcome: dict = {}

    def run() -> None:
        started = time.monotonic()
        outcome["result"] = function(*args)
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


@pytest.mark.parametrize(
    ("clause", "where"),
    [
        ("SERVICE <{url}>", "3:3"),
        ("service silent <{url}>", "3:3"),
        ("SERVICE remote:sparql", "3:3"),
        ("SERVICE ?endpoint", "3:3"),
    ],
)
def test_service_is_refused_and_no_request_leaves(server, clause, where):
    url, _ = server
    with counting_server() as remote:
        text = (
            f"PREFIX remote: <http://127.0.0.1:{remote.port}/>\nSELECT * WHERE {{\n  {clause.format(url=remote.url)} "
            f"{{ ?s ?p ?o }}\n  VALUES ?endpoint {{ <{remote.url}> }}\n}}"
        )
        shown = clause.format(url=remote.url)
        direct = Request(url + "query", data=text.encode(), headers={"Content-Type": "application/sparql-query"})
        with pytest.raises(HTTPError) as refused:
            urlopen(direct, timeout=10)
        for status, headers, body in (
            _ask(url, text),
            (refused.value.code, refused.value.headers, refused.value.read().decode("utf-8")),
        ):
            assert status == 400
            assert headers["Content-Type"] == "text/plain; charset=utf-8"
            assert body == f"{where}: {shown} {SERVICE_REFUSED}\n"
        with pytest.raises(HTTPError) as refused:
            urlopen(url + "query?" + urlencode({"query": text}), timeout=10)
        assert refused.value.code == 400
        assert remote.requests == 0


def test_service_in_a_string_or_a_name_is_not_a_clause(server):
    url, _ = server
    text = 'PREFIX ex: <https://example.org/SERVICE/>\nSELECT ?s WHERE { ?s ex:SERVICE "SERVICE <http://x/>" }'
    assert _ask(url, "# SERVICE <http://127.0.0.1:9/> { }\n" + text)[::2] == (200, "s\r\n")


@pytest.fixture(scope="module")
def federating(tmp_path_factory):
    """A server allowed to call one counting server (allowed) and not another (refused); KGTOOL_TIMEOUT=7."""
    folder = tmp_path_factory.mktemp("federating")
    with counting_server() as allowed, counting_server() as other:
        args = ("--allow-service-to", f"127.0.0.1:{allowed.port}")
        with served(folder, *args, env={"KGTOOL_TIMEOUT": "7"}) as (process, url, _, lines):
            yield url, lines, allowed, other, folder / "serve.log"
            process.send_signal(signal.SIGINT)
            process.wait(10)


def test_allowed_service_host_is_really_queried_and_no_other(federating):
    url, lines, allowed, other, log = federating
    memory = default_memory_limit(2)
    expected = f"  limits:           7 s per query, 2 worker(s), at most {memory} MB each; SERVICE to: 127.0.0.1:"
    assert expected + str(allowed.port) in lines
    status, _, body = _ask(url, f"SELECT ?x WHERE {{ SERVICE <{allowed.url}> {{ ?x ?p ?o }} }}")
    assert (status, body) == (200, "x\r\nremote\r\n")
    assert allowed.requests == 1
    status, _, body = _ask(url, f"SELECT ?x WHERE {{\n SERVICE <{other.url}> {{ ?x ?p ?o }} }}")
    assert status == 400
    assert body == (
        f"2:2: SERVICE <{other.url}> is a federated query: the host is not among those allowed "
        f"(127.0.0.1:{allowed.port})\n"
    )
    text = f"SELECT * WHERE {{ VALUES ?e {{ <{allowed.url}> }} SERVICE ?e {{ ?x ?p ?o }} }}"
    status, _, body = _ask(url, text)
    assert (status, body) == (
        400,
        f"1:{text.index('SERVICE') + 1}: SERVICE ?e is a federated query: a SERVICE on a variable or an unresolved "
        "name is never allowed here\n",
    )
    assert (allowed.requests, other.requests) == (1, 0)
    broken = allowed.url.replace("/sparql", "/broken")
    status, _, body = _ask(url, f"SELECT ?x WHERE {{ SERVICE <{broken}> {{ ?x ?p ?o }} }}")
    assert status == 502 and allowed.requests == 2
    assert body.startswith("the query failed while it ran (it calls another server): ") and body.count("\n") == 1
    assert "Traceback" not in log.read_text()


def test_another_web_page_cannot_make_the_server_query(federating, tmp_path):
    """A page from another origin posts (no-cors fetch, a form) and loads an image: all refused, nothing sent."""
    url, _, allowed, _, log = federating
    query = f"SELECT ?x WHERE {{ SERVICE <{allowed.url}> {{ ?x ?p ?o }} }}"
    before = allowed.requests
    form_value = query.replace('"', "&quot;")
    page = f"""<!doctype html><html><body>
<form id="f" method="post" action="{url}query" target="sink"><input name="query" value="{form_value}"></form>
<iframe name="sink"></iframe>
<img id="i" src="{url}query?{urlencode({"query": query})}">
<script>
fetch("{url}query", {{method: "POST", mode: "no-cors", body: new URLSearchParams({{query: {json.dumps(query)}}})}})
  .finally(() => {{ document.getElementById("f").submit(); window.fetched = true; }});
</script></body></html>""".encode()

    def refused() -> list[str]:
        pattern = re.compile(r'"(GET|POST) /query\S* HTTP/1.1" 403')
        return [line for line in log.read_text().splitlines() if pattern.search(line)]

    earlier = len(refused())
    with counting_server(page) as hostile, chromium(tmp_path / "profile") as context:
        hostile_page = context.new_page()
        hostile_page.goto(f"http://127.0.0.1:{hostile.port}/page.html", wait_until="load")
        hostile_page.wait_for_function("window.fetched === true", timeout=10000)
        for _ in range(100):  # the fetch, the image and the form: each refused with 403
            if len(refused()) - earlier >= 3:
                break
            hostile_page.wait_for_timeout(100)
        assert len(refused()) - earlier == 3, refused()
        assert allowed.requests == before
        # The server's own page may run the same query: same origin.
        own = context.new_page()
        own.goto(url, wait_until="load")
        own.fill("#query", query)
        own.click("#run")
        own.wait_for_selector("#results tbody tr")
        assert allowed.requests == before + 1
    assert "Traceback" not in log.read_text()


def test_deep_nesting_is_refused_and_the_server_lives(server, local_states):
    url, _ = server
    status, _, body = _ask(url, "SELECT * WHERE " + "{" * 20_000 + "}" * 20_000)
    assert (status, body) == (400, "1:144: the query nests groups, brackets or parentheses more than 128 levels deep\n")
    status, _, body = _ask(url, STATES)
    assert status == 200 and len(body.splitlines()) == len(local_states) + 1


def test_syntax_errors_and_empty_queries_are_one_located_line(server):
    url, _ = server
    assert _ask(url, "SELECT * WHERE {\n  ?s ?p \n}")[::2] == (400, "3:1: SPARQL syntax error: unexpected '}'\n")
    assert _ask(url, " \n\t ")[::2] == (400, "the query is empty\n")
    assert _ask(url, "")[::2] == (400, "the query is empty\n")


_CRLF = "\r\n"


def _post_bytes(body: bytes, content_type: str = "application/sparql-query", extra: str = "") -> bytes:
    return (
        f"POST /query HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\n{extra}Connection: close\r\n\r\n"
    ).encode() + body


@pytest.mark.parametrize(
    ("request_bytes", "close_write", "status", "line"),
    [
        (b"GET /query?query=%zz HTTP/1.1\r\nConnection: close\r\n\r\n", False, 400,
         "malformed percent-encoding in the query string: '%zz'"),
        (b"GET /query?query=%2 HTTP/1.1\r\nConnection: close\r\n\r\n", False, 400,
         "malformed percent-encoding in the query string: '%2'"),
        (b"GET /query?query=ASK%7B%7D%ff HTTP/1.1\r\nConnection: close\r\n\r\n", False, 400,
         "the query string is not UTF-8 (byte 0xff after decoding %XX)"),
        (b"GET /query?query=ASK\xff HTTP/1.1\r\nConnection: close\r\n\r\n", False, 400,
         "the query string is not UTF-8 (byte 0xff after decoding %XX)"),
        (_post_bytes(b"query=ASK%C3%28", "application/x-www-form-urlencoded"), False, 400,
         "the form body is not UTF-8 (byte 0xc3 after decoding %XX)"),
        (_post_bytes(b"ASK { \xff }"), False, 400, "the query is not UTF-8 (byte 0xff at offset 6 of the body)"),
        (b"POST /query HTTP/1.1\r\nContent-Type: application/sparql-query\r\nContent-Length: 1000\r\n\r\nASK {}",
         True, 400, "the request body ended after 6 of its 1000 bytes (Content-Length)"),
        (b"POST /query HTTP/1.1\r\nContent-Type: application/sparql-query\r\nContent-Length: 99999999999999\r\n\r\n"
         b"ASK {}", False, 413, "request body too large: 99999999999999 bytes (at most 10485760)"),
        (b"POST /query HTTP/1.1\r\nContent-Type: application/sparql-query\r\nContent-Length: -6\r\n\r\nASK {}",
         False, 400, "bad Content-Length '-6': a number of bytes"),
        (b"POST /query HTTP/1.1\r\nContent-Type: application/sparql-query\r\nContent-Length: six\r\n\r\nASK {}",
         False, 400, "bad Content-Length 'six': a number of bytes"),
        (b"POST /query HTTP/1.1\r\nContent-Type: application/sparql-query\r\nContent-Length: 6\r\n"
         b"Content-Length: 7\r\n\r\nASK {}", False, 400, "the request has Content-Length headers that differ"),
        (b"POST /query HTTP/1.1\r\nContent-Type: application/sparql-query\r\nTransfer-Encoding: chunked\r\n\r\n"
         b"6\r\nASK {}\r\n0\r\n\r\n", False, 411,
         "send the body with a Content-Length (Transfer-Encoding is not supported)"),
        (b"GET /../../etc/passwd HTTP/1.1\r\nConnection: close\r\n\r\n", False, 404,
         "no such page: /../../etc/passwd (the endpoint is /query)"),
        (b"GET /%2e%2e/%2e%2e/etc/passwd HTTP/1.1\r\nConnection: close\r\n\r\n", False, 404,
         "no such page: /%2e%2e/%2e%2e/etc/passwd (the endpoint is /query)"),
        (_post_bytes(b"ASK {}").replace(b"/query", b"/../query", 1), False, 404,
         "no such endpoint: /../query (the endpoint is /query)"),
        (b"GET /query?query=ASK%7B%7D&query=ASK%7B%7D HTTP/1.1\r\nConnection: close\r\n\r\n", False, 400,
         "give exactly one query parameter (got 2)"),
        (_post_bytes(b"query=ASK%7B%7D&query=ASK", "application/x-www-form-urlencoded"), False, 400,
         "give exactly one query parameter (got 2)"),
        (_post_bytes(b"query=+%20%0A", "application/x-www-form-urlencoded"), False, 400, "the query is empty"),
        (_post_bytes(b"ASK {}", "text/plain"), False, 415,
         "send the query as application/x-www-form-urlencoded or application/sparql-query"),
        (_post_bytes(b"ASK {}", extra="Origin: https://evil.example\r\n"), False, 403,
         "a request from the web page at 'https://evil.example' is refused: this endpoint answers its own query "
         "page and clients that are not browsers"),
        (b"GET /query?query=ASK%7B%7D HTTP/1.1\r\nSec-Fetch-Site: cross-site\r\nConnection: close\r\n\r\n", False,
         403, "a cross-site request from a web page is refused: this endpoint answers its own query page and "
         "clients that are not browsers"),
        (b"GET /query?query=ASK%7B%7D HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n", False, 403,
         "unexpected Host 'evil.example': this server answers on 127.0.0.1"),
        (b"BREW /query HTTP/1.1\r\nConnection: close\r\n\r\n", False, 501, "Unsupported method ('BREW')"),
        (b"GET /query HTTP/9\r\n\r\n", False, 400, "Bad request version ('HTTP/9')"),
        (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n", False, 414, "Request-URI Too Long"),
    ],
    ids=[
        "bad-percent", "short-percent", "percent-not-utf8", "raw-not-utf8", "form-not-utf8", "body-not-utf8",
        "body-shorter", "huge-length", "negative-length", "non-numeric-length", "two-lengths", "chunked",
        "traversal", "encoded-traversal", "post-traversal", "two-queries-get", "two-queries-post", "blank-query",
        "wrong-media-type", "foreign-origin", "cross-site", "foreign-host", "unknown-method", "bad-version",
        "long-url",
    ],
)  # fmt: skip
def test_a_malformed_request_is_one_plain_line(server, server_dir, request_bytes, close_write, status, line):
    got, headers, body = _raw(_port(server[0]), request_bytes, close_write)
    assert (got, body.decode("utf-8")) == (status, line + "\n")
    assert headers["content-type"] == "text/plain; charset=utf-8"
    assert headers["content-length"] == str(len(body))
    assert "Traceback" not in (server_dir / "serve.log").read_text()


def test_a_body_larger_than_max_body_gets_413(server, server_dir):
    from kgtool.web.serve import MAX_BODY

    port = _port(server[0])
    body = b"ASK {} #" + b"x" * MAX_BODY
    status, _, answer = _raw(port, _post_bytes(body))
    assert (status, answer) == (413, f"request body too large: {len(body)} bytes (at most {MAX_BODY})\n".encode())
    assert _ask(server[0], "ASK {}", "application/sparql-results+json")[::2] == (200, '{"head":{},"boolean":true}')


def test_clients_that_leave_mid_answer_leave_no_trace(server, server_dir):
    url, _ = server
    port = _port(url)
    big = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } LIMIT 20000"
    for wait_for_bytes in (True, False, True):
        with socket.create_connection(("127.0.0.1", port), timeout=20) as connection:
            connection.sendall(_post_bytes(big.encode()))
            if wait_for_bytes:
                assert connection.recv(100).startswith(b"HTTP/1.1 200")
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # reset
    time.sleep(1.5)  # the unread query finished, and its answer met a closed connection
    assert _ask(url, "ASK {}", "application/sparql-results+json")[::2] == (200, '{"head":{},"boolean":true}')
    log = (server_dir / "serve.log").read_text()
    assert "Traceback" not in log and "BrokenPipe" not in log and "ConnectionReset" not in log


@pytest.fixture(scope="module")
def single(tmp_path_factory):
    """A server with one worker, a 2 s limit per query and a 250 MB memory limit (KGTOOL_TIMEOUT loses)."""
    folder = tmp_path_factory.mktemp("single")
    args = ("--workers", "1", "--timeout", "2", "--memory-limit", "250")
    with served(folder, *args, env={"KGTOOL_TIMEOUT": "30"}) as (process, url, _, lines):
        yield process, url, lines, folder / "serve.log"
        process.send_signal(signal.SIGINT)
        process.wait(10)


def test_a_long_query_is_stopped_at_the_timeout_and_its_worker_killed(single):
    process, url, lines, log = single
    assert "  limits:           2 s per query, 1 worker(s), at most 250 MB each; SERVICE to: none" in lines
    for _attempt in range(5):
        (old,) = _worker_pids(process.pid)
        long, stopped = _in_thread(_ask, url, LONG_QUERY)
        time.sleep(0.02)  # the waiting request's limit ends 0.02 s after the long query's: less than a respawn
        waiting, refused = _in_thread(_ask, url, COUNT_QUERY)  # no worker is free: waits, within its own 2 s
        long.join(30)
        waiting.join(30)
        # If the replaced worker still reached the waiting request before its limit (or the waiting request
        # arrived first), it was rightly served (200, or stopped at its own limit): that is not the case this
        # test is about, so try again.
        if refused["result"][2].startswith("no query worker became free"):
            break
        assert _gone(old), f"worker {old} still exists"
    status, headers, body = stopped["result"]
    assert (status, body) == (
        503,
        "the query ran longer than the time limit of 2 s and was stopped (kgtool serve --timeout or "
        "KGTOOL_TIMEOUT sets the limit)\n",
    )
    assert 2.0 <= stopped["seconds"] < 4.0
    status, headers, body = refused["result"]
    assert (status, body) == (
        503,
        "no query worker became free within the time limit of 2 s (1 worker(s), all busy); try again later\n",
    )
    assert headers["Retry-After"] == "5"
    assert _gone(old), f"worker {old} still exists"
    status, _, body = _ask(url, COUNT_QUERY)
    assert (status, body) == (200, "n\r\n4249\r\n")
    (new,) = _worker_pids(process.pid)  # replaced, and the pool did not grow
    assert new != old
    assert "Traceback" not in log.read_text()


def test_a_crashed_worker_answers_500_and_is_replaced(single):
    process, url, _, log = single
    (worker,) = _worker_pids(process.pid)
    long, outcome = _in_thread(_ask, url, LONG_QUERY)
    time.sleep(0.5)
    os.kill(worker, signal.SIGSEGV)
    long.join(30)
    assert outcome["result"][::2] == (
        500,
        "the query crashed its worker process (killed by signal SIGSEGV); a fresh worker was started\n",
    )
    assert outcome["seconds"] < 1.8  # answered when it crashed, not at the time limit
    assert _gone(worker)
    assert _ask(url, COUNT_QUERY)[::2] == (200, "n\r\n4249\r\n")
    (new,) = _worker_pids(process.pid)
    os.kill(new, signal.SIGKILL)  # a worker killed while idle is replaced before it is given a query
    time.sleep(0.2)
    assert _ask(url, COUNT_QUERY)[::2] == (200, "n\r\n4249\r\n")
    assert _gone(new)
    text = log.read_text()
    assert "Traceback" not in text and "Segmentation" not in text


def test_a_query_past_the_memory_limit_ends_its_worker_not_the_machine(single):
    process, url, _, log = single
    (worker,) = _worker_pids(process.pid)
    status, _, body = _ask(url, GREEDY_QUERY)
    assert (status, body) == (
        500,
        "the query crashed its worker process (killed by signal SIGABRT, which is what exceeding the memory limit "
        "of 250 MB per worker does); a fresh worker was started\n",
    )
    assert _gone(worker)
    assert _ask(url, COUNT_QUERY)[::2] == (200, "n\r\n4249\r\n")
    text = log.read_text()
    assert "Traceback" not in text and "memory allocation" not in text and "backtrace" not in text


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_stopping_mid_query_prints_one_line_and_leaves_nothing(tmp_path, stop):
    with served(tmp_path) as (process, url, _, lines):
        memory = default_memory_limit(2)
        assert f"  limits:           60 s per query, 2 worker(s), at most {memory} MB each; SERVICE to: none" in lines
        workers = _worker_pids(process.pid)
        assert len(workers) == 2
        assert len(list((tmp_path / "tmp").glob("kgtool-serve-*.nq"))) == 1
        long, _ = _in_thread(_ask, url, LONG_QUERY)
        time.sleep(0.5)
        started = time.monotonic()
        process.send_signal(stop)
        assert process.wait(10) == 0
        assert time.monotonic() - started < 5
        long.join(10)
    assert _other_lines(tmp_path / "serve.log") == ["kgtool serve: stopped"]
    assert all(_gone(pid) for pid in workers)
    assert list((tmp_path / "tmp").iterdir()) == []


def test_ctrl_c_in_a_terminal_reaches_the_workers_too_and_stays_one_line(tmp_path):
    """A terminal's Ctrl-C signals the whole process group: the workers must not print a KeyboardInterrupt."""
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "kgtool", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
        start_new_session=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        for line in process.stdout:
            if line.startswith("Press Ctrl-C"):
                break
        workers = _worker_pids(process.pid)
        assert len(workers) == 2
        os.killpg(process.pid, signal.SIGINT)
        assert process.wait(10) == 0
    finally:
        if process.poll() is None:
            process.kill()
        log.close()
    assert _other_lines(tmp_path / "serve.log") == ["kgtool serve: stopped"]
    assert _wait_for(lambda: all(_gone(pid) for pid in workers))


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--allow-service-to", "http://example.org/"], {}, "Invalid value for '--allow-service-to': "
         "'http://example.org/' is not a host or host:port (e.g. query.wikidata.org)"),
        (["--allow-service-to", "*"], {}, "Invalid value for '--allow-service-to': '*' is not a host or host:port "
         "(e.g. query.wikidata.org)"),
        (["--timeout", "0"], {}, "Invalid value for '--timeout': 0.0 is not in the range 0<x<=86400."),
        (["--workers", "0"], {}, "Invalid value for '--workers': 0 is not in the range 1<=x<=64."),
        ([], {"KGTOOL_TIMEOUT": "soon"}, "KGTOOL_TIMEOUT must be a positive number of seconds, got 'soon'"),
        (["--memory-limit", "40"], {}, "a query worker could not start: the worker process ended while loading "
         "the data (killed by signal SIGABRT, which is what exceeding the memory limit of 40 MB per worker does)"),
    ],
)  # fmt: skip
def test_bad_limits_are_one_line_and_exit_2(tmp_path, args, env, message):
    result = subprocess.run(
        [sys.executable, "-m", "kgtool", "serve", "--port", "0", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "TMPDIR": str(tmp_path), **env},
    )
    assert result.returncode == 2
    assert result.stderr.splitlines()[0].startswith(f"kgtool: error: {message}")
    assert len(result.stderr.splitlines()) == 1 and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []  # no data file left behind
