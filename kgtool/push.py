"""`kgtool push`: upload the project's named graphs to a SPARQL server, each graph all or nothing.

Every graph (ontology, data, derived bindings, inferred, imports and each import) is first uploaded to a
temporary graph through the Graph Store Protocol and its triple count checked; only when every upload is
complete are they moved into place, one ``MOVE`` update per graph. A failure at any point drops the temporary
graphs, so the server keeps, for each graph, either its old or its new version, never half of one. Graphs on the
server that the local store does not have are left alone.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pyoxigraph as ox

from kgtool.store import EmbeddedStore
from kgtool.store.http import EndpointError
from kgtool.store.remote import RemoteStore


@dataclass
class PushedGraph:
    """One graph pushed: its IRI, the local triple count and the count the server reports afterwards."""

    graph: str
    triples: int
    on_server: int


def push_graphs(local: EmbeddedStore, remote: RemoteStore, progress=None) -> list[PushedGraph]:
    """Push every named graph of the local store to the server and verify the triple counts."""
    nonce = uuid.uuid4().hex
    staged: list[tuple[str, str, int]] = []
    try:
        for index, graph in enumerate(local.graphs()):
            triples = [ox.Triple(q.subject, q.predicate, q.object) for q in local.quads(graph)]
            temporary = f"urn:kgtool:upload:{nonce}:{index}"
            staged.append((graph, temporary, len(triples)))
            remote.put_graph(temporary, ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"")
            uploaded = remote.count(temporary)
            if uploaded != len(triples):
                raise EndpointError(
                    remote.profile.graph_store_url,
                    f"upload of graph {graph}: the server holds {uploaded} triples, {len(triples)} were sent",
                )
            if progress is not None:
                progress(len(triples))
        for graph, temporary, _count in staged:
            remote.update(f"MOVE SILENT GRAPH {ox.NamedNode(temporary)} TO GRAPH {ox.NamedNode(graph)}")
    except EndpointError:
        for _graph, temporary, _count in staged:
            remote.drop_silently(temporary)
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
