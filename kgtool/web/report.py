"""`kgtool report`: a State's dossier as one self-contained HTML file (styles, script and chart inline).

The data is :func:`kgtool.web.dossier.build_dossiers` (the findings of `check` and the bundled queries); the chart
geometry is :func:`kgtool.web.timeline.layout`; the page is rendered by Jinja2 from ``templates/report.html.j2``
with autoescaping. The page fetches nothing: its only external URLs are the source links a reader clicks.
"""

from __future__ import annotations

import datetime
import re
from functools import cache
from typing import Any

import jinja2

from kgtool import __version__
from kgtool.output.names import QUALIFIER_WORDS, compact
from kgtool.store import EmbeddedStore
from kgtool.web.dossier import build_dossiers
from kgtool.web.templating import make_environment
from kgtool.web.timeline import LANES, layout

#: A UN document symbol opens in the UN's official document resolver.
UN_DOCUMENTS = "https://undocs.org/"

KIND_LABELS = {
    "obligation": "obligation in force",
    "forced-return": "forced return",
    "treatment-of-returnees": "treatment of returnees",
    "detention": "detention",
    "finding": "UN finding",
    "recommendation": "recommendation",
    "resolution": "resolution",
    "position": "State position",
}


def anchor(code: str, iri: str) -> str:
    """Return the HTML id of a dossier entry: the State code and the compacted IRI, as a safe slug."""
    return code + "-" + re.sub(r"[^A-Za-z0-9]+", "-", compact(iri).removeprefix("kgr:")).strip("-")


def count_text(claim: dict[str, Any]) -> str:
    """Return a source's count as words: "more than 500", "about 600", or the source's wording."""
    if claim.get("people") is None:
        return f"“{claim['text']}”" if claim.get("text") else "no number"
    return f"{QUALIFIER_WORDS.get(claim.get('qualifier') or '', '')}{claim['people']}"


def words(names: str) -> str:
    """Return class names as lower-case words: "ForcedReturn, Finding" gives "forced return, finding"."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", names).lower()


def undocs(symbol: str) -> str:
    """Return the address of a UN document by its symbol (e.g. A/HRC/25/63)."""
    return UN_DOCUMENTS + symbol


def cited_sources(data: Any) -> list[dict[str, Any]]:
    """Return every source cited anywhere in the report data, once each, sorted by key."""
    found: dict[str, dict[str, Any]] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, child in node.items():
                if key == "sources" and isinstance(child, list):
                    for source in child:
                        found.setdefault(source["iri"], source)
                walk(child)
        elif isinstance(node, (list, tuple)):
            for child in node:
                walk(child)

    walk(data)
    return sorted(found.values(), key=lambda s: (_key_order(s["key"]), s["iri"]))


def _key_order(key: str | None) -> tuple[int, int, str]:
    """Sort S2 before S10: by the number in the key, then the key."""
    match = re.fullmatch(r"([A-Za-z]*)(\d+)", key or "")
    return (0, int(match.group(2)), key or "") if match else (1, 0, key or "")


@cache
def _environment() -> jinja2.Environment:
    env = make_environment()
    env.filters.update(count_text=count_text, undocs=undocs, words=words)
    env.globals.update(anchor=anchor, kind_label=lambda kind: KIND_LABELS.get(kind, kind), lanes=LANES)
    return env


def render_report(data: dict[str, Any], *, today: datetime.date, origin: str) -> str:
    """Render report data (from :func:`build_dossiers`) as an HTML document; lay out each dossier's timeline."""
    for dossier in data["dossiers"]:
        dossier["timeline"] = layout(dossier, today)
    return (
        _environment()
        .get_template("report.html.j2")
        .render(
            data=data,
            dossiers=data["dossiers"],
            sources=cited_sources([data["dossiers"], data["unverified_claims"]]),
            today=today.isoformat(),
            origin=origin,
            version=__version__,
        )
    )


def build_report(
    store: EmbeddedStore,
    state: str | None = None,
    *,
    today: datetime.date | None = None,
    origin: str = "the bundled graph",
) -> str:
    """Return the HTML report of one State (ISO 3166-1 alpha-3), or of every State with findings.

    ``today`` is the day the dossier answers for (its findings as on that day, nothing dated after it shown).
    ``origin`` names the data in the page's header (the bundled graph, or a store's directory). Raises
    InputError for an unknown State and DataQualityError when the data breaks data quality.
    """
    day = today or datetime.date.today()
    data = build_dossiers(store, state, as_of=day)
    return render_report(data, today=day, origin=origin)
