"""Server profiles: where a SPARQL server keeps its endpoints and which quirks it has (one module each)."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pyoxigraph as ox

XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
#: The canonical lexical forms of the xsd:boolean values a server may write as digits ("1" is the value true).
_CANONICAL_BOOLEAN = {"1": "true", "0": "false"}
_Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple


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
    #: Whether the server writes xsd:boolean values as "1"/"0" (kgtool reads them as the canonical "true"/"false").
    booleans_as_digits: bool = False

    def normalise_results(self, body: bytes) -> bytes:
        """Return SPARQL 1.1 JSON results in the current standard form (``typed-literal`` -> ``literal``).

        When the server writes xsd:boolean values as digits, they are given their canonical form ("1" -> "true").
        """
        booleans = self.booleans_as_digits and XSD_BOOLEAN.encode() in body
        if b'"typed-literal"' not in body and not booleans:
            return body
        document = json.loads(body)
        for row in document.get("results", {}).get("bindings", []):
            for term in row.values():
                if term.get("type") == "typed-literal":
                    term["type"] = "literal"
                if booleans and term.get("datatype") == XSD_BOOLEAN:
                    term["value"] = _CANONICAL_BOOLEAN.get(term["value"], term["value"])
        return json.dumps(document).encode("utf-8")

    def normalise_triples(self, triples: list[ox.Triple]) -> list[ox.Triple]:
        """Return the triples of an RDF answer, xsd:boolean objects in canonical form if the server writes digits."""
        if not self.booleans_as_digits:
            return triples
        return [ox.Triple(t.subject, t.predicate, _canonical_boolean(t.object)) for t in triples]

    def graph_url(self, graph: str) -> str:
        """Return the Graph Store Protocol URL of a named graph."""
        from urllib.parse import quote

        separator = "&" if "?" in self.graph_store_url else "?"
        return f"{self.graph_store_url}{separator}graph={quote(graph, safe='')}"


def _canonical_boolean(term: _Term) -> _Term:
    if isinstance(term, ox.Literal) and term.datatype.value == XSD_BOOLEAN and term.value in _CANONICAL_BOOLEAN:
        return ox.Literal(_CANONICAL_BOOLEAN[term.value], datatype=term.datatype)
    return term


PROFILES = ("auto", "oxigraph", "virtuoso", "generic")


def profile_for(name: str, endpoint: str, server_header: str | None = None) -> Profile:
    """Return the profile ``name`` for an endpoint URL; ``auto`` picks it from the server's Server header."""
    from kgtool.store.profiles import generic, oxigraph, virtuoso

    if name == "auto":
        header = (server_header or "").lower()
        name = "virtuoso" if "virtuoso" in header else "oxigraph" if "oxigraph" in header else "generic"
    module = {"oxigraph": oxigraph, "virtuoso": virtuoso, "generic": generic}[name]
    return module.profile(endpoint)
