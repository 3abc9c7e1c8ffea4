"""Server profiles: where a SPARQL server keeps its endpoints and which quirks it has (one module each)."""

from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class Profile:
    """Endpoints, auth scheme and quirks of one kind of SPARQL 1.1 server."""

    name: str
    query_url: str
    update_url: str
    graph_store_url: str
    auth: str | None = None
    #: Whether the server honours ``default-graph-uri`` (kgtool sets the dataset to its own graphs with it).
    honours_default_graph_uri: bool = True

    def normalise_results(self, body: bytes) -> bytes:
        """Return SPARQL 1.1 JSON results in the current standard form (``typed-literal`` -> ``literal``)."""
        if b'"typed-literal"' not in body:
            return body
        document = json.loads(body)
        for row in document.get("results", {}).get("bindings", []):
            for term in row.values():
                if term.get("type") == "typed-literal":
                    term["type"] = "literal"
        return json.dumps(document).encode("utf-8")

    def graph_url(self, graph: str) -> str:
        """Return the Graph Store Protocol URL of a named graph."""
        from urllib.parse import quote

        separator = "&" if "?" in self.graph_store_url else "?"
        return f"{self.graph_store_url}{separator}graph={quote(graph, safe='')}"


PROFILES = ("auto", "oxigraph", "virtuoso", "generic")


def profile_for(name: str, endpoint: str, server_header: str | None = None) -> Profile:
    """Return the profile ``name`` for an endpoint URL; ``auto`` picks it from the server's Server header."""
    from kgtool.store.profiles import generic, oxigraph, virtuoso

    if name == "auto":
        header = (server_header or "").lower()
        name = "virtuoso" if "virtuoso" in header else "oxigraph" if "oxigraph" in header else "generic"
    module = {"oxigraph": oxigraph, "virtuoso": virtuoso, "generic": generic}[name]
    return module.profile(endpoint)
