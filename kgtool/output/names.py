"""Short, readable names for IRIs in human output (JSON keeps full IRIs)."""

from __future__ import annotations

_PREFIXES = (
    ("https://w3id.org/kgtool/id/", "kgr:"),
    ("https://w3id.org/kgtool/ontology#", "kgo:"),
    ("http://purl.org/dc/terms/", "dcterms:"),
    ("http://data.europa.eu/eli/ontology#", "eli:"),
    ("http://www.w3.org/ns/prov#", "prov:"),
    ("http://www.w3.org/2004/02/skos/core#", "skos:"),
    ("http://xmlns.com/foaf/0.1/", "foaf:"),
)


def compact(iri: str | None) -> str:
    """Return ``iri`` with a known namespace replaced by its prefix (``kgr:inc/2023-10-09``)."""
    if iri is None:
        return ""
    for namespace, prefix in _PREFIXES:
        if iri.startswith(namespace):
            return prefix + iri[len(namespace) :]
    return iri


#: How a count's qualifier (count-qualifier scheme notation) reads before the number in human output.
QUALIFIER_WORDS = {
    "exactly": "",
    "about": "about ",
    "more-than": "more than ",
    "at-least": "at least ",
    "up-to": "up to ",
    "far-less-than": "far less than ",
    "unspecified": "",
}
