"""`kgtool serve`: the graph read-only over the SPARQL 1.1 Protocol, with a query page, until Ctrl-C."""

from __future__ import annotations

import contextlib
import functools
import os
import re
import signal
import tempfile
import threading
from pathlib import Path

import click

from kgtool.cli.options import store_option
from kgtool.data.loading import open_store
from kgtool.deadline import command_timeout
from kgtool.queries.library import bundled_queries
from kgtool.web.serve import HOST, QUERY_PATHS, SparqlServer
from kgtool.web.serve_workers import WorkerPool, default_memory_limit, dump_dataset

#: How long a query may run when neither --timeout nor KGTOOL_TIMEOUT says.
DEFAULT_TIMEOUT = 60.0
#: Reads and writes on a client connection may wait this long even when queries get less (a slow upload).
MIN_IO_TIMEOUT = 10.0
_HOST = re.compile(r"[A-Za-z0-9.-]+(:[0-9]{1,5})?|\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?")


def _host(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> tuple[str, ...]:
    """Check the --allow-service-to values: a host or host:port, never a URL or a wildcard."""
    for value in values:
        if not _HOST.fullmatch(value):
            raise click.BadParameter(f"{value!r} is not a host or host:port (e.g. query.wikidata.org)")
    return tuple(v.lower() for v in values)


@click.command()
@store_option
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=7878,
    show_default=True,
    help="The port on 127.0.0.1 (0 picks a free one).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(0, min_open=True, max=86400),
    default=None,
    help=f"Seconds a query may take (waiting for a free worker included); then it is stopped and gets HTTP 503. "
    f"Default: KGTOOL_TIMEOUT, else {DEFAULT_TIMEOUT:g}.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=2,
    show_default=True,
    help="Worker processes running queries, each with its own copy of the graph in memory.",
)
@click.option(
    "--memory-limit",
    type=click.IntRange(0),
    default=None,
    help="MB of memory one worker may use; a query needing more gets HTTP 500 and a fresh worker. "
    "0: no limit. Default: half the machine's memory, divided among the workers.",
)
@click.option(
    "--allow-service-to",
    "allowed_hosts",
    multiple=True,
    callback=_host,
    metavar="HOST",
    help="Let SERVICE clauses call this host (host or host:port; repeatable). Without it a query with SERVICE "
    "gets HTTP 400 and no request leaves.",
)
def serve(
    store_location: Path | None,
    port: int,
    timeout: float | None,
    workers: int,
    memory_limit: int | None,
    allowed_hosts: tuple[str, ...],
) -> None:
    """Serve the graph read-only over the SPARQL 1.1 Protocol on 127.0.0.1, with a query page in the browser.

    The query page (/) lists the bundled queries to load, runs what you type and shows the result as a table;
    it is self-contained and works offline. The endpoint (/query, also /sparql) answers GET and POST (form or
    application/sparql-query) with SPARQL JSON, XML, CSV or TSV, and graphs as Turtle, N-Triples, RDF/XML or
    JSON-LD. Its default graph is the union of all graphs, derived bindings included; updates are refused.

    Any web page open in your browser could send this server a query, so: requests from other web pages are
    refused (HTTP 403); a SERVICE clause is refused (HTTP 400) unless --allow-service-to lists its host; each
    query runs in a worker process and is stopped after --timeout seconds (HTTP 503); a query that crashes its
    worker or exceeds --memory-limit gets HTTP 500. Every error is one line of plain text.

    With --store the store stays locked while serving (stop the server before `kgtool import`).
    Ctrl-C (or SIGTERM) stops it; exit 0.

    \b
    Example:
        kgtool serve --port 8000 --timeout 20
        curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * { ?s ?p ?o } LIMIT 3' http://127.0.0.1:8000/query
    """
    if timeout is None:
        timeout = command_timeout() or DEFAULT_TIMEOUT
    if memory_limit is None:
        memory_limit = default_memory_limit(workers)
    stop = threading.Event()
    descriptor, name = tempfile.mkstemp(prefix="kgtool-serve-", suffix=".nq")
    os.close(descriptor)
    data_file = Path(name)
    pool = WorkerPool(data_file, workers, allowed_hosts, memory_limit)
    server: SparqlServer | None = None
    try:
        with open_store((), store_location) as store:
            runner = functools.partial(pool.run, timeout=timeout)
            server = SparqlServer(runner, port, HOST, io_timeout=max(timeout, MIN_IO_TIMEOUT))
            dump_dataset(store, data_file)
            pool.start()
            limits = f"{timeout:g} s per query, {workers} worker(s), {_megabytes(memory_limit)} each"
            _serve(server, stop, store_location, len(store), limits, allowed_hosts)
    finally:
        if server is not None:
            server.server_close()
        pool.close()
        with contextlib.suppress(OSError):
            data_file.unlink()
    click.echo("kgtool serve: stopped", err=True)


def _megabytes(limit: int) -> str:
    return f"at most {limit} MB" if limit else "no memory limit"


def _serve(
    server: SparqlServer,
    stop: threading.Event,
    store_location: Path | None,
    triples: int,
    limits: str,
    allowed_hosts: tuple[str, ...],
) -> None:
    """Print where the server answers, then answer until SIGINT or SIGTERM."""
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    thread.start()
    try:
        origin = f"the store {store_location}" if store_location is not None else "the bundled graph"
        click.echo(f"kgtool serve: {origin} ({triples} triples), read-only")
        click.echo(f"  query page:       {server.url}")
        click.echo(f"  SPARQL endpoint:  {server.url}{QUERY_PATHS[0][1:]}  (SPARQL 1.1 Protocol, GET or POST)")
        services = ", ".join(allowed_hosts) if allowed_hosts else "none"
        click.echo(f"  limits:           {limits}; SERVICE to: {services}")
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
        server.stopping = True
        server.shutdown()
        thread.join(timeout=5)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
