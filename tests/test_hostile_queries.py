"""`kgtool query` on hostile query files: no call-outs without consent, located syntax errors, no crash."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import run


class CountingServer:
    """A real HTTP server on 127.0.0.1 that counts the requests it gets and answers each with HTTP 501."""

    def __init__(self) -> None:
        self.requests = 0
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._answer()

            def do_POST(self) -> None:
                self._answer()

            def _answer(self) -> None:
                owner.requests += 1
                self.send_response(501)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sparql"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def counting_server() -> Iterator[CountingServer]:
    server = CountingServer()
    yield server
    server.close()


def _query_file(tmp_path: Path, text: str, name: str = "q.rq") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_service_is_refused_by_default_and_no_request_leaves(tmp_path, counting_server):
    path = _query_file(
        tmp_path, f"SELECT * WHERE {{\n  ?s ?p ?o .\n  SERVICE <{counting_server.url}> {{ ?s ?p ?x }}\n}}\n"
    )
    result = run("query", str(path))
    assert result.exit_code == 2
    assert result.stderr == (
        f"kgtool: error: {path}:3:3: SERVICE <{counting_server.url}> is a federated query: kgtool sends no request "
        "to another server unless --allow-service is given\n"
    )
    assert counting_server.requests == 0


@pytest.mark.parametrize(
    "clause",
    [
        "service silent <{url}>",
        "SERVICE ex:sparql",
        "SERVICE ?endpoint",
    ],
)
def test_every_spelling_of_service_is_refused(tmp_path, counting_server, clause):
    url = counting_server.url
    text = (
        f"PREFIX ex: <{url.removesuffix('sparql')}>\nSELECT * WHERE {{\n"
        f"  VALUES ?endpoint {{ <{url}> }}\n  {clause.format(url=url)} {{ ?s ?p ?o }}\n}}\n"
    )
    result = run("query", str(_query_file(tmp_path, text)))
    assert result.exit_code == 2
    assert ":4:3: SERVICE" in result.stderr or ":4:3: service" in result.stderr
    assert "unless --allow-service is given" in result.stderr
    assert counting_server.requests == 0


def test_service_in_comments_strings_iris_and_names_is_not_a_clause(tmp_path):
    text = (
        "# SERVICE <http://127.0.0.1:9/> { }\n"
        "PREFIX ex: <https://example.org/SERVICE/>\n"
        'SELECT * WHERE { ?s ex:SERVICE "SERVICE <http://127.0.0.1:9/>" } LIMIT 1\n'
    )
    result = run("query", str(_query_file(tmp_path, text)), "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == ["s"]


def test_allow_service_sends_the_request_and_a_remote_error_is_one_line(tmp_path, counting_server):
    path = _query_file(tmp_path, f"SELECT * WHERE {{ SERVICE <{counting_server.url}> {{ ?s ?p ?o }} }}\n")
    result = run("query", str(path), "--allow-service")
    assert result.exit_code == 2
    assert counting_server.requests == 1
    assert result.stderr.startswith(f"kgtool: error: {path}: the query failed while it ran: Error 501 Not Implemented")
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_service_on_an_unbound_variable_is_one_line(tmp_path):
    text = "SELECT * WHERE { SERVICE ?nowhere { ?s ?p ?o } }\n"
    path = _query_file(tmp_path, text)
    result = run("query", str(path), "--allow-service")
    assert result.exit_code == 2
    assert result.stderr == (
        f"kgtool: error: {path}: the query failed while it ran: The variable encoding the service name is unbound\n"
    )


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("SELECT * WHERE {\n  ?s ?p ?o .\n  FILTER(?o = ) \n}\n", 3, 15, "unexpected ')'"),
        ("SELECT * WHERE { ?s ?p ?o } LIMIT x\n", 1, 35, "unexpected 'x'; expected Re:('[0-9]+')"),
        (
            "SELEC * WHERE { ?s ?p ?o }\n",
            1,
            1,
            "unexpected 'SELEC'; expected 'ASK', 'BASE', 'CONSTRUCT', 'DESCRIBE', 'PREFIX', 'SELECT'",
        ),
        ("SELECT * WHERE {\n  ?s ?p ?o\n", 3, 1, "unexpected end of the query"),
        (
            "PREFIX x: <http://x/>\nSELECT * WHERE {\n  ?s ?p ?o\n  OPTIONAL { ?s x:y ?z } .\n  FILTER(?z = ?q\n}\n",
            6,
            1,
            "unexpected '}'; expected '&&', ')', '*', '+', '-', '/', '||'",
        ),
        ('SELECT * WHERE { ?s ?p "a"@en-- }\n', 1, 30, "unexpected '--'"),
    ],
)
def test_syntax_errors_name_the_right_line_and_column_with_a_caret(tmp_path, text, line, column, message):
    path = _query_file(tmp_path, text)
    result = run("query", str(path))
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"kgtool: error: {path}:{line}:{column}: SPARQL syntax error: {message}")
    source_lines = text.splitlines()
    shown = source_lines[line - 1] if line <= len(source_lines) else ""
    assert lines[1] == "    " + shown
    assert lines[2] == "    " + " " * (column - 1) + "^"


def test_a_query_nested_twenty_thousand_groups_deep_is_refused_not_a_crash(tmp_path):
    text = "SELECT * WHERE " + "{ " * 20000 + "?s ?p ?o" + " }" * 20000 + "\n"
    path = _query_file(tmp_path, text)
    result = run("query", str(path))
    assert result.exit_code == 2
    assert result.stderr == (
        f"kgtool: error: {path}:1:272: the query nests groups, brackets or parentheses more than 128 levels deep\n"
    )


def test_a_directory_given_as_the_query_file(tmp_path):
    folder = tmp_path / "queries.rq"
    folder.mkdir()
    result = run("query", str(folder))
    assert result.exit_code == 2
    assert result.stderr == f"kgtool: error: {folder}: is a directory, not a query file\n"


def test_a_query_file_that_is_not_utf8_names_its_line(tmp_path):
    path = tmp_path / "latin1.rq"
    path.write_bytes(b'# title: x\nSELECT * WHERE { ?s ?p "caf\xe9" }\n')
    result = run("query", str(path))
    assert result.exit_code == 2
    assert result.stderr == (f"kgtool: error: {path}:2: not UTF-8 text (invalid continuation byte at byte 38)\n")
