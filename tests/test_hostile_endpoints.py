"""Remote errors of any kind are one line naming the endpoint, exit 2; KGTOOL_TIMEOUT bounds the whole command."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest
from conftest import run
from servers import SilentServer

#: (name, raw HTTP answer) of servers that answer wrongly; each must give one line and exit 2.
BAD_ANSWERS = {
    "http-500-html": b"HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/html\r\nContent-Length: 20\r\n\r\n"
    b"<h1>broken</h1>     ",
    "http-404": b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
    "http-400-sparql-error": b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 14\r\n\r\n"
    b"bad\nquery\n!!!\n",
    "200-html-page": b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 13\r\n\r\n<html></html>",
    "200-invalid-json": b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\nContent-Length: 9\r\n\r\n"
    b"{not json",
    "200-json-not-results": b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
    b'Content-Length: 12\r\n\r\n{"a": [1,2]}',
    "200-truncated-body": b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
    b'Content-Length: 500\r\n\r\n{"head": {"vars": ["g"]}, "results": {"bind',
    "200-bad-turtle": b"HTTP/1.1 200 OK\r\nContent-Type: text/turtle\r\nContent-Length: 9\r\n\r\n<a> <b> .",
    "not-http": b"SSH-2.0-OpenSSH_9.2\r\n",
    "closes-at-once": b"",
}


class ScriptedServer:
    """A TCP server on 127.0.0.1 that answers every request with the same raw bytes, then closes."""

    def __init__(self, answer: bytes) -> None:
        self.answer = answer
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            with connection:
                connection.settimeout(2)
                try:
                    connection.recv(65536)
                    connection.sendall(self.answer)
                except OSError:
                    pass

    def close(self) -> None:
        self.sock.close()


@pytest.fixture(params=sorted(BAD_ANSWERS))
def bad_server(request) -> Iterator[ScriptedServer]:
    server = ScriptedServer(BAD_ANSWERS[request.param])
    yield server
    server.close()


@pytest.mark.parametrize(
    "command",
    [
        ("check",),
        ("validate",),
        ("query", "disagreements"),
        ("export", "--format", "nq"),
        ("imports",),
    ],
)
@pytest.mark.parametrize("profile", ["oxigraph", "virtuoso", "auto"])
def test_a_wrong_answer_is_one_line_naming_the_endpoint(bad_server, command, profile):
    result = run(*command, "--endpoint", bad_server.url, "--profile", profile)
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith("kgtool: error: ")
    assert result.stderr.count("\n") == 1, result.stderr
    assert bad_server.url in result.stderr
    assert "Traceback" not in result.stderr


def test_kgtool_timeout_bounds_the_whole_command_not_each_request():
    silent = SilentServer()
    try:
        started = time.monotonic()
        process = subprocess.run(
            [sys.executable, "-m", "kgtool", "check", "--endpoint", silent.url],
            capture_output=True,
            text=True,
            env={**_environment(), "KGTOOL_TIMEOUT": "2"},
            timeout=60,
        )
        elapsed = time.monotonic() - started
    finally:
        silent.close()
    assert process.returncode == 2
    assert process.stderr == (
        f"kgtool: error: query: the command's KGTOOL_TIMEOUT of 2 s passed before it was sent ({silent.url})\n"
    )
    # The profile probe waited the whole 2 s; nothing waited after it (before: 2 s per request, in turn).
    assert elapsed < 2 + 3, elapsed


def test_kgtool_timeout_stops_a_long_query_on_the_embedded_store(tmp_path):
    path = tmp_path / "cartesian.rq"
    path.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }\n", encoding="utf-8")
    process = subprocess.run(
        [sys.executable, "-m", "kgtool", "query", str(path)],
        capture_output=True,
        text=True,
        env={**_environment(), "KGTOOL_TIMEOUT": "1.5"},
        timeout=60,
    )
    assert (process.returncode, process.stdout) == (2, "")
    assert process.stderr == "kgtool: error: stopped after 1.5 s (KGTOOL_TIMEOUT): the command ran too long\n"


@pytest.mark.parametrize("value", ["abc", "0", "-3", "inf", "nan"])
def test_a_bad_kgtool_timeout_is_an_input_error(monkeypatch, value):
    monkeypatch.setenv("KGTOOL_TIMEOUT", value)
    result = run("check")
    assert (result.exit_code, result.stderr) == (
        2,
        f"kgtool: error: KGTOOL_TIMEOUT must be a positive number of seconds, got {value!r}\n",
    )


@pytest.mark.parametrize("endpoint", ["ftp://127.0.0.1/sparql", "http://", "127.0.0.1:7878", "http:///sparql"])
def test_an_endpoint_that_is_no_http_url(endpoint):
    result = run("check", "--endpoint", endpoint)
    assert (result.exit_code, result.stderr) == (
        2,
        f"kgtool: error: --endpoint must be an http(s) URL with a host, got {endpoint!r}\n",
    )


def _environment() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if not k.startswith("KGTOOL_")}
