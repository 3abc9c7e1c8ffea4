"""Seeded generator of kgtool-shaped graphs (10k to 5M triples) with a known number of findings.

The graph follows the ontology and passes the quality shapes: States, multilateral treaties with articles and
a non-refoulement obligation each, participation (deposit, entry into force for the State = deposit + the
treaty's delay) with some reservations, UN findings documenting the risk of torture in some States, forced
returns with dates of day, month or year precision, and count claims from several sources.

The generator also computes what kgtool must find, with the same legal rule written independently in Python:
a (State, obligation) finding when the State is bound (entry into force, no reservation of the article) and
returned someone on or after that date (a return dated by month or year: its first day, in ISO form) to a State
where a finding documents the risk.
It writes ``<name>.nt`` and ``<name>.expected.json`` (triples, findings, breach pairs).

    python bench/generate.py --triples 1000000 --out bench/data/kg-1m
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import random
import string
from pathlib import Path
from typing import TextIO

ID = "https://w3id.org/kgtool/id/bench/"
KGO = "https://w3id.org/kgtool/ontology#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
DERIVED = "<http://www.w3.org/ns/prov#wasDerivedFrom>"
DCT = "http://purl.org/dc/terms/"
ELI = "http://data.europa.eu/eli/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
CONCEPT = "https://w3id.org/kgtool/id/concept/"
TRIPLES_PER_INCIDENT = 17.5  # measured: a return (7 triples) and two count claims (5 each) on average


def iri(path: str) -> str:
    """Return an N-Triples IRI of the bench namespace."""
    return f"<{ID}{path}>"


def kgo(name: str) -> str:
    """Return an N-Triples ontology term."""
    return f"<{KGO}{name}>"


def lit(value: str, datatype: str | None = None, lang: str | None = None) -> str:
    """Return an N-Triples literal."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    if datatype:
        return f'"{escaped}"^^<{XSD}{datatype}>'
    if lang:
        return f'"{escaped}"@{lang}'
    return f'"{escaped}"'


def date_literal(text: str) -> str:
    """Return a date literal whose datatype is its precision."""
    kind = {10: "date", 7: "gYearMonth", 4: "gYear"}[len(text)]
    return lit(text, kind)


