"""Oxigraph server (`oxigraph serve`): /query, /update, /store (Graph Store Protocol); no auth.

Quirks handled elsewhere by kgtool's portable SPARQL: literals come back canonical (``042`` -> ``42``), language
tags lowercased, ``SELECT *`` sorts variables, CONSTRUCT answers N-Quads without an Accept header (kgtool always
sends one), GET URLs over ~8 KB fail (kgtool always POSTs), ``DROP GRAPH`` of a missing graph is a 500 (kgtool
writes ``DROP SILENT``), and in ``--union-default-graph`` mode ``FROM`` is ignored (kgtool does not rely on it).
"""

from __future__ import annotations

from kgtool.store.profiles import Profile


def profile(endpoint: str) -> Profile:
    """Return the profile for an Oxigraph server given its base URL (or any of its endpoint URLs)."""
    base = endpoint.rstrip("/")
    for suffix in ("/query", "/update", "/sparql", "/store"):
        if base.endswith(suffix):
            base = base[: -len(suffix)]
    return Profile("oxigraph", f"{base}/query", f"{base}/update", f"{base}/store", auth=None)
