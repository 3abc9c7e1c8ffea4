"""What an import needs to know about the store: known States, instruments, provisions, sources, bodies."""

from __future__ import annotations

from dataclasses import dataclass

from kgtool.sparql.files import read_query
from kgtool.store import EmbeddedStore


@dataclass
class InstrumentInfo:
    """An instrument's IRI and what computing entry into force for a State, and a denunciation's effect, needs."""

    iri: str
    entry_into_force: str | None
    delay_days: int | None
    delay_months: int | None
    #: From notification of a denunciation to its effect, in days or in months (None when not recorded).
    denunciation_days: int | None = None
    denunciation_months: int | None = None
    #: True when the instrument provides for no denunciation (the ICCPR): a notification ends nothing.
    no_denunciation_clause: bool = False


@dataclass
class StoreLookup:
    """Indexes of the store's States, instruments, provisions, sources and bodies, read once per import."""

    states: dict[str, str]
    instruments: dict[str, InstrumentInfo]
    provisions: set[str]
    sources_by_page: dict[str, str]
    sources_by_symbol: dict[str, str]
    bodies_by_label: dict[str, str]
    nodes: set[str]
    #: Concepts by scheme slug, then by their own slug: ``concepts["risk"]["torture"]`` is the concept's IRI.
    concepts: dict[str, dict[str, str]]

    @classmethod
    def read(cls, store: EmbeddedStore) -> StoreLookup:
        """Read the indexes from the store with the query files of ``queries/import/``."""
        states = {r["code"].value: r["state"].value for r in store.select(read_query("check/states.rq"))}
        instruments = {}
        for r in store.select(read_query("import/instruments.rq")):
            instruments[r["instrument"].value] = InstrumentInfo(
                iri=r["instrument"].value,
                entry_into_force=r["eif"].value if "eif" in r else None,
                delay_days=int(r["days"].value) if "days" in r else None,
                delay_months=int(r["months"].value) if "months" in r else None,
                denunciation_days=int(r["denunciationDays"].value) if "denunciationDays" in r else None,
                denunciation_months=int(r["denunciationMonths"].value) if "denunciationMonths" in r else None,
                no_denunciation_clause="noClause" in r and r["noClause"].value in ("true", "1"),
            )
        provisions = {r["provision"].value for r in store.select(read_query("import/provisions.rq"))}
        by_page, by_symbol = {}, {}
        for r in store.select(read_query("import/sources.rq")):
            if "page" in r:
                by_page.setdefault(r["page"].value, r["source"].value)
            if "symbol" in r:
                by_symbol.setdefault(r["symbol"].value, r["source"].value)
        bodies = {}
        for r in store.select(read_query("import/bodies.rq")):
            bodies.setdefault(r["label"].value.casefold(), r["body"].value)
        nodes = {r["node"].value for r in store.select(read_query("import/typed-nodes.rq"))}
        concepts: dict[str, dict[str, str]] = {}
        for r in store.select(read_query("import/concepts.rq")):
            scheme, concept = r["scheme"].value, r["concept"].value
            if concept.startswith(scheme + "/"):
                concepts.setdefault(scheme.rsplit("/", 1)[-1], {})[concept.removeprefix(scheme + "/")] = concept
        return cls(states, instruments, provisions, by_page, by_symbol, bodies, nodes, concepts)
