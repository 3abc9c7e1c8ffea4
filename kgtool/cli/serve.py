"""`kgtool serve`: the graph read-only over the SPARQL 1.1 Protocol, with a query page, until Ctrl-C."""

from __future__ import annotations

import signal
import threading
from pathlib import Path

import click

from kgtool.cli.options import store_option
from kgtool.loading import open_store
from kgtool.query_library import bundled_queries
from kgtool.serve import HOST, QUERY_PATHS, SparqlServer


@click.command()
@store_option
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=7878,
    show_default=True,
    help="The port on 127.0.0.1 (0 picks a free one).",
)
def serve(store_location: Path | None, port: int) -> None:
    """Serve the graph read-only over the SPARQL 1.1 Protocol on 127.0.0.1, with a query page in the browser.

    The query page (/) lists the bundled queries to load, runs what you type and shows the result as a table;
    it is self-contained and works offline. The endpoint (/query, also /sparql) answers GET and POST (form or
    application/sparql-query) with SPARQL JSON, XML, CSV or TSV, and graphs as Turtle, N-Triples, RDF/XML or
    JSON-LD. Its default graph is the union of all graphs, derived bindings included; updates are refused.
    With --store the store stays locked while serving (stop the server before `kgtool import`).
    Ctrl-C (or SIGTERM) stops it; exit 0.

    \b
    Example:
        kgtool serve --port 8000
        curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * { ?s ?p ?o } LIMIT 3' http://127.0.0.1:8000/query
    """
    stop = threading.Event()
    with open_store((), store_location) as store:
        server = SparqlServer(store, port, HOST)
        previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
        worker = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
        worker.start()
        try:
            origin = f"the store {store_location}" if store_location is not None else "the bundled graph"
            click.echo(f"kgtool serve: {origin} ({len(store)} triples), read-only")
            click.echo(f"  query page:       {server.url}")
            click.echo(f"  SPARQL endpoint:  {server.url}{QUERY_PATHS[0][1:]}  (SPARQL 1.1 Protocol, GET or POST)")
            click.echo("  bundled queries (load them on the page; `kgtool queries` describes them):")
            library = bundled_queries()
            width = max((len(q.name) for q in library), default=0)
            for q in library:
                click.echo(f"    {q.name.ljust(width)}  {q.title or ''}")
            click.echo("Press Ctrl-C to stop.", nl=True)
            click.get_text_stream("stdout").flush()
            while not stop.wait(0.5):
                pass
        finally:
            server.shutdown()
            server.server_close()
            worker.join(timeout=5)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
    click.echo("kgtool serve: stopped", err=True)
