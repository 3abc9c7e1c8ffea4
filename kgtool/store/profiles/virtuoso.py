"""Virtuoso Open Source 7: /sparql for query and update, /sparql-graph-crud for the Graph Store Protocol.

With credentials (KGTOOL_USER/KGTOOL_PASSWORD or ~/.netrc) kgtool uses the digest-authenticated endpoints
``/sparql-auth`` and ``/sparql-graph-crud-auth``; without, the plain ones (writes then need
``GRANT SPARQL_UPDATE TO "SPARQL"``). Quirks: the default graph is the union of all graphs including ~2,500 system
triples (kgtool always sets ``default-graph-uri`` to its own graphs); JSON results use the old ``typed-literal``
type (normalised here); xsd:boolean values, stored or cast, come back as ``"1"``/``"0"`` (normalised here to
``"true"``/``"false"``, in JSON results and in the RDF answers export reads); a boolean expression projected without a
cast comes back as ``"1"^^xsd:integer``, which cannot be told from a real integer, and ``SUM`` over nothing is unbound
(kgtool's queries avoid both: a projected boolean is cast with ``xsd:boolean(...)``); ``ResultSetMaxRows`` silently
truncates results (kgtool refuses a truncated answer, see ``X-SPARQL-MaxRows``); a direct-POST query hangs (kgtool
sends form-encoded POSTs). Query-evaluation bugs the bundled queries work around are explained where they do it (grep
for "Virtuoso" in ``queries/``).
"""

from __future__ import annotations

from kgtool.store.http import credentials
from kgtool.store.profiles import Profile


def profile(endpoint: str) -> Profile:
    """Return the profile for a Virtuoso server given its /sparql URL (or its base URL)."""
    base = endpoint.rstrip("/")
    for suffix in ("/sparql-auth", "/sparql", "/sparql-graph-crud-auth", "/sparql-graph-crud"):
        if base.endswith(suffix):
            base = base[: -len(suffix)]
            break
    if credentials(base) is not None:
        return Profile(
            "virtuoso",
            f"{base}/sparql-auth",
            f"{base}/sparql-auth",
            f"{base}/sparql-graph-crud-auth",
            auth="digest",
            booleans_as_digits=True,
        )
    return Profile(
        "virtuoso", f"{base}/sparql", f"{base}/sparql", f"{base}/sparql-graph-crud", auth=None, booleans_as_digits=True
    )
