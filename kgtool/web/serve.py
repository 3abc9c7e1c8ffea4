"""`kgtool serve`: the graph, read-only, over the SPARQL 1.1 Protocol on 127.0.0.1, with a query page.

A threaded ``http.server`` answers ``/query`` (and ``/sparql``) and serves a small self-contained query page at
``/`` (no CDN, nothing fetched: it works offline). Queries do not run in this process: any web page open in the
user's browser can send one, and pyoxigraph can neither cancel a query nor survive every input, so each runs in a
worker process (:mod:`kgtool.web.serve_workers`) that holds its own copy of the graph and is killed when the query
outlasts the time limit. What a worker runs is :func:`execute`; what this module does in the server process is
HTTP: reading and checking the request (one plain-text line and a 4xx for anything malformed), refusing requests
from other web sites, and answering.

The default graph is the union of the named graphs (derived bindings included). Updates are refused, and so is a
``SERVICE`` clause (the engine would send requests to another server) unless its host was allowed.
"""

from __future__ import annotations

import re
import socket
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote_to_bytes, urlsplit

import pyoxigraph as ox

from kgtool.errors import InputError
from kgtool.queries.library import QueryFile, bind_parameters, bundled_queries, update_keyword
from kgtool.sparql.files import strip_comments
from kgtool.sparql.guard import refuse_deep_nesting, refuse_service, service_clauses
from kgtool.store import EmbeddedStore
from kgtool.web.templating import make_environment

HOST = "127.0.0.1"
QUERY_PATHS = ("/query", "/sparql")
UPDATE_PATHS = ("/update", "/store")
MAX_BODY = 10 * 1024 * 1024
#: Longest message line sent to a client (pyoxigraph's messages can list hundreds of expected tokens).
MAX_MESSAGE = 500

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
# A '%' that does not start a %XX escape.
_BAD_PERCENT = re.compile(rb"%(?![0-9A-Fa-f]{2})")
_LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
#: What the service's SERVICE refusal tells a client instead of the option of `kgtool query`.
_SERVICE_HINT = ("unless --allow-service is given", "unless kgtool serve was started with --allow-service-to HOST")


class ProtocolError(Exception):
    """A request the endpoint answers with an HTTP error status and a plain-text message."""

    def __init__(self, status: HTTPStatus, message: str, headers: tuple[tuple[str, str], ...] = ()) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers


@dataclass(frozen=True)
class Response:
    """What the handler sends: status, media type, body and any further headers."""

    status: HTTPStatus
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


def one_line(message: str) -> str:
    """Return a message as one line of at most MAX_MESSAGE characters (whitespace runs become one space)."""
    line = " ".join(message.split())
    return line if len(line) <= MAX_MESSAGE else line[: MAX_MESSAGE - 3] + "..."


def error_response(status: HTTPStatus | int, message: str, headers: tuple[tuple[str, str], ...] = ()) -> Response:
    """Return the plain-text, one-line answer to a request that failed."""
    body = (one_line(message) + "\n").encode("utf-8")
    return Response(HTTPStatus(status), "text/plain; charset=utf-8", body, headers)


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


def _located(error: InputError) -> str:
    """Return an InputError about a query text as ``line:column: message`` (first line of the message)."""
    message = error.message.splitlines()[0] if error.message else "invalid query"
    if error.line is None:
        return message
    return f"{error.line}:{error.column}: {message}" if error.column is not None else f"{error.line}: {message}"


def check_query_text(text: str, allowed_hosts: Iterable[str] = ()) -> None:
    """Refuse a query before the engine sees it: empty, an update, FROM, nested too deeply, or SERVICE.

    Nesting past ``MAX_QUERY_DEPTH`` would crash the engine's parser; a SERVICE clause is refused unless its host
    is in ``allowed_hosts``.
    """
    if not text.strip():
        raise ProtocolError(HTTPStatus.BAD_REQUEST, "the query is empty")
    check_read_only_query(text)
    try:
        refuse_deep_nesting(text)
        refuse_service(text, None, tuple(allowed_hosts))
    except InputError as error:
        raise ProtocolError(HTTPStatus.BAD_REQUEST, _located(error).replace(*_SERVICE_HINT)) from None


