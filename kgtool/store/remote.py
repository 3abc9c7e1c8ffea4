"""A remote SPARQL 1.1 server as a kgtool store.

Queries and updates go over the SPARQL Protocol, whole graphs over the Graph Store Protocol; the server's
quirks are held by its profile.

Queries see the union of kgtool's own named graphs (``https://w3id.org/kgtool/graph/...``), set explicitly with
``default-graph-uri`` on every request, whatever the server's own default graph is (Virtuoso's includes its
system triples); ``named-graph-uri`` names the same graphs, so ``GRAPH <g>`` finds them as on the embedded
store. Everything runs on the server; nothing is downloaded to evaluate rules or queries.
"""

from __future__ import annotations

import contextlib
import re
import urllib.parse
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO

import pyoxigraph as ox
import requests

from kgtool.deadline import DEFAULT_REQUEST_TIMEOUT, Deadline
from kgtool.errors import InputError
from kgtool.sparql.files import strip_comments
from kgtool.sparql.guard import refuse_service
from kgtool.store.http import EndpointError, HttpClient
from kgtool.store.parts import upload_parts
from kgtool.store.profiles import Profile, profile_for
from kgtool.store.rdf_files import parse_triples
from kgtool.store.values import ValueRow

KGTOOL_GRAPHS = "https://w3id.org/kgtool/graph/"
NO_GRAPH = "https://w3id.org/kgtool/graph/none"
RESULTS_JSON = "application/sparql-results+json"
RDF_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/n-quads;q=0.8"
_RDF_BY_TYPE = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
_GRAPH_FORM = re.compile(r"^\s*((PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*(CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
_GRAPHS_QUERY = f'SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER (STRSTARTS(STR(?g), "{KGTOOL_GRAPHS}")) }}'

#: How long an update that moves a graph may take, per triple, when that is longer than the request timeout:
#: 500 s for a million triples, 2.5 times the slowest measured (Oxigraph server replacing a 1M-triple graph).
MOVE_SECONDS_PER_TRIPLE = 0.0005


def server_header(endpoint: str, timeout: float = 10.0) -> str | None:
    """Return the Server header the endpoint answers with, to pick a profile (None when unreachable)."""
    if timeout <= 0:
        return None
    try:
        with requests.get(endpoint, timeout=timeout, stream=True) as reply:  # the headers only, not a body
            return reply.headers.get("Server")
    except (requests.RequestException, OSError, ValueError):
        return None


class RemoteStore:
    """A SPARQL 1.1 server reached over HTTP, used through the same methods as the embedded store."""

    def __init__(
        self, profile: Profile, timeout: float = DEFAULT_REQUEST_TIMEOUT, deadline: Deadline | None = None
    ) -> None:
        self.profile = profile
        self.client = HttpClient(profile.query_url, profile.auth, timeout, deadline)
        self._graphs: list[str] | None = None
        #: Graphs outside kgtool's own that queries see too (an import's staging graph, while it is validated).
        self._included: tuple[str, ...] = ()

    @classmethod
    def connect(
        cls, endpoint: str, profile_name: str = "auto", timeout: float = DEFAULT_REQUEST_TIMEOUT
    ) -> RemoteStore:
        """Return a store for an endpoint URL, picking the profile from the server when ``auto``.

        ``KGTOOL_TIMEOUT`` (seconds), when set, bounds every request and all of them together, from now on.
        """
        if not endpoint.startswith(("http://", "https://")) or not urllib.parse.urlsplit(endpoint).hostname:
            raise InputError(f"--endpoint must be an http(s) URL with a host, got {endpoint!r}")
        deadline = Deadline.from_environment()
        if deadline.seconds is not None:
            timeout = deadline.seconds
        probe, _ = deadline.cap(min(timeout, 10.0))
        header = server_header(endpoint, probe) if profile_name == "auto" else None
        return cls(profile_for(profile_name, endpoint, header), timeout, deadline)

    # -- protocol -------------------------------------------------------------------------------------------
    def _dataset(self) -> list[tuple[str, str]]:
        graphs = [*self.graphs(), *self._included]
        # The default graph is their union; each is also a named graph, so `GRAPH <g>` works as embedded.
        return [("default-graph-uri", g) for g in graphs or [NO_GRAPH]] + [("named-graph-uri", g) for g in graphs]

    def _raw_query(
        self, query: str, with_dataset: bool = True, read_rows: bool = False
    ) -> ox.QuerySolutions | ox.QueryBoolean | list[ox.Triple]:
        """Send a query; ``read_rows`` parses every row of a SELECT answer before returning it (parsed afresh).

        pyoxigraph parses result rows as they are iterated: reading them first makes a malformed answer fail
        here, naming the endpoint, for callers that iterate the result themselves.
        """
        fields = [("query", query), *(self._dataset() if with_dataset else [])]
        # Ask for RDF only for graph queries: Virtuoso answers a CONSTRUCT in JSON bindings if JSON is acceptable.
        accept = RDF_ACCEPT if _GRAPH_FORM.match(strip_comments(query)) else RESULTS_JSON
        response = self.client.form(self.profile.query_url, fields, "query", accept)
        if "x-sparql-maxrows" in response.headers:
            raise EndpointError(
                self.profile.query_url,
                f"the server truncated the results at {response.headers['x-sparql-maxrows']} rows "
                "(raise its ResultSetMaxRows)",
            )
        content_type = response.headers.get("content-type", "").split(";")[0].strip()
        try:
            if "json" in content_type:
                body = self.profile.normalise_results(response.body)
                results = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
                if read_rows and isinstance(results, ox.QuerySolutions):
                    list(results)
                    results = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
                return results
            fmt = _RDF_BY_TYPE.get(content_type)
            if fmt is None:
                raise EndpointError(self.profile.query_url, f"query: unexpected answer of type {content_type!r}")
            triples = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(response.body, format=fmt)]
        except (SyntaxError, ValueError, TypeError, AttributeError) as error:
            raise self._bad_answer(content_type, error) from None
        return self.profile.normalise_triples(triples)

    def _bad_answer(self, content_type: str, error: BaseException) -> EndpointError:
        detail = " ".join(str(error).split())[:200]
        what = f"query: the server's answer is not valid {content_type or 'SPARQL results'} ({detail})"
        return EndpointError(self.profile.query_url, what)

    def graphs(self) -> list[str]:
        """Return kgtool's named graphs on the server, sorted (cached until the next write)."""
        if self._graphs is None:
            rows = self._rows(self._raw_query(_GRAPHS_QUERY, with_dataset=False))
            self._graphs = sorted(row["g"].value for row in rows)
        return self._graphs

    def query(
        self, query: str, allow_service: bool = False
    ) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples | list[ox.Triple]:
        """Run a read-only query over the union of kgtool's graphs on the server.

        A SERVICE clause (the server would call another server) is refused unless ``allow_service``.
        """
        if not allow_service:
            refuse_service(query)
        return self._raw_query(query, read_rows=True)

    def _rows(self, solutions: ox.QuerySolutions) -> list[dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]]:
        names = [v.value for v in solutions.variables]
        try:
            return [{n: s[n] for n in names if s[n] is not None} for s in solutions]
        except (SyntaxError, ValueError) as error:
            raise self._bad_answer(RESULTS_JSON, error) from None

    def select(self, query: str) -> list[dict[str, ox.NamedNode | ox.BlankNode | ox.Literal]]:
        """Run a SELECT; return rows as {variable: term} (unbound left out)."""
        solutions = self._raw_query(query)
        if not isinstance(solutions, ox.QuerySolutions):
            raise EndpointError(self.profile.query_url, "query: the server did not answer a SELECT with solutions")
        return self._rows(solutions)

    def select_values(self, query: str) -> list[ValueRow]:
        """Run a SELECT; return rows as {variable: lexical value} (unbound left out)."""
        return [{name: term.value for name, term in row.items()} for row in self.select(query)]

    def construct(self, query: str) -> list[ox.Triple]:
        """Run a CONSTRUCT and return its triples."""
        return list(self._raw_query(query))

    def move_timeout(self, triples: int) -> float:
        """Return how long to wait for an update that moves a graph of so many triples (at least the timeout).

        A server moves a graph triple by triple in one transaction: at a million triples Oxigraph server took
        116-198 s, Virtuoso 7-10 s (with a raised ``TransactionAfterImageLimit``).
        """
        return max(self.client.timeout, triples * MOVE_SECONDS_PER_TRIPLE)

    def update(self, update: str, timeout: float | None = None) -> None:
        """Run a SPARQL update request (after a failure too, the graphs are listed afresh: it may have run).

        ``timeout`` (seconds) replaces the store's for this request (a long ``MOVE``).
        """
        try:
            accept = f"{RESULTS_JSON}, */*;q=0.1"
            self.client.form(self.profile.update_url, [("update", update)], "update", accept, timeout)
        finally:
            self._graphs = None

    # -- graphs -----------------------------------------------------------------------------------------------
    def count(self, graph: str) -> int:
        """Return the number of triples in a named graph."""
        rows = self._raw_query(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {ox.NamedNode(graph)} {{ ?s ?p ?o }} }}", with_dataset=False
        )
        return next(int(row["n"].value) for row in rows)

    def put_graph(self, graph: str, ntriples: bytes, method: str = "PUT") -> None:
        """Replace a named graph with N-Triples through the Graph Store Protocol (``method="POST"``: add to it).

        One upload is one document: its blank nodes are its own.
        """
        what = f"upload of graph {graph}" if method == "PUT" else f"upload to graph {graph}"
        self.client.request(
            method, self.profile.graph_url(graph), what, ntriples, {"Content-Type": "application/n-triples"}
        )
        self._graphs = None

    def upload(
        self,
        graph: str,
        triples: Iterable[ox.Triple],
        replace: bool = True,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Upload triples to a named graph in parts of bounded size (``kgtool.store.parts``); return how many.

        The triples may be a stream (``EmbeddedStore.triples``): only one part at a time is held, besides the
        triples with blank nodes. With ``replace`` the first part replaces the graph (``PUT``) and the others
        are added (``POST``); otherwise every part is added. Triples linked through blank nodes travel in one
        part, so the server holds the same graph as one upload would give it. ``progress`` is called with the
        size of every part sent. A failure can leave some parts uploaded: upload to a graph no one else sees (a
        temporary one) and drop it on failure.
        """
        sent = 0
        for index, part in enumerate(upload_parts(triples)):
            method = "PUT" if replace and index == 0 else "POST"
            data = ox.serialize(part, format=ox.RdfFormat.N_TRIPLES) or b""
            if data or method == "PUT":
                self.put_graph(graph, data, method)
            sent += len(part)
            if progress is not None:
                progress(len(part))
        return sent

    def replace_graph(self, graph: str, triples: Iterable[ox.Triple]) -> None:
        """Replace a named graph: upload to a temporary graph, check it, then move it in one update."""
        triples = list(triples)
        temporary = f"urn:kgtool:upload:{uuid.uuid4().hex}"
        try:
            self.upload(temporary, triples)
            if self.count(temporary) != len(set(triples)):
                raise EndpointError(self.profile.graph_store_url, f"upload of graph {graph}: triple count differs")
            self.update(f"MOVE SILENT GRAPH {ox.NamedNode(temporary)} TO GRAPH {ox.NamedNode(graph)}")
        except EndpointError:
            self.drop_silently(temporary)
            raise

    # -- staging (kgtool import: the caller drops the staging graph on any failure) --------------------------
    def staging_graph(self, graph: str, temporary: str) -> str:
        """Return where to stage the content of the new graph ``graph``: in ``temporary``.

        The temporary graph is outside kgtool's graphs, so no other client sees it before the import's commit
        moves it into place (a ``MOVE`` on the server).
        """
        return temporary

    def bulk_load(self, source: BinaryIO, fmt: ox.RdfFormat, graph: str) -> None:
        """Parse an RDF document here (syntax errors name line and column) and add its triples to a graph."""
        self.bulk_add(parse_triples(source, fmt), graph)

    def bulk_add(self, triples: Iterable[ox.Triple], graph: str) -> None:
        """Add triples to a named graph, as one document in parts (nothing is sent if producing them fails)."""
        self.upload(graph, list(triples), replace=False)

    @contextlib.contextmanager
    def including(self, *graphs: str) -> Iterator[None]:
        """Let queries see these graphs too (besides kgtool's own), for the duration."""
        saved = self._included
        self._included = (*saved, *graphs)
        try:
            yield
        finally:
            self._included = saved

    def drop_silently(self, graph: str, timeout: float | None = None) -> None:
        """Drop a graph, ignoring failures (clean-up after an error); ``timeout`` as for ``update``.

        If the server refuses the update, the graph is deleted through the Graph Store Protocol (a server may
        take uploads but refuse updates).
        """
        try:
            self.update(f"DROP SILENT GRAPH {ox.NamedNode(graph)}", timeout)
        except EndpointError:
            with contextlib.suppress(EndpointError):
                self.client.request(
                    "DELETE",
                    self.profile.graph_url(graph),
                    f"deletion of graph {graph}",
                    ok=(200, 204, 404),
                    timeout=timeout,
                )

    def quads(self, graph: str | None = None) -> list[ox.Quad]:
        """Return the quads of one of kgtool's graphs, or of all of them."""
        quads = []
        for name in [graph] if graph is not None else self.graphs():
            node = ox.NamedNode(name)
            quads += [ox.Quad(t.subject, t.predicate, t.object, node) for t in self.triples(name)]
        return quads

    def triples(self, graph: str) -> Iterator[ox.Triple]:
        """Return the triples of one of kgtool's graphs (one ``CONSTRUCT``), as they are parsed."""
        node = ox.NamedNode(graph)
        yield from self._raw_query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {node} {{ ?s ?p ?o }} }}", False)

    def working_copy(self) -> RemoteStore:
        """Return itself: queries run on the server, nothing is downloaded to evaluate them."""
        return self

    def graph_ntriples(self, graph: str) -> bytes:
        """Return one of kgtool's graphs as N-Triples."""
        return ox.serialize(self.triples(graph), format=ox.RdfFormat.N_TRIPLES) or b""

    def extend(self, quads: Iterable[ox.Quad]) -> None:
        """Add quads, graph by graph, each through a checked temporary graph."""
        by_graph: dict[str, list[ox.Triple]] = {}
        for quad in quads:
            by_graph.setdefault(quad.graph_name.value, []).append(ox.Triple(quad.subject, quad.predicate, quad.object))
        for graph, triples in by_graph.items():
            present = graph in self.graphs()
            existing = list(self.triples(graph)) if present else []
            self.replace_graph(graph, existing + triples)

    def __len__(self) -> int:
        return sum(self.count(g) for g in self.graphs())

    # -- lifecycle (nothing to release) ---------------------------------------------------------------------
    def flush(self) -> None:
        """Nothing to flush: every write is already on the server."""

    def close(self) -> None:
        """Nothing to release."""

    def __enter__(self) -> RemoteStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
