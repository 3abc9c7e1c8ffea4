"""Name the individuals and classes that make a graph inconsistent.

HermiT says whether a graph is consistent, not why. The queries of ``queries/reasoning/explain/`` each look for
one pattern that makes an OWL 2 graph inconsistent (an individual in two disjoint classes, two values of a
functional property, a literal outside its range, ...), over the asserted triples plus their OWL 2 RL inferences,
so that a subclass or a domain that puts an individual in a class counts too.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from kgtool.reasoning.materialise import infer
from kgtool.resources import resource_dir
from kgtool.store import DATA_GRAPH, INFERRED_GRAPH, EmbeddedStore

_CLASS_COLUMNS = ("classA", "classB")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@dataclass(frozen=True)
class Value:
    """A value named by a culprit: an IRI, or a literal with its datatype or language."""

    text: str
    is_literal: bool = False
    datatype: str | None = None
    language: str | None = None

    def show(self, namer: Callable[[str], str]) -> str:
        """Return the value as text, IRIs named by ``namer``, literals quoted with datatype or language."""
        if not self.is_literal:
            return namer(self.text)
        if self.language:
            return f'"{self.text}"@{self.language}'
        if self.datatype and self.datatype != XSD_STRING:
            return f'"{self.text}"^^{namer(self.datatype)}'
        return f'"{self.text}"'


@dataclass(frozen=True)
class Culprit:
    """One reason for an inconsistency: the individual, the classes or property involved, what is wrong.

    ``template`` comes from the query; ``{classA}``, ``{classB}``, ``{property}`` and ``{value}`` in it are
    filled in by ``message``.
    """

    check: str
    individual: str
    template: str
    classes: tuple[str, ...] = ()
    property: str | None = None
    value: Value | None = None

    def message(self, namer: Callable[[str], str] = str) -> str:
        """Return the message with the classes, property and value named by ``namer`` (full IRIs by default)."""
        fields = defaultdict(str)
        for key, iri in zip(_CLASS_COLUMNS, self.classes, strict=False):
            fields[key] = namer(iri)
        if self.property is not None:
            fields["property"] = namer(self.property)
        if self.value is not None:
            fields["value"] = self.value.show(namer)
        return self.template.format_map(fields)

    def as_dict(self) -> dict[str, object]:
        """Return the culprit with stable keys for JSON output (full IRIs)."""
        return {
            "check": self.check,
            "individual": self.individual,
            "message": self.message(),
            "classes": list(self.classes),
            "property": self.property,
            "value": self.value.show(str) if self.value is not None else None,
        }


def _iri(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else term.value


def _value(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> Value | None:
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value if term.datatype is not None else None
        return Value(term.value, True, datatype, term.language)
    return Value(_iri(term))


def explain_inconsistency(triples: Sequence[ox.Triple]) -> list[Culprit]:
    """Return the culprits the explanation queries find over the triples and their OWL 2 RL inferences."""
    inference = infer(triples)
    store = EmbeddedStore()
    store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(DATA_GRAPH)) for t in triples)
    store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(INFERRED_GRAPH)) for t in inference.triples)
    culprits = []
    for path in sorted((resource_dir("queries") / "reasoning" / "explain").glob("*.rq")):
        for row in store.select(path.read_text(encoding="utf-8")):
            culprits.append(
                Culprit(
                    check=path.stem,
                    individual=_iri(row["individual"]),
                    template=row["message"].value if "message" in row else path.stem,
                    classes=tuple(_iri(row[c]) for c in _CLASS_COLUMNS if c in row),
                    property=_iri(row["property"]) if "property" in row else None,
                    value=_value(row.get("value")),
                )
            )
    return culprits