def _syntax_message(text: str, error: SyntaxError) -> str:
    """Return a located one-line message for a query pyoxigraph could not parse."""
    from kgtool.sparql.syntax import syntax_error  # imports rdflib's grammar: only once a query is wrong

    return _located(syntax_error(text, error, None))


def execute(store: EmbeddedStore, text: str, accept: str | None, allowed_hosts: Iterable[str] = ()) -> Response:
    """Run a read-only query on the store and serialise its result in the negotiated format.

    The query is checked first (:func:`check_query_text`); a SERVICE clause runs only when its host is in
    ``allowed_hosts``. Errors are ProtocolErrors with a one-line message.
    """
    check_query_text(text, allowed_hosts)
    try:
        result = store.query(text, allow_service=True)  # SERVICE already checked against allowed_hosts
        if isinstance(result, ox.QueryTriples):
            media, fmt = negotiate(accept, GRAPH_FORMATS)
        else:
            media, fmt = negotiate(accept, RESULT_FORMATS)
            media += "; charset=utf-8" if media.startswith("text/") else ""
        body = result.serialize(format=fmt) or b""
    except SyntaxError as error:
        raise ProtocolError(HTTPStatus.BAD_REQUEST, _syntax_message(text, error)) from None
    except (OSError, RuntimeError, ValueError) as error:
        if service_clauses(text):
            raise ProtocolError(
                HTTPStatus.BAD_GATEWAY, f"the query failed while it ran (it calls another server): {error}"
            ) from None
        raise ProtocolError(HTTPStatus.INTERNAL_SERVER_ERROR, f"the query failed while it ran: {error}") from None
    return Response(HTTPStatus.OK, media, body)


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


def parse_form(data: bytes, where: str) -> dict[str, list[str]]:
    """Decode ``application/x-www-form-urlencoded`` data strictly.

    A stray ``%`` or bytes that are not UTF-8 are a 400 naming ``where`` (the query string or the form body),
    not characters silently replaced.
    """
    params: dict[str, list[str]] = {}
    for field in data.split(b"&"):
        if not field:
            continue
        name, _, value = field.partition(b"=")
        params.setdefault(_form_value(name, where), []).append(_form_value(value, where))
    return params


def _form_value(raw: bytes, where: str) -> str:
    bad = _BAD_PERCENT.search(raw)
    if bad:
        shown = raw[bad.start() : bad.start() + 3].decode("latin-1")
        raise ProtocolError(HTTPStatus.BAD_REQUEST, f"malformed percent-encoding in {where}: {shown!r}")
    decoded = unquote_to_bytes(raw.replace(b"+", b" "))
    try:
        return decoded.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ProtocolError(
            HTTPStatus.BAD_REQUEST, f"{where} is not UTF-8 (byte 0x{decoded[error.start]:02x} after decoding %XX)"
        ) from None


def _shown_path(path: str) -> str:
    """Return a request path safe to repeat in a message: printable ASCII, at most 200 characters."""
    shown = "".join(c if " " < c < "\x7f" else f"\\x{ord(c):02x}" for c in path)
    return shown if len(shown) <= 200 else shown[:197] + "..."


#: What a server runs a query with: (query text, Accept header) -> Response (raises ProtocolError).
QueryRunner = Callable[[str, "str | None"], Response]


class SparqlServer(ThreadingHTTPServer):
    """A threaded HTTP server on 127.0.0.1 answering SPARQL queries through ``runner``.

    ``io_timeout`` bounds each read from and write to a client (a request body that stops arriving, an idle
    connection kept open).
    """

    daemon_threads = True
    block_on_close = False

    def __init__(self, runner: QueryRunner, port: int = 0, host: str = HOST, io_timeout: float = 60.0) -> None:
        self.runner = runner
        self.io_timeout = io_timeout
        #: Set when the server stops: requests still being answered then log nothing more.
        self.stopping = False
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

    def handle_error(self, request: object, client_address: tuple) -> None:
        """Say nothing of a client that left (closed or reset connection, timeout); anything else is one line."""
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, TimeoutError)) or self.stopping:
            return
        sys.stderr.write(
            f"kgtool serve: error answering {client_address[0]}: {type(error).__name__}: {one_line(str(error))}\n"
        )