class Writer:
    """Writes N-Triples lines and counts them."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.count = 0

    def add(self, s: str, p: str, o: str) -> None:
        """Write one triple."""
        self.out.write(f"{s} {p} {o} .\n")
        self.count += 1


def _codes() -> itertools.product:
    return ("".join(c) for c in itertools.product(string.ascii_uppercase, repeat=3))


def first_day(date: str) -> str:
    """Return the first day of the period a date of day, month or year precision names ("1988-11" -> "1988-11-01").

    A return known only by month or year counts when its whole period is on or after the binding date, as in
    the compliance rules.
    """
    return date + "0000-01-01"[len(date) :]


def _random_day(rng: random.Random, start: int, end: int) -> datetime.date:
    first = datetime.date(start, 1, 1).toordinal()
    last = datetime.date(end, 12, 31).toordinal()
    return datetime.date.fromordinal(rng.randint(first, last))


def generate(target_triples: int, out: TextIO, seed: int = 42) -> dict:
    """Write a graph of about ``target_triples`` triples and return what kgtool must find in it."""
    rng = random.Random(seed)
    w = Writer(out)
    incidents = max(50, int(target_triples / TRIPLES_PER_INCIDENT * 0.98))
    n_states = min(17_000, max(20, incidents // 250))
    n_treaties = 12 if target_triples >= 100_000 else 6
    n_sources = max(20, incidents // 20)

    # Sources and their publishers.
    for b in range(10):
        w.add(iri(f"org/{b}"), RDF_TYPE, kgo("Body"))
        w.add(iri(f"org/{b}"), LABEL, lit(f"Publisher {b}", lang="en"))
    for s in range(n_sources):
        node = iri(f"source/{s}")
        w.add(node, RDF_TYPE, kgo("Source"))
        w.add(node, f"<{DCT}title>", lit(f"Report {s}", lang="en"))
        w.add(node, f"<{DCT}publisher>", iri(f"org/{s % 10}"))
        w.add(node, kgo("sourceType"), f"<{CONCEPT}source-type/ngo-report>")
        w.add(node, "<http://xmlns.com/foaf/0.1/page>", f"<https://example.org/reports/{s}>")
        w.add(node, f"<{DCT}date>", lit(_random_day(rng, 1990, 2025).isoformat(), "date"))

    def source() -> str:
        return iri(f"source/{rng.randrange(n_sources)}")

    codes = list(itertools.islice(_codes(), n_states))
    for code in codes:
        w.add(iri(f"state/{code}"), RDF_TYPE, kgo("State"))
        w.add(iri(f"state/{code}"), LABEL, lit(f"State {code}", lang="en"))
        w.add(iri(f"state/{code}"), kgo("iso3166Alpha3"), lit(code))

    # Treaties: articles 1-5, article 3 has paragraph 3(1), which imposes non-refoulement.
    delays = {}
    for t in range(n_treaties):
        treaty = iri(f"treaty/{t}")
        general = _random_day(rng, 1950, 1990)
        delays[t] = (general, rng.choice([0, 30, 90]))
        w.add(treaty, RDF_TYPE, kgo("MultilateralTreaty"))
        w.add(treaty, LABEL, lit(f"Treaty {t}", lang="en"))
        w.add(treaty, f"<{ELI}first_date_entry_in_force>", lit(general.isoformat(), "date"))
        w.add(treaty, kgo("entryIntoForceDelayDays"), lit(str(delays[t][1]), "integer"))
        w.add(treaty, DERIVED, source())
        for a in (*range(1, 6), "3-1"):
            article = iri(f"treaty/{t}/art-{a}")
            w.add(article, RDF_TYPE, kgo("Provision"))
            w.add(article, LABEL, lit(f"Treaty {t}, Art. {a}", lang="en"))
            parent = iri(f"treaty/{t}/art-3") if a == "3-1" else treaty
            w.add(article, f"<{ELI}is_part_of>", parent)
            w.add(article, DERIVED, source())
        obligation = iri(f"obligation/{t}")
        w.add(obligation, RDF_TYPE, kgo("Obligation"))
        w.add(obligation, LABEL, lit(f"Non-refoulement (Treaty {t}, Art. 3(1))", lang="en"))
        w.add(obligation, kgo("imposedBy"), iri(f"treaty/{t}/art-3-1"))
        w.add(obligation, kgo("obligationType"), f"<{CONCEPT}obligation-type/non-refoulement>")
        w.add(obligation, kgo("protectsAgainst"), f"<{CONCEPT}risk/torture>")

    # Participation: each State joins about half of the treaties; 10% reserve Art. 3 (removes the obligation),
    # 10% reserve Art. 5 (does not).
    bound: dict[tuple[str, int], str] = {}
    for code in codes:
        for t in range(n_treaties):
            if rng.random() < 0.5:
                continue
            general, delay = delays[t]
            deposit = _random_day(rng, 1955, 2020)
            eif = max(general, deposit + datetime.timedelta(days=delay)).isoformat()
            node = iri(f"participation/{code}-{t}")
            w.add(node, RDF_TYPE, kgo("Participation"))
            w.add(node, LABEL, lit(f"{code} joins treaty {t}", lang="en"))
            w.add(node, kgo("participant"), iri(f"state/{code}"))
            w.add(node, kgo("instrument"), iri(f"treaty/{t}"))
            w.add(
                node,
                kgo("meansOfConsent"),
                f"<{CONCEPT}participation-action/{rng.choice(['ratification', 'accession'])}>",
            )
            w.add(node, kgo("actionDate"), lit(deposit.isoformat(), "date"))
            w.add(node, kgo("entryIntoForceForState"), lit(eif, "date"))
            w.add(node, DERIVED, source())
            draw = rng.random()
            if draw < 0.2:
                article = 3 if draw < 0.1 else 5
                reservation = iri(f"reservation/{code}-{t}")
                w.add(reservation, RDF_TYPE, kgo("Reservation"))
                w.add(reservation, LABEL, lit(f"{code} reserves Art. {article} of treaty {t}", lang="en"))
                w.add(reservation, kgo("reservingState"), iri(f"state/{code}"))
                w.add(reservation, kgo("instrument"), iri(f"treaty/{t}"))
                w.add(reservation, kgo("excludesProvision"), iri(f"treaty/{t}/art-{article}"))
                w.add(reservation, DERIVED, source())
                if article == 3:
                    continue
            bound[(code, t)] = eif

    # UN findings: the risk of torture is documented in 30% of the States.
    risky = set()
    for code in codes:
        if rng.random() < 0.3:
            risky.add(code)
            finding = iri(f"finding/{code}")
            w.add(finding, RDF_TYPE, kgo("Finding"))
            w.add(finding, LABEL, lit(f"Returnees to {code} face torture", lang="en"))
            w.add(finding, kgo("issuedBy"), iri("org/0"))
            w.add(finding, f"<{DCT}date>", lit(_random_day(rng, 1990, 2024).isoformat(), "date"))
            w.add(finding, kgo("concernsState"), iri(f"state/{code}"))
            w.add(finding, kgo("documentsRiskIn"), iri(f"state/{code}"))
            w.add(finding, kgo("riskType"), f"<{CONCEPT}risk/torture>")
            w.add(finding, DERIVED, source())

    # Forced returns with count claims from one to three sources.
    by_state: dict[str, list[tuple[str, str]]] = {}
    qualifiers = ["exactly", "about", "more-than", "at-least"]
    for i in range(incidents):
        returning, destination = rng.sample(codes, 2)
        day = _random_day(rng, 1960, 2025)
        draw = rng.random()
        date = day.isoformat() if draw < 0.85 else day.isoformat()[:7] if draw < 0.95 else day.isoformat()[:4]
        node = iri(f"inc/{i}")
        w.add(node, RDF_TYPE, kgo("ForcedReturn"))
        w.add(node, LABEL, lit(f"Return {i} from {returning} to {destination}", lang="en"))
        w.add(node, kgo("returningState"), iri(f"state/{returning}"))
        w.add(node, kgo("destinationState"), iri(f"state/{destination}"))
        w.add(node, kgo("startDate"), date_literal(date))
        w.add(node, kgo("place"), lit(f"Crossing {i % 97}"))
        w.add(node, DERIVED, source())
        for c in range(rng.randint(1, 3)):
            claim = iri(f"count/{i}-{c}")
            w.add(claim, RDF_TYPE, kgo("CountClaim"))
            w.add(claim, kgo("counts"), node)
            w.add(claim, kgo("people"), lit(str(rng.randint(1, 600)), "integer"))
            w.add(claim, kgo("countQualifier"), f"<{CONCEPT}count-qualifier/{rng.choice(qualifiers)}>")
            w.add(claim, DERIVED, source())
        if destination in risky:
            by_state.setdefault(returning, []).append((f"{ID}inc/{i}", date))

    breaches = set()
    for (code, t), eif in bound.items():
        for incident, date in by_state.get(code, []):
            if first_day(date) >= eif:
                breaches.add((f"{ID}obligation/{t}/bound/{code}", incident))
    findings = {binding for binding, _ in breaches}
    return {"triples": w.count, "findings": len(findings), "breach_pairs": len(breaches), "seed": seed}


def main() -> None:
    """Command line: write <out>.nt and <out>.expected.json."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--triples", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True, help="path without extension")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.with_suffix(".nt").open("w", encoding="utf-8") as out:
        expected = generate(args.triples, out, args.seed)
    args.out.with_suffix(".expected.json").write_text(json.dumps(expected, indent=2) + "\n")
    print(json.dumps(expected))


if __name__ == "__main__":
    main()
