"""`kgtool serve`: the graph, read-only, over the SPARQL 1.1 Protocol on 127.0.0.1, with a query page.

One process: a threaded ``http.server`` answers ``/query`` (and ``/sparql``) from the embedded store the other
commands read (the union of the named graphs as the default graph, derived bindings included), and serves a
small self-contained query page at ``/`` (no CDN, nothing fetched: it works offline). Updates are refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from kgtool.errors import InputError
from kgtool.query_library import QueryFile, bind_parameters, bundled_queries, update_keyword
from kgtool.sparql import strip_comments
from kgtool.store import EmbeddedStore
from kgtool.templating import make_environment

HOST = "127.0.0.1"
QUERY_PATHS = ("/query", "/sparql")
UPDATE_PATHS = ("/update", "/store")
MAX_BODY = 10 * 1024 * 1024

#: (media type, pyoxigraph format) for SELECT and ASK results; the first is the default.
RESULT_FORMATS = (
    ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    ("text/csv", ox.QueryResultsFormat.CSV),
    ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
)
#: (media type, pyoxigraph format) for CONSTRUCT and DESCRIBE results; the first is the default.
GRAPH_FORMATS = (
    ("text/turtle", ox.RdfFormat.TURTLE),
    ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    ("application/ld+json", ox.RdfFormat.JSON_LD),
)
#: Generic media types clients send, and the specific type they stand for.
_ALIASES = {
    "application/json": ("application/sparql-results+json", "application/ld+json"),
    "application/xml": ("application/sparql-results+xml", "application/rdf+xml"),
}
# Comments and string literals are blanked before looking for FROM, so that neither is mistaken for a clause.
_STRINGS = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'')
_FROM = re.compile(r"\bFROM\s+(NAMED\s+)?(<|[A-Za-z_][\w.-]*:)", re.IGNORECASE)


class ProtocolError(Exception):
    """A request the endpoint answers with an HTTP error status and a plain-text message."""

    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Response:
    """What the handler sends: status, media type and body."""

    status: HTTPStatus
    content_type: str
    body: bytes


def _accepted(accept: str | None) -> list[str]:
    """Return the media types of an Accept header, best first (q=0 left out, order kept among equals)."""
    if not accept:
        return []
    ranked = []
    for position, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        quality = 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    quality = float(f[2:])
                except ValueError:
                    quality = 0.0
        if fields[0] and quality > 0:
            ranked.append((-quality, position, fields[0].lower()))
    return [media for _, _, media in sorted(ranked)]


def negotiate(accept: str | None, formats: tuple) -> tuple[str, object]:
    """Pick the format of a result by the Accept header; the first format when nothing listed is supported."""
    by_type = dict(formats)
    for media in _accepted(accept):
        for candidate in (media, *_ALIASES.get(media, ())):
            if candidate in by_type:
                return candidate, by_type[candidate]
    return formats[0]


def check_read_only_query(text: str) -> None:
    """Refuse updates and dataset clauses (FROM, FROM NAMED), which the union default graph cannot honour."""
    keyword = update_keyword(text)
    if keyword is not None:
        raise ProtocolError(HTTPStatus.FORBIDDEN, f"{keyword} is a SPARQL update: this endpoint is read-only")
    code = _STRINGS.sub('""', strip_comments(text))
    if _FROM.search(code):
        raise ProtocolError(
            HTTPStatus.BAD_REQUEST,
            "FROM and FROM NAMED are not supported: the default graph is the union of all named graphs; "
            "select a named graph with GRAPH <iri> { ... }",
        )


def execute(store: EmbeddedStore, text: str, accept: str | None) -> Response:
    """Run a read-only query on the store and serialise its result in the negotiated format."""
    check_read_only_query(text)
    try:
        result = store.query(text)
    except SyntaxError as error:
        raise ProtocolError(HTTPStatus.BAD_REQUEST, f"SPARQL syntax error: {error}") from None
    except OSError as error:
        raise ProtocolError(HTTPStatus.INTERNAL_SERVER_ERROR, f"query failed: {error}") from None
    if isinstance(result, ox.QueryTriples):
        media, fmt = negotiate(accept, GRAPH_FORMATS)
        return Response(HTTPStatus.OK, media, result.serialize(format=fmt) or b"")
    media, fmt = negotiate(accept, RESULT_FORMATS)
    try:
        body = result.serialize(format=fmt) or b""
    except OSError as error:
        raise ProtocolError(HTTPStatus.INTERNAL_SERVER_ERROR, f"query failed: {error}") from None
    return Response(HTTPStatus.OK, media + ("; charset=utf-8" if media.startswith("text/") else ""), body)


def library_entry(query: QueryFile) -> dict[str, object]:
    """Return a bundled query for the page: name, title, question and its text with the example parameters bound."""
    text = query.text
    if query.parameters:
        lines = query.text.splitlines()
        header = lines[: next((i for i, line in enumerate(lines) if not line.startswith("#")), len(lines))]
        bound = bind_parameters(query, {p.name: p.example for p in query.parameters}).lstrip("\n")
        note = "# Parameters bound to their examples by the VALUES block below: " + ", ".join(
            f"{p.name} = {p.example}" for p in query.parameters
        )
        text = "\n".join([*header, note, "", bound])
    return {"name": query.name, "title": query.title, "question": query.question, "text": text}


def render_page(queries: list[QueryFile]) -> str:
    """Render the query page (templates/serve.html.j2) with the bundled queries to load into it."""
    template = make_environment().get_template("serve.html.j2")
    return template.render(queries=[library_entry(q) for q in queries], endpoint=QUERY_PATHS[0][1:])


class SparqlServer(ThreadingHTTPServer):
    """A threaded HTTP server on 127.0.0.1 answering SPARQL queries from one store."""

    daemon_threads = True
    block_on_close = False

    def __init__(self, store: EmbeddedStore, port: int = 0, host: str = HOST) -> None:
        self.store = store
        self.page = render_page(bundled_queries()).encode("utf-8")
        try:
            super().__init__((host, port), SparqlHandler)
        except OSError as error:
            raise InputError(f"cannot listen on {host}:{port}: {error.strerror}") from None

    @property
    def url(self) -> str:
        """Return the address of the query page (the endpoint is ``url + 'query'``)."""
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/"


class SparqlHandler(BaseHTTPRequestHandler):
    """SPARQL 1.1 Protocol, query operation: GET with ``query=``, POST as a form or as ``application/sparql-query``."""

    server: SparqlServer
    protocol_version = "HTTP/1.1"
    server_version = "kgtool-serve"

    def do_GET(self) -> None:
        """Answer the page, or a query given in the URL."""
        self._answer(self._get)

    def do_POST(self) -> None:
        """Answer a query given in the body."""
        self._answer(self._post)

    def _get(self) -> Response:
        url = urlsplit(self.path)
        if url.path in ("/", "/index.html"):
            return Response(HTTPStatus.OK, "text/html; charset=utf-8", self.server.page)
        if url.path in QUERY_PATHS:
            return self._query(parse_qs(url.query, keep_blank_values=True))
        if url.path in UPDATE_PATHS:
            raise ProtocolError(HTTPStatus.FORBIDDEN, "this endpoint is read-only")
        raise ProtocolError(HTTPStatus.NOT_FOUND, f"no such page: {url.path} (the endpoint is /query)")

    def _post(self) -> Response:
        url = urlsplit(self.path)
        if url.path in UPDATE_PATHS:
            raise ProtocolError(HTTPStatus.FORBIDDEN, "this endpoint is read-only")
        if url.path not in QUERY_PATHS:
            raise ProtocolError(HTTPStatus.NOT_FOUND, f"no such endpoint: {url.path} (the endpoint is /query)")
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            raise ProtocolError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "request body too large")
        body = self.rfile.read(length).decode("utf-8", errors="replace")
        params = parse_qs(url.query, keep_blank_values=True)
        media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if media == "application/x-www-form-urlencoded":
            form = parse_qs(body, keep_blank_values=True)
            if "update" in form:
                raise ProtocolError(HTTPStatus.FORBIDDEN, "this endpoint is read-only")
            for key, values in form.items():
                params.setdefault(key, []).extend(values)
        elif media == "application/sparql-query":
            params["query"] = [*params.get("query", []), body]
        elif media == "application/sparql-update":
            raise ProtocolError(HTTPStatus.FORBIDDEN, "this endpoint is read-only")
        else:
            raise ProtocolError(
                HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                "send the query as application/x-www-form-urlencoded or application/sparql-query",
            )
        return self._query(params)

    def _query(self, params: dict[str, list[str]]) -> Response:
        queries = params.get("query", [])
        if len(queries) != 1:
            raise ProtocolError(HTTPStatus.BAD_REQUEST, "give exactly one query parameter")
        if params.get("default-graph-uri") or params.get("named-graph-uri"):
            raise ProtocolError(
                HTTPStatus.BAD_REQUEST,
                "default-graph-uri and named-graph-uri are not supported: the default graph is the union of all "
                "named graphs; select a named graph with GRAPH <iri> { ... }",
            )
        return execute(self.server.store, queries[0], self.headers.get("Accept"))

    def _answer(self, produce: Callable[[], Response]) -> None:
        try:
            self._check_host()
            response = produce()
        except ProtocolError as error:
            response = Response(error.status, "text/plain; charset=utf-8", (error.message + "\n").encode("utf-8"))
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("Cache-Control", "no-store")
        if response.content_type.startswith("text/html"):
            # The page runs only its own inline script and talks only to this server.
            self.send_header(
                "Content-Security-Policy",
                "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; "
                "img-src data:; form-action 'self'; base-uri 'none'",
            )
        self.end_headers()
        self.wfile.write(response.body)

    def _check_host(self) -> None:
        """Answer only requests addressed to this machine (a guard against DNS rebinding)."""
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].strip("[]").lower()
        if host and host not in ("127.0.0.1", "localhost", "::1"):
            raise ProtocolError(HTTPStatus.FORBIDDEN, f"unexpected Host {host!r}: this server answers on 127.0.0.1")