class SparqlHandler(BaseHTTPRequestHandler):
    """SPARQL 1.1 Protocol, query operation: GET with ``query=``, POST as a form or as ``application/sparql-query``."""

    server: SparqlServer
    protocol_version = "HTTP/1.1"
    server_version = "kgtool-serve"

    #: Bytes of a request body left unread because the request was refused before it was read.
    _unread = 0

    def setup(self) -> None:
        """Bound every read and write on the connection by the server's I/O timeout."""
        self.timeout = self.server.io_timeout
        super().setup()

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
            self._check_origin()
            return self._query(parse_form(url.query.encode("latin-1"), "the query string"))
        if url.path in UPDATE_PATHS:
            raise ProtocolError(HTTPStatus.FORBIDDEN, "this endpoint is read-only")
        raise ProtocolError(HTTPStatus.NOT_FOUND, f"no such page: {_shown_path(url.path)} (the endpoint is /query)")

    def _post(self) -> Response:
        keep_open = not self.close_connection
        self.close_connection = True  # until the whole body has been read: what is left of it is not a request
        url = urlsplit(self.path)
        if url.path in UPDATE_PATHS:
            raise ProtocolError(HTTPStatus.FORBIDDEN, "this endpoint is read-only")
        if url.path not in QUERY_PATHS:
            raise ProtocolError(
                HTTPStatus.NOT_FOUND, f"no such endpoint: {_shown_path(url.path)} (the endpoint is /query)"
            )
        self._check_origin()
        body = self._read_body()
        self.close_connection = not keep_open
        params = parse_form(url.query.encode("latin-1"), "the query string")
        media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if media == "application/x-www-form-urlencoded":
            form = parse_form(body, "the form body")
            if "update" in form:
                raise ProtocolError(HTTPStatus.FORBIDDEN, "this endpoint is read-only")
            for key, values in form.items():
                params.setdefault(key, []).extend(values)
        elif media == "application/sparql-query":
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError as error:
                raise ProtocolError(
                    HTTPStatus.BAD_REQUEST,
                    f"the query is not UTF-8 (byte 0x{body[error.start]:02x} at offset {error.start} of the body)",
                ) from None
            params["query"] = [*params.get("query", []), text]
        elif media == "application/sparql-update":
            raise ProtocolError(HTTPStatus.FORBIDDEN, "this endpoint is read-only")
        else:
            raise ProtocolError(
                HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                "send the query as application/x-www-form-urlencoded or application/sparql-query",
            )
        return self._query(params)

    def _read_body(self) -> bytes:
        """Read exactly Content-Length bytes (at most MAX_BODY); anything else is a 4xx."""
        if self.headers.get("Transfer-Encoding"):
            self._unread = MAX_BODY
            raise ProtocolError(
                HTTPStatus.LENGTH_REQUIRED, "send the body with a Content-Length (Transfer-Encoding is not supported)"
            )
        values = {v.strip() for v in self.headers.get_all("Content-Length") or []}
        if not values:
            return b""
        if len(values) > 1:
            raise ProtocolError(HTTPStatus.BAD_REQUEST, "the request has Content-Length headers that differ")
        value = values.pop()
        if not re.fullmatch(r"[0-9]{1,20}", value):
            raise ProtocolError(HTTPStatus.BAD_REQUEST, f"bad Content-Length {value[:40]!r}: a number of bytes")
        length = int(value)
        if length > MAX_BODY:
            self._unread = length
            raise ProtocolError(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"request body too large: {length} bytes (at most {MAX_BODY})"
            )
        chunks, received = [], 0
        try:
            while received < length:
                chunk = self.rfile.read1(length - received)
                if not chunk:
                    raise ProtocolError(
                        HTTPStatus.BAD_REQUEST,
                        f"the request body ended after {received} of its {length} bytes (Content-Length)",
                    )
                chunks.append(chunk)
                received += len(chunk)
        except TimeoutError:
            raise ProtocolError(
                HTTPStatus.REQUEST_TIMEOUT,
                f"the request body stopped arriving after {received} of its {length} bytes "
                f"({self.server.io_timeout:g} s without data)",
            ) from None
        return b"".join(chunks)

    def _query(self, params: dict[str, list[str]]) -> Response:
        queries = params.get("query", [])
        if len(queries) != 1:
            raise ProtocolError(HTTPStatus.BAD_REQUEST, f"give exactly one query parameter (got {len(queries)})")
        if params.get("default-graph-uri") or params.get("named-graph-uri"):
            raise ProtocolError(
                HTTPStatus.BAD_REQUEST,
                "default-graph-uri and named-graph-uri are not supported: the default graph is the union of all "
                "named graphs; select a named graph with GRAPH <iri> { ... }",
            )
        return self.server.runner(queries[0], self.headers.get("Accept"))

    def _answer(self, produce: Callable[[], Response]) -> None:
        try:
            self._check_host()
            response = produce()
        except ProtocolError as error:
            response = error_response(error.status, error.message, error.headers)
        except Exception as error:  # a defect: one line to the client and in the log, never a traceback
            response = error_response(HTTPStatus.INTERNAL_SERVER_ERROR, f"internal error: {type(error).__name__}")
            if not self.server.stopping:
                sys.stderr.write(f"kgtool serve: internal error: {type(error).__name__}: {one_line(str(error))}\n")
        self._send(response)
        if self._unread:
            self._discard_unread_body()

    def _discard_unread_body(self) -> None:
        """Read away, for a moment, the body of a request answered without reading it (too large).

        Closing a connection with unread data makes the kernel reset it, and the client may then lose the
        answer it was sent; so the sending side is closed first and what arrives is read and dropped.
        """
        left, self._unread = min(self._unread, 4 * MAX_BODY), 0
        try:
            self.connection.shutdown(socket.SHUT_WR)
            self.connection.settimeout(1.0)
            end = time.monotonic() + 2.0
            while left > 0 and time.monotonic() < end:
                chunk = self.rfile.read1(min(left, 65536))
                if not chunk:
                    break
                left -= len(chunk)
        except (OSError, ValueError):
            pass

    def _send(self, response: Response) -> None:
        try:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            for name, value in response.headers:
                self.send_header(name, value)
            if self.close_connection:
                self.send_header("Connection", "close")
            if response.content_type.startswith("text/html"):
                # The page runs only its own inline script and talks only to this server.
                self.send_header(
                    "Content-Security-Policy",
                    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                    "connect-src 'self'; img-src data:; form-action 'self'; base-uri 'none'",
                )
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)
        except (ConnectionError, TimeoutError):
            self.close_connection = True  # the client left: nothing to tell it

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own errors (a malformed request line or header, an unknown method): one plain line."""
        self.close_connection = True
        if self.request_version == "HTTP/0.9":  # a request line it could not read: answer with a status line
            self.request_version = "HTTP/1.0"
        try:
            status = HTTPStatus(code)
        except ValueError:
            status = HTTPStatus.BAD_REQUEST
        self._send(error_response(status, message or status.phrase))

    def log_message(self, format: str, *args: object) -> None:
        """Log requests on stderr, one line each (http.server escapes control characters), not while stopping."""
        if not self.server.stopping:
            super().log_message(format, *args)

    def log_error(self, format: str, *args: object) -> None:
        """Leave out idle connections that time out (browsers keep them open); log other errors."""
        if not format.startswith("Request timed out"):
            super().log_error(format, *args)

    def _check_host(self) -> None:
        """Answer only requests addressed to this machine (a guard against DNS rebinding)."""
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].strip("[]").lower()
        if host and host not in _LOCAL_HOSTS:
            raise ProtocolError(HTTPStatus.FORBIDDEN, f"unexpected Host {host!r}: this server answers on 127.0.0.1")

    def _check_origin(self) -> None:
        """Run queries only for this server's own page and for clients that are not browsers.

        A browser says where a request comes from: ``Origin`` (on every POST and cross-origin fetch) and
        ``Sec-Fetch-Site`` (on every request). Another web site (or another port of this machine) could not
        read the answer, but could still make this machine work, so such requests are refused.
        """
        origin = self.headers.get("Origin")
        host = (self.headers.get("Host") or "").strip().lower()
        if origin is not None and origin.strip().lower() not in (f"http://{host}", f"https://{host}"):
            raise ProtocolError(
                HTTPStatus.FORBIDDEN,
                f"a request from the web page at {origin.strip()[:100]!r} is refused: this endpoint answers its own "
                "query page and clients that are not browsers",
            )
        site = (self.headers.get("Sec-Fetch-Site") or "").strip().lower()
        if site not in ("", "same-origin", "none"):
            raise ProtocolError(
                HTTPStatus.FORBIDDEN,
                f"a {site} request from a web page is refused: this endpoint answers its own query page and clients "
                "that are not browsers",
            )
