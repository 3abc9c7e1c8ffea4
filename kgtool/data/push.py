"""`kgtool push`: upload the project's named graphs to a SPARQL server, each graph all or nothing.

Every graph (ontology, data, derived bindings, inferred, imports and each import) is first uploaded to a
temporary graph through the Graph Store Protocol, in parts of bounded size (``kgtool.store.parts``), and its
triple count checked; only when every upload is complete are they moved into place, one ``MOVE`` update per
graph. A failure at any point drops the temporary graphs, so the server keeps, for each graph, either its old or
its new version, never half of one. Graphs on the server that the local store does not have are left alone,
unless the push prunes them: kgtool's graphs there (an import undone locally, say) would otherwise stay in the
server's answers (``graphs_only_on_server``, ``prune_graphs``).

A server carries out a ``MOVE`` triple by triple in one transaction, so the push waits for each ``MOVE`` (and for
the clean-up) as long as ``RemoteStore.move_timeout`` allows for the graph's size.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph as ox

from kgtool.store import EmbeddedStore
from kgtool.store.http import EndpointError, EndpointTimeoutError
from kgtool.store.remote import RemoteStore


@dataclass
class PushedGraph:
    """One graph pushed: its IRI, the local triple count and the count the server reports afterwards."""

    graph: str
    triples: int
    on_server: int


def push_graphs(
    local: EmbeddedStore, remote: RemoteStore, progress: Callable[[int], None] | None = None
) -> list[PushedGraph]:
    """Push every named graph of the local store to the server and verify the triple counts.

    ``progress`` is called with the number of triples of every part uploaded.
    """
    nonce = uuid.uuid4().hex
    staged: list[tuple[str, str, int]] = []
    try:
        for index, graph in enumerate(local.graphs()):
            temporary = f"urn:kgtool:upload:{nonce}:{index}"
            staged.append((graph, temporary, local.count(graph)))  # before the upload: a failure drops it
            sent = remote.upload(temporary, local.triples(graph), progress=progress)
            uploaded = remote.count(temporary)
            if uploaded != sent:
                raise EndpointError(
                    remote.profile.graph_store_url,
                    f"upload of graph {graph}: the server holds {uploaded} triples, {sent} were sent",
                )
        for graph, temporary, count in staged:
            _move(remote, temporary, graph, count)
    except BaseException:  # a server error, and Ctrl-C too: no temporary graph stays behind
        for _graph, temporary, count in staged:
            remote.drop_silently(temporary, remote.move_timeout(count))
        raise
    pushed = [PushedGraph(graph, count, remote.count(graph)) for graph, _temporary, count in staged]
    wrong = [p for p in pushed if p.on_server != p.triples]
    if wrong:
        first = wrong[0]
        raise EndpointError(
            remote.profile.query_url,
            f"verification: graph {first.graph} has {first.on_server} triples on the server, {first.triples} sent",
        )
    return pushed


@dataclass
class PrunedGraph:
    """One of kgtool's graphs dropped from the server because the local store has no such graph."""

    graph: str
    triples: int


def graphs_only_on_server(local: EmbeddedStore, remote: RemoteStore) -> list[str]:
    """Return kgtool's graphs on the server that the local store does not have (the server's answers see them)."""
    return sorted(set(remote.graphs()) - set(local.graphs()))


def prune_graphs(remote: RemoteStore, graphs: list[str]) -> list[PrunedGraph]:
    """Drop these graphs from the server, each with one ``DROP``; return them with the triples they held."""
    pruned = []
    for graph in graphs:
        triples = remote.count(graph)
        remote.update(f"DROP SILENT GRAPH {ox.NamedNode(graph)}", remote.move_timeout(triples))
        pruned.append(PrunedGraph(graph, triples))
    return pruned


def _move(remote: RemoteStore, temporary: str, graph: str, triples: int) -> None:
    """Move an uploaded graph into place; a timeout says the server may still do it, and what gives it longer."""
    timeout = remote.move_timeout(triples)
    try:
        remote.update(f"MOVE SILENT GRAPH {ox.NamedNode(temporary)} TO GRAPH {ox.NamedNode(graph)}", timeout)
    except EndpointTimeoutError:
        raise EndpointTimeoutError(
            remote.profile.update_url,
            f"moving graph {graph} ({triples} triples) into place: no answer within {timeout:.0f} s, the server may "
            "still finish it (KGTOOL_TIMEOUT, in seconds, gives it longer)",
        ) from None
