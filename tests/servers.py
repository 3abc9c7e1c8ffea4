"""Real SPARQL servers for the tests: Oxigraph server and Virtuoso 7, on 127.0.0.1, free ports, temp dirs.

Each starts once per test session and is stopped (SIGTERM to its process group) at the end. Tests isolate
themselves by what they push (kgtool replaces only its own graphs).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from system import missing, require

VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
ServerThreads = 10
CheckpointInterval = 60
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
DirsAllowed = ., {dir}
ThreadCleanupInterval = 0
ResourcesCleanupInterval = 0
; The default (50 MB) aborts the MOVE that replaces a 1M-triple graph (SR325); 250 MB was enough for it.
TransactionAfterImageLimit = 1000000000

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}/vsp
ServerThreads = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 300
MaxQueryCostEstimationTime = 0
DefaultQuery = select distinct ?Concept where {{[] a ?Concept}} LIMIT 100
"""


def free_port() -> int:
    """Return a TCP port free on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_ready(url: str, process: subprocess.Popen, seconds: float, log: Path) -> None:
    """Poll ``url`` until it answers 200; fail with the server's log if it dies or takes too long."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server not ready after {seconds} s:\n{log.read_text()[-3000:]}")


@dataclass
class Server:
    """A running server: its kgtool endpoint URL, profile name and process."""

    name: str
    endpoint: str
    profile: str
    process: subprocess.Popen
    directory: Path

    def stop(self) -> None:
        """Stop the server and wait for it."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def oxigraph_executable() -> str:
    """Return the `oxigraph` server binary installed beside this Python (PyPI package `oxigraph`)."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        raise RuntimeError("the `oxigraph` server is not installed (pip install oxigraph); CI installs it")
    return found


def start_oxigraph(directory: Path) -> Server:
    """Start `oxigraph serve` on a free port with a store in ``directory``."""
    port = free_port()
    log = directory / "oxigraph.log"
    process = subprocess.Popen(
        [oxigraph_executable(), "serve", "--location", str(directory / "store"), "--bind", f"127.0.0.1:{port}"],
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    wait_until_ready(f"{base}/query?query=ASK%7B%7D", process, 30, log)
    return Server("oxigraph", base, "oxigraph", process, directory)


def start_virtuoso(directory: Path) -> Server:
    """Start Virtuoso 7 (Debian `virtuoso-opensource`) with a private database, loopback ports, dba/dba."""
    executable = require(
        "virtuoso-t",
        "Virtuoso 7 (virtuoso-t, Debian package virtuoso-opensource)",
        "apt-get install -y --no-install-recommends virtuoso-opensource",
    )
    http_port, sql_port = free_port(), free_port()
    (directory / "vsp").mkdir(parents=True, exist_ok=True)
    ini = directory / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(dir=directory, http_port=http_port, sql_port=sql_port))
    log = directory / "stdout.log"
    process = subprocess.Popen(
        [executable, "+foreground", "+configfile", str(ini)],
        cwd=directory,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{http_port}"
    wait_until_ready(f"{base}/sparql?query=ASK%7B%7D", process, 60, log)
    return Server("virtuoso", f"{base}/sparql", "virtuoso", process, directory)


class FaultyProxy:
    """An HTTP proxy in front of a server that answers 500 to the Nth upload (a failure in the middle of a push).

    An upload is a PUT or POST of N-Triples (Graph Store Protocol); queries and updates pass. ``statuses`` holds
    the status of every upload, in order (401 for one sent before a digest challenge was known, then sent again).
    """

    def __init__(self, upstream: str, fail_upload: int) -> None:
        import http.server
        import threading

        proxy = self
        parts = urllib.parse.urlsplit(upstream)
        self.upstream = f"{parts.scheme}://{parts.netloc}"
        self.fail_upload = fail_upload
        self.uploads = 0
        self.statuses: list[int] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                upload = self.headers.get("Content-Type", "").startswith("application/n-triples")
                if upload:
                    proxy.uploads += 1
                    if proxy.uploads == proxy.fail_upload:
                        proxy.statuses.append(500)
                        self.send_response(500)
                        self.send_header("Content-Length", "0")
                        self.end_headers()
                        return
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
                request = urllib.request.Request(
                    proxy.upstream + self.path, data=body, method=self.command, headers=headers
                )
                try:
                    with urllib.request.urlopen(request, timeout=30) as reply:
                        status, reply_headers, data = reply.status, reply.headers, reply.read()
                except urllib.error.HTTPError as error:
                    status, reply_headers, data = error.code, error.headers, error.read()
                if upload:
                    proxy.statuses.append(status)
                self.send_response(status)
                for key, value in reply_headers.items():
                    if key.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _forward  # noqa: N815 (http.server names)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        #: The upstream URL (its path kept) through the proxy.
        self.endpoint = self.url + parts.path
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        """Stop the proxy."""
        self.server.shutdown()
        self.server.server_close()


class SilentServer:
    """A TCP server that accepts connections and never answers (a server that hangs)."""

    def __init__(self) -> None:
        import threading

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.connections: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            self.connections.append(connection)

    def close(self) -> None:
        """Close every connection and the listening socket."""
        for connection in self.connections:
            connection.close()
        self.sock.close()


def isql(server: Server, script: str, timeout: float = 60) -> str:
    """Run SQL statements on a Virtuoso server as dba through isql; return what it printed."""
    ini = (server.directory / "virtuoso.ini").read_text()
    sql_port = re.search(r"\[Parameters\]\nServerPort = 127\.0\.0\.1:(\d+)", ini).group(1)
    program = shutil.which("isql-vt") or shutil.which("isql")
    if program is None:
        missing(
            "isql-vt (Debian package virtuoso-opensource)",
            "apt-get install -y --no-install-recommends virtuoso-opensource",
        )
    completed = subprocess.run(
        [program, f"127.0.0.1:{sql_port}", "dba", "dba"],
        input=script,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=True,
    )
    if "*** Error" in completed.stdout + completed.stderr:
        raise RuntimeError(f"isql: {(completed.stdout + completed.stderr).strip()[-500:]}")
    return completed.stdout


def grant_anonymous_updates(server: Server) -> None:
    """Let Virtuoso's unauthenticated endpoints write (``GRANT SPARQL_UPDATE TO "SPARQL"``)."""
    isql(server, 'GRANT SPARQL_UPDATE TO "SPARQL";\n')


ALL_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"


def server_graphs(server: Server) -> list[str]:
    """Every graph on the server that kgtool made (its own and its temporary ones), asked without a dataset.

    Not through `kgtool query`, whose dataset is kgtool's own graphs: a temporary graph left behind would not show.
    """
    from kgtool.store.remote import RESULTS_JSON, RemoteStore

    remote = RemoteStore.connect(server.endpoint, server.profile)
    answer = remote.client.form(remote.profile.query_url, [("query", ALL_GRAPHS)], "query", RESULTS_JSON)
    graphs = [row["g"]["value"] for row in json.loads(answer.body)["results"]["bindings"]]
    return sorted(g for g in graphs if g.startswith(("https://w3id.org/kgtool/", "urn:kgtool:")))
