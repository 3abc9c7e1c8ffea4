"""The inferred class hierarchy: each named class with its direct superclasses after HermiT's classification."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from kgtool.reasoning.hermit import OWL, HermitResult

KGO = "https://w3id.org/kgtool/ontology#"


@dataclass(frozen=True)
class ClassEntry:
    """A class (with the classes equivalent to it), its direct superclasses and whether each is inferred."""

    iri: str
    label: str | None
    equivalent: tuple[str, ...]
    superclasses: tuple[tuple[str, bool], ...]
    unsatisfiable: bool

    def as_dict(self) -> dict[str, object]:
        """Return the entry with stable keys for JSON output."""
        return {
            "class": self.iri,
            "label": self.label,
            "equivalent": list(self.equivalent),
            "superclasses": [{"class": iri, "inferred": inferred} for iri, inferred in self.superclasses],
            "unsatisfiable": self.unsatisfiable,
        }


def _preference(iri: str) -> tuple[bool, str]:
    return (not iri.startswith(KGO), iri)


def _groups(classes: Iterable[str], equivalent: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Map each class to the representative of its equivalence group (a kgo: class first, then the smallest IRI)."""
    parent = {c: c for c in classes}

    def find(c: str) -> str:
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    for a, b in equivalent:
        ra, rb = find(a), find(b)
        if ra != rb:
            first, second = sorted((ra, rb), key=_preference)
            parent[second] = first
    return {c: find(c) for c in parent}


def class_hierarchy(result: HermitResult, asserted: set[tuple[str, str]], labels: dict[str, str]) -> list[ClassEntry]:
    """Build the hierarchy from a consistent HermiT result; ``asserted`` holds the asserted subClassOf pairs."""
    unsatisfiable = set(result.unsatisfiable)
    named = {c for c in result.classes if not c.startswith(OWL)}
    named |= {c for pair in result.subclass_of for c in pair if not c.startswith(OWL)}
    equivalent = [(a, b) for a, b in result.equivalent if a in named and b in named]
    rep = _groups(named, equivalent)
    members: dict[str, list[str]] = defaultdict(list)
    for c, r in rep.items():
        members[r].append(c)
    up: dict[str, set[str]] = defaultdict(set)
    for sub, sup in result.subclass_of:
        if sub in rep and sup in rep and rep[sub] != rep[sup]:
            up[rep[sub]].add(rep[sup])

    def ancestors(start: str) -> set[str]:
        seen: set[str] = set()
        stack = list(up[start])
        while stack:
            c = stack.pop()
            if c not in seen and c != start:
                seen.add(c)
                stack.extend(up[c])
        return seen

    closure = {r: ancestors(r) for r in members}
    entries = []
    for r in sorted(members):
        group = sorted(members[r])
        is_unsatisfiable = any(c in unsatisfiable for c in group)
        if is_unsatisfiable:
            direct = {rep[sup] for sub, sup in asserted if sub in group and sup in rep}
        else:
            direct = {a for a in closure[r] if not any(a in closure[b] for b in closure[r] if b != a)}
        superclasses = tuple(
            (d, not any((m, s) in asserted for m in group for s in members[d])) for d in sorted(direct)
        )
        entries.append(
            ClassEntry(
                iri=r,
                label=labels.get(r),
                equivalent=tuple(c for c in group if c != r),
                superclasses=superclasses,
                unsatisfiable=is_unsatisfiable,
            )
        )
    return entries
