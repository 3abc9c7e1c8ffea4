"""HTTP authentication of kgtool's client on the wire (the digest computation itself is requests' HTTPDigestAuth).

A small local server (a thread here) asks for digest or basic auth, records every request, and can declare a
nonce stale; the client must never send a large body without credentials.
"""

from __future__ import annotations

import base64
import hashlib
import http.server
import re
import threading
from collections.abc import Iterator

import pytest

from kgtool.store.http import SMALL_BODY, EndpointError, HttpClient

UNAUTHORISED = "HTTP 401 (check KGTOOL_USER/KGTOOL_PASSWORD or ~/.netrc)"


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


# -- on the wire ---------------------------------------------------------------------------------------------------
class AuthServer:
    """A server that wants digest (or basic) auth as dba/dba and logs (method, path, body size, accepted)."""

    def __init__(self, scheme: str = "digest") -> None:
        self.scheme = scheme
        self.nonce = "n0"
        self.nonces = 0
        self.stale_nonces: set[str] = set()
        self.log: list[tuple[str, str, int, bool]] = []
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _answer(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, stale = owner.check(self.command, self.path, self.headers.get("Authorization"))
                owner.log.append((self.command, self.path, len(body), status != 401))
                self.send_response(status)
                if status == 401:
                    owner.nonces += 1
                    owner.nonce = f"n{owner.nonces}"
                    if owner.scheme == "digest":
                        stale_text = "true" if stale else "false"
                        self.send_header(
                            "WWW-Authenticate",
                            f'Digest realm="SPARQL", nonce="{owner.nonce}", opaque="o", stale="{stale_text}", '
                            'qop="auth", algorithm="MD5"',
                        )
                    else:
                        self.send_header("WWW-Authenticate", 'Basic realm="SPARQL"')
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = do_PUT = _answer  # noqa: N815 (http.server names)

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def check(self, method: str, path: str, header: str | None) -> tuple[int, bool]:
        """Return (status, stale): 200 for correct credentials, else 401."""
        if header is None:
            return 401, False
        if self.scheme == "basic":
            return (200 if header == "Basic " + base64.b64encode(b"dba:dba").decode() else 401), False
        fields = dict(re.findall(r'(\w+)="?([^",]*)"?', header.removeprefix("Digest ")))
        ha1, ha2 = _md5("dba:SPARQL:dba"), _md5(f"{method}:{path}")
        expected = _md5(f"{ha1}:{fields['nonce']}:{fields['nc']}:{fields['cnonce']}:auth:{ha2}")
        if fields["uri"] != path or fields["response"] != expected or fields["opaque"] != "o":
            return 401, False
        if fields["nonce"] in self.stale_nonces or fields["nonce"] != self.nonce:
            return 401, True
        return 200, False

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def digest_server(monkeypatch) -> Iterator[AuthServer]:
    monkeypatch.setenv("KGTOOL_USER", "dba")
    monkeypatch.setenv("KGTOOL_PASSWORD", "dba")
    server = AuthServer()
    yield server
    server.close()


def test_a_large_body_is_never_sent_unauthenticated(digest_server):
    client = HttpClient(f"{digest_server.url}/sparql-auth", "digest", timeout=10)
    big = b"<urn:a> <urn:b> <urn:c> .\n" * (SMALL_BODY // 10)
    client.request("POST", f"{digest_server.url}/gsp?graph=urn%3Ag", "upload", big)
    client.request("POST", f"{digest_server.url}/gsp?graph=urn%3Ag", "upload", big)
    assert [(method, path, size > SMALL_BODY, accepted) for method, path, size, accepted in digest_server.log] == [
        ("POST", "/sparql-auth", False, False),  # a small request learns the nonce
        ("POST", "/sparql-auth", False, True),  # then the large bodies go out signed
        ("POST", "/gsp?graph=urn%3Ag", True, True),
        ("POST", "/gsp?graph=urn%3Ag", True, True),
    ]


def test_a_small_request_is_signed_after_its_first_refusal(digest_server):
    client = HttpClient(f"{digest_server.url}/sparql-auth", "digest", timeout=10)
    for _ in range(2):
        client.form(f"{digest_server.url}/sparql-auth", [("query", "ASK {}")], "query", "application/json")
    assert [accepted for *_, accepted in digest_server.log] == [False, True, True]


def test_a_stale_nonce_is_renewed_and_the_request_sent_once_more(digest_server):
    client = HttpClient(f"{digest_server.url}/sparql-auth", "digest", timeout=10)
    client.form(f"{digest_server.url}/sparql-auth", [("query", "ASK {}")], "query", "application/json")
    digest_server.stale_nonces.add(digest_server.nonce)
    big = b"x" * (2 * SMALL_BODY)
    client.request("PUT", f"{digest_server.url}/gsp", "upload", big)
    client.request("PUT", f"{digest_server.url}/gsp", "upload", big)
    assert [(method, accepted) for method, _path, _size, accepted in digest_server.log] == [
        ("POST", False),
        ("POST", True),
        ("PUT", False),  # signed with the stale nonce: refused with stale=true, signed afresh
        ("PUT", True),
        ("PUT", True),
    ]


def test_a_wrong_password_is_refused_before_a_large_body_goes_out(digest_server, monkeypatch):
    monkeypatch.setenv("KGTOOL_PASSWORD", "wrong-secret")
    client = HttpClient(f"{digest_server.url}/sparql-auth", "digest", timeout=10)
    with pytest.raises(EndpointError) as raised:
        client.request("PUT", f"{digest_server.url}/gsp", "upload of graph g", b"x" * (2 * SMALL_BODY))
    assert str(raised.value) == f"upload of graph g: {UNAUTHORISED} ({digest_server.url}/sparql-auth)"
    assert "wrong-secret" not in str(raised.value)
    # Only the small request that learns the nonce went out, twice (unsigned, then signed and refused).
    assert [(method, size < SMALL_BODY) for method, _path, size, _ in digest_server.log] == [("POST", True)] * 2


def test_basic_credentials_go_with_the_first_request(monkeypatch):
    monkeypatch.setenv("KGTOOL_USER", "dba")
    monkeypatch.setenv("KGTOOL_PASSWORD", "dba")
    server = AuthServer("basic")
    try:
        client = HttpClient(f"{server.url}/query", "basic", timeout=10)
        client.request("PUT", f"{server.url}/data", "upload", b"x" * (2 * SMALL_BODY))
        monkeypatch.setenv("KGTOOL_PASSWORD", "wrong")
        with pytest.raises(EndpointError, match=re.escape(UNAUTHORISED)):
            HttpClient(f"{server.url}/query", "basic", timeout=10).request("GET", f"{server.url}/query", "query")
    finally:
        server.close()
    assert [(method, accepted) for method, _path, _size, accepted in server.log] == [("PUT", True), ("GET", False)]
