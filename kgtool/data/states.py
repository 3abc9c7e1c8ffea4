"""States by ISO 3166 code and by the names the UN gives them, from ``pycountry`` (ISO 3166-1 and 3166-3).

Every current ISO 3166-1 alpha-3 code is known without being declared, and the ISO 3166-3 codes of former States
(YUG, CSK, SUN, ...) for predecessors. Names are matched the way UN lists print them: the UN short name
("Bolivia (Plurinational State of)", "Republic of Korea", "State of Palestine") is ISO's name with its
parenthesis or comma turned round, so each ISO name is indexed in those variants too.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import pycountry


@dataclass(frozen=True)
class IsoState:
    """A State of ISO 3166: its alpha-3 code, its name and other names, and whether it is a former State."""

    code: str
    name: str
    other_names: tuple[str, ...]
    former: bool


def _normalised(name: str) -> str:
    """Return a name folded for matching: no accents, case, punctuation or 'the'."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = re.sub(r"[^a-z0-9]+", " ", text.replace("&", " and "))
    return " ".join(word for word in text.split() if word != "the")


def _variants(name: str) -> tuple[list[str], list[str]]:
    """Return a name's turned-round forms and, less sure, its head alone.

    'Korea, Republic of' -> 'Republic of Korea' (and the same for '(...)'); 'Holy See (Vatican City State)' ->
    'Holy See'.
    """
    match = re.fullmatch(r"(.+?)\s*\((.+)\)", name) or re.fullmatch(r"(.+?),\s*(.+)", name)
    if not match:
        return [], []
    head, tail = match.groups()
    return [f"{head}, {tail}", f"{tail} {head}"], [head]


@cache
def iso_states() -> dict[str, IsoState]:
    """Return every ISO 3166-1 State and ISO 3166-3 former State by alpha-3 code (a current code wins)."""
    states: dict[str, IsoState] = {}
    for country in pycountry.historic_countries:
        names = (country.name,)
        states[country.alpha_3] = IsoState(country.alpha_3, country.name, names, True)
    for country in pycountry.countries:
        name = getattr(country, "common_name", None) or country.name
        others = tuple(
            n for n in dict.fromkeys((country.name, getattr(country, "official_name", None))) if n and n != name
        )
        states[country.alpha_3] = IsoState(country.alpha_3, name, others, False)
    return states


@cache
def _name_index() -> tuple[dict[str, str], dict[str, str]]:
    """Return (normalised name -> code, normalised name -> the name as written), names before their variants."""
    tiers: tuple[dict[str, set[str]], ...] = ({}, {}, {})  # names, turned-round names, heads
    written: dict[str, str] = {}
    for state in iso_states().values():
        for name in (state.name, *state.other_names):
            turned, heads = _variants(name)
            for tier, variants in zip(tiers, ([name], turned, heads), strict=True):
                for variant in variants:
                    key = _normalised(variant)
                    tier.setdefault(key, set()).add(state.code)
                    written.setdefault(key, variant)
    index: dict[str, str] = {}
    for tier in reversed(tiers):  # a surer tier overwrites a less sure one; an ambiguous key is left out
        index.update({key: next(iter(codes)) for key, codes in tier.items() if len(codes) == 1})
    return index, written


def code_for_name(name: str) -> str | None:
    """Return the ISO alpha-3 code of a State named as a UN list or ISO names it, or None."""
    index, _ = _name_index()
    turned, _heads = _variants(name)
    for variant in (name, *turned):
        code = index.get(_normalised(variant))
        if code is not None:
            return code
    return None


def nearest_names(name: str, count: int = 3) -> list[str]:
    """Return the known State names closest to ``name`` (for an error message)."""
    index, written = _name_index()
    keys = difflib.get_close_matches(_normalised(name), list(index), n=count, cutoff=0.5)
    return [written[key] for key in keys]
