"""Any other SPARQL 1.1 server: one URL for query and update, Graph Store Protocol at a conventional place.

Notes for servers kgtool does not test here (no package reaches this machine):
- Apache Jena Fuseki: give the dataset URL, e.g. ``http://host:3030/ds``; query ``/ds/query`` (or ``/ds/sparql``),
  update ``/ds/update``, Graph Store Protocol ``/ds/data``; basic auth when Shiro is configured. Set
  ``KGTOOL_QUERY_URL``/``KGTOOL_UPDATE_URL``/``KGTOOL_GSP_URL`` if the layout differs.
- Ontotext GraphDB: repository URL ``http://host:7200/repositories/REPO``; update ``.../statements``; Graph Store
  Protocol ``.../rdf-graphs/service``; basic auth when security is on.
The generic profile uses the given URL for query and update and ``<URL>/data`` for the Graph Store Protocol, each
overridable by the environment variables above; credentials, if any, go by HTTP basic auth.
"""

from __future__ import annotations

import os

from kgtool.store.http import credentials
from kgtool.store.profiles import Profile


def profile(endpoint: str) -> Profile:
    """Return a profile for a server that follows the SPARQL 1.1 Protocol and Graph Store Protocol."""
    base = endpoint.rstrip("/")
    return Profile(
        "generic",
        os.environ.get("KGTOOL_QUERY_URL", base),
        os.environ.get("KGTOOL_UPDATE_URL", base),
        os.environ.get("KGTOOL_GSP_URL", f"{base}/data"),
        auth="basic" if credentials(base) is not None else None,
    )
