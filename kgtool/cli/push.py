"""`kgtool push`: the local graph onto a SPARQL server."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from kgtool.cli.options import store_option
from kgtool.data.loading import open_store
from kgtool.data.push import graphs_only_on_server, prune_graphs, push_graphs
from kgtool.errors import InputError
from kgtool.store.profiles import PROFILES
from kgtool.store.remote import RemoteStore


@click.command()
@click.option("--endpoint", metavar="URL", envvar="KGTOOL_ENDPOINT", help="The SPARQL server. Env: KGTOOL_ENDPOINT.")
@click.option("--profile", type=click.Choice(PROFILES), default="auto", envvar="KGTOOL_PROFILE", show_default=True)
@click.option(
    "--prune",
    is_flag=True,
    help="After the push, drop kgtool's graphs on the server that the local store has not (e.g. an import undone "
    "locally), so that the server answers as the local store does.",
)
@store_option
def push(endpoint: str | None, profile: str, prune: bool, store_location: Path | None) -> None:
    """Upload the project's named graphs to a SPARQL 1.1 server, replacing those graphs and nothing else.

    kgtool's graphs on the server that the local store has not (an import undone locally, say) stay, and the
    server's answers still see them: push names them, and with --prune drops them once every graph is in place.

    Each graph goes to a temporary graph first (in parts of 50,000 triples) and is moved into place only when
    every upload is complete, so a failed push leaves each graph in its old or its new version. Afterwards the
    triple count of every graph is checked on the server. A request may take KGTOOL_TIMEOUT seconds (120), the
    move of a graph into place 0.5 s per thousand triples if that is longer. Credentials come from
    KGTOOL_USER/KGTOOL_PASSWORD or ~/.netrc (never from arguments); the profile (oxigraph, virtuoso, generic)
    holds the server's endpoints and quirks.

    \b
    Example:
        kgtool push --endpoint http://127.0.0.1:7878
        KGTOOL_USER=dba KGTOOL_PASSWORD=... kgtool push --endpoint http://127.0.0.1:8890/sparql --store ./kg
        kgtool push --endpoint http://127.0.0.1:7878 --store ./kg --prune
    """
    if not endpoint:
        raise InputError("kgtool push needs --endpoint URL (or KGTOOL_ENDPOINT)")
    remote = RemoteStore.connect(endpoint, profile)
    start = time.perf_counter()
    with open_store((), store_location) as local:
        total = sum(local.count(g) for g in local.graphs())
        if sys.stderr.isatty() and total > 100_000:
            with click.progressbar(length=total, label="pushing", file=sys.stderr) as bar:
                pushed = push_graphs(local, remote, bar.update)
        else:
            pushed = push_graphs(local, remote)
        only_on_server = graphs_only_on_server(local, remote)
        pruned = prune_graphs(remote, only_on_server) if prune else []
    elapsed = time.perf_counter() - start
    for graph in pushed:
        click.echo(f"{graph.graph}: {graph.triples} triples pushed, {graph.on_server} on the server")
    for dropped in pruned:
        click.echo(f"{dropped.graph}: {dropped.triples} triples dropped from the server (not in the local store)")
    click.echo(
        f"pushed {len(pushed)} graphs ({sum(p.triples for p in pushed)} triples) to "
        f"{remote.profile.name} at {remote.profile.query_url} in {elapsed:.2f} s; counts verified"
        + (f"; {len(pruned)} graphs pruned" if pruned else "")
    )
    if only_on_server and not prune:
        click.echo(
            f"kgtool: warning: the server has {len(only_on_server)} of kgtool's graphs that the local store has not, "
            f"and its answers include them: {', '.join(only_on_server)}; `kgtool push --prune` drops them",
            err=True,
        )
