"""The binding rule and the compliance rules, read from their SHACL files and evaluated as SPARQL on a store.

Each rule lives in one file (``shapes/binding.ttl``, ``shapes/rules/*.ttl``): a SHACL-SPARQL shape whose
``sh:select`` (or ``sh:construct`` for the binding rule) is the rule. kgtool runs that same SPARQL on the store
with ``$this`` unbound (every query also states ``$this a kgo:Binding`` or ``$this a kgo:Obligation``, so
unbound evaluation equals evaluation over the shape's targets); pyshacl runs the files as SHACL in the tests.

A compliance rule answers for a day, ``$asOf`` (today, or `check --as-of DATE`): events after it do not count,
and a report not yet due is no breach. kgtool substitutes the day for ``$asOf`` before it runs a rule, as a SHACL
engine pre-binds ``$this``; the tests hand pyshacl the rule files with the same substitution (``bind_as_of``).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from kgtool.resources import rule_files, shape_file
from kgtool.store import DERIVED_GRAPH, EmbeddedStore

SH = "http://www.w3.org/ns/shacl#"
KGC = "https://w3id.org/kgtool/shapes/compliance#"

_PREFIXES_QUERY = f"""
PREFIX sh: <{SH}>
SELECT ?prefix ?namespace WHERE {{ ?decl sh:prefix ?prefix ; sh:namespace ?namespace }}
"""

_CONSTRAINTS_QUERY = f"""
PREFIX sh: <{SH}>
PREFIX kgc: <{KGC}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?shape ?label ?comment ?select ?role ?message WHERE {{
    ?shape a sh:NodeShape ; sh:sparql ?constraint .
    ?constraint sh:select ?select ; kgc:evidenceRole ?role .
    OPTIONAL {{ ?constraint sh:message ?message }}
    OPTIONAL {{ ?shape rdfs:label ?label }}
    OPTIONAL {{ ?shape rdfs:comment ?comment }}
}} ORDER BY ?shape ?role ?select
"""

_CONSTRUCT_QUERY = f"""
PREFIX sh: <{SH}>
SELECT ?construct WHERE {{ ?shape a sh:NodeShape ; sh:rule ?rule . ?rule sh:construct ?construct }}
"""


@dataclass(frozen=True)
class Constraint:
    """One SPARQL constraint of a rule: the query and the role its results play as evidence."""

    query: str
    role: str
    message: str


@dataclass(frozen=True)
class Rule:
    """A compliance rule read from its file."""

    id: str
    label: str
    legal_basis: str
    file: Path
    constraints: tuple[Constraint, ...]


@dataclass(frozen=True)
class RuleHit:
    """One result of a rule: evidence (``value``) against a binding, with its date if any."""

    rule: Rule
    binding: str
    value: str
    date: str | None
    role: str


XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"


def as_of_literal(as_of: datetime.date | None = None) -> str:
    """Return the day a check answers for (today when none is given) as a SPARQL xsd:date literal."""
    day = as_of or datetime.date.today()
    return f'"{day.isoformat()}"^^<{XSD_DATE}>'


def bind_as_of(query: str, as_of: datetime.date | None = None) -> str:
    """Write the day the check answers for in place of a rule's pre-bound ``$asOf`` (a query or a rule file)."""
    return re.sub(r"\$asOf\b", lambda _match: as_of_literal(as_of), query)


def _portable(query: str) -> str:
    """Write SHACL's pre-bound ``$this`` as ``?this``: one variable in SPARQL, but not to every engine."""
    return re.sub(r"\$this\b", "?this", query)


def _shapes_graph(path: Path) -> ox.Store:
    store = ox.Store()
    for file in (shape_file("prefixes.ttl"), path):
        store.load(path=str(file), format=ox.RdfFormat.TURTLE)
    return store


def _prologue(graph: ox.Store) -> str:
    rows = graph.query(_PREFIXES_QUERY)
    return "".join(f"PREFIX {row['prefix'].value}: <{row['namespace'].value}>\n" for row in rows)


@cache
def binding_rule() -> str:
    """Return the binding rule's CONSTRUCT query, with its prefixes, from ``shapes/binding.ttl``."""
    graph = _shapes_graph(shape_file("binding.ttl"))
    constructs = [row["construct"].value for row in graph.query(_CONSTRUCT_QUERY)]
    if len(constructs) != 1:
        raise ValueError(f"shapes/binding.ttl must hold exactly one sh:construct, found {len(constructs)}")
    return _portable(_prologue(graph) + constructs[0])


@cache
def compliance_rules() -> tuple[Rule, ...]:
    """Return the compliance rules, one per file of ``shapes/rules/``."""
    rules = []
    for path in rule_files():
        graph = _shapes_graph(path)
        prologue = _prologue(graph)
        rows = list(graph.query(_CONSTRAINTS_QUERY))
        if not rows:
            raise ValueError(f"{path}: no sh:sparql constraint with a kgc:evidenceRole")
        first = rows[0]
        rules.append(
            Rule(
                id=path.stem,
                label=first["label"].value if first["label"] else path.stem,
                legal_basis=first["comment"].value if first["comment"] else "",
                file=path,
                constraints=tuple(
                    Constraint(
                        query=_portable(prologue + row["select"].value),
                        role=row["role"].value,
                        message=row["message"].value if row["message"] else "",
                    )
                    for row in rows
                ),
            )
        )
    return tuple(rules)


def derive_bindings(store: EmbeddedStore) -> int:
    """Compute the bindings (shapes/binding.ttl) into the derived graph, replacing it; return their triples."""
    triples = store.construct(binding_rule())
    store.replace_graph(DERIVED_GRAPH, triples)
    return len(triples)


def evaluate_constraint(
    store: EmbeddedStore, rule: Rule, constraint: Constraint, as_of: datetime.date | None = None
) -> list[RuleHit]:
    """Run one SPARQL constraint of a rule on the store, as on ``as_of`` (default today), and return its hits."""
    return [
        RuleHit(rule=rule, binding=row["this"], value=row["value"], date=row.get("date"), role=constraint.role)
        for row in store.select_values(bind_as_of(constraint.query, as_of))
    ]


def evaluate_rules(store: EmbeddedStore, as_of: datetime.date | None = None) -> list[RuleHit]:
    """Run every compliance rule on the store (bindings must be derived first) and return the hits."""
    return [
        hit
        for rule in compliance_rules()
        for constraint in rule.constraints
        for hit in evaluate_constraint(store, rule, constraint, as_of)
    ]
