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

With ``--un`` it writes a UN-shaped graph instead (``generate_un``): 197 States, the 18 core human-rights
instruments (synthetic), 270,000 recommendations (the size of the Universal Human Rights Index), periodic reports
with due dates, and the expected findings of both rules (non-refoulement, periodic reporting) on UN_AS_OF:

    python bench/generate.py --un --out bench/data/kg-un-270000
    python bench/generate.py --un --states 30 --recommendations 500 --returns 500 --out /tmp/un   # a smoke size
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import random
import string
from collections.abc import Callable
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


def _sources(w: Writer, rng: random.Random, n_sources: int, symbols: bool = False) -> Callable[[], str]:
    """Write ten publishers and ``n_sources`` sources; return a function drawing one source at random.

    With ``symbols`` the sources are UN documents (a kgo:documentSymbol, no web page).
    """
    for b in range(10):
        w.add(iri(f"org/{b}"), RDF_TYPE, kgo("Body"))
        w.add(iri(f"org/{b}"), LABEL, lit(f"Publisher {b}", lang="en"))
    for s in range(n_sources):
        node = iri(f"source/{s}")
        w.add(node, RDF_TYPE, kgo("Source"))
        w.add(node, f"<{DCT}title>", lit(f"Report {s}", lang="en"))
        w.add(node, f"<{DCT}publisher>", iri(f"org/{s % 10}"))
        if symbols:
            w.add(node, kgo("sourceType"), f"<{CONCEPT}source-type/un-document>")
            w.add(node, kgo("documentSymbol"), lit(f"X/BENCH/{s}"))
        else:
            w.add(node, kgo("sourceType"), f"<{CONCEPT}source-type/ngo-report>")
            w.add(node, "<http://xmlns.com/foaf/0.1/page>", f"<https://example.org/reports/{s}>")
        w.add(node, f"<{DCT}date>", lit(_random_day(rng, 1990, 2025).isoformat(), "date"))

    def source() -> str:
        return iri(f"source/{rng.randrange(n_sources)}")

    return source


def _join(
    w: Writer,
    rng: random.Random,
    source: Callable[[], str],
    code: str,
    key: str,
    instrument: str,
    name: str,
    deposit: datetime.date,
    eif: str,
) -> int | None:
    """Write a State's participation in an instrument and, for 20%, a reservation of Art. 3 or Art. 5.

    ``key`` names the nodes (participation/CODE-KEY), ``instrument`` is the instrument's path, ``name`` its name
    in labels. Return the article reserved (3 removes non-refoulement), or None.
    """
    node = iri(f"participation/{code}-{key}")
    w.add(node, RDF_TYPE, kgo("Participation"))
    w.add(node, LABEL, lit(f"{code} joins {name}", lang="en"))
    w.add(node, kgo("participant"), iri(f"state/{code}"))
    w.add(node, kgo("instrument"), iri(instrument))
    means = rng.choice(["ratification", "accession"])
    w.add(node, kgo("meansOfConsent"), f"<{CONCEPT}participation-action/{means}>")
    w.add(node, kgo("actionDate"), lit(deposit.isoformat(), "date"))
    w.add(node, kgo("entryIntoForceForState"), lit(eif, "date"))
    w.add(node, DERIVED, source())
    draw = rng.random()
    if draw >= 0.2:
        return None
    article = 3 if draw < 0.1 else 5
    reservation = iri(f"reservation/{code}-{key}")
    w.add(reservation, RDF_TYPE, kgo("Reservation"))
    w.add(reservation, LABEL, lit(f"{code} reserves Art. {article} of {name}", lang="en"))
    w.add(reservation, kgo("reservingState"), iri(f"state/{code}"))
    w.add(reservation, kgo("instrument"), iri(instrument))
    w.add(reservation, kgo("excludesProvision"), iri(f"{instrument}/art-{article}"))
    w.add(reservation, DERIVED, source())
    return article


def _risk_findings(w: Writer, rng: random.Random, codes: list[str], source: Callable[[], str]) -> set[str]:
    """Write UN findings documenting the risk of torture in 30% of the States; return those States."""
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
    return risky


def _returns(
    w: Writer, rng: random.Random, codes: list[str], risky: set[str], incidents: int, source: Callable[[], str]
) -> dict[str, list[tuple[str, str]]]:
    """Write forced returns with count claims from one to three sources.

    Return, per returning State, its returns to a State at risk: (incident IRI, date of day, month or year).
    """
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
    return by_state


def generate(target_triples: int, out: TextIO, seed: int = 42) -> dict:
    """Write a graph of about ``target_triples`` triples and return what kgtool must find in it."""
    rng = random.Random(seed)
    w = Writer(out)
    incidents = max(50, int(target_triples / TRIPLES_PER_INCIDENT * 0.98))
    n_states = min(17_000, max(20, incidents // 250))
    n_treaties = 12 if target_triples >= 100_000 else 6
    n_sources = max(20, incidents // 20)

    source = _sources(w, rng, n_sources)

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
            if _join(w, rng, source, code, f"{t}", f"treaty/{t}", f"treaty {t}", deposit, eif) != 3:
                bound[(code, t)] = eif

    risky = _risk_findings(w, rng, codes, source)
    by_state = _returns(w, rng, codes, risky, incidents, source)
    breaches = set()
    for (code, t), eif in bound.items():
        for incident, date in by_state.get(code, []):
            if first_day(date) >= eif:
                breaches.add((f"{ID}obligation/{t}/bound/{code}", incident))
    findings = {binding for binding, _ in breaches}
    return {"triples": w.count, "findings": len(findings), "breach_pairs": len(breaches), "seed": seed}


# -- the UN-shaped graph (--un) -----------------------------------------------------------------------------------
#: The size of the UN's Universal Human Rights Index (recommendations).
UHRI_RECOMMENDATIONS = 270_000
#: The day the UN graph's expected findings answer for (`kgtool check --as-of`).
UN_AS_OF = "2026-01-01"
#: The 9 core human-rights treaties and 9 optional protocols, by synthetic slug (core-01 .. core-18). This is a
#: benchmark of the graph's shape and size, not legal data: names, dates, delays and parties are made up.
UN_INSTRUMENTS = [f"core-{n:02d}" for n in range(1, 19)]


def un_states(count: int = 197) -> list[str]:
    """Return ``count`` real ISO 3166-1 alpha-3 codes (pycountry's list, sorted: close to the UN's 193 + 4)."""
    import pycountry

    return sorted(country.alpha_3 for country in pycountry.countries)[:count]


def _add_years(day: datetime.date, years: int) -> datetime.date:
    """Return the same day ``years`` later (29 February -> 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def generate_un(
    out: TextIO, seed: int = 42, recommendations: int = UHRI_RECOMMENDATIONS, returns: int = 20_000, states: int = 197
) -> dict:
    """Write a UN-shaped graph and return what kgtool must find in it on UN_AS_OF.

    ``states`` States (197), the 18 instruments (each: Art. 3(1) imposes non-refoulement, Art. 19 periodic reporting),
    participation, periodic reports (kgo:PeriodicReport: initial report due one year after entry into force for
    the State, then every four years; some submitted on time, some late, some not at all), ``recommendations``
    recommendations to the States with their responses (kgo:Recommendation, kgo:Response, as
    kinds/recommendations.toml makes them), UN findings of the risk of torture and ``returns`` forced returns.

    The findings are computed independently of kgtool's rules, for both rules: non-refoulement as in
    ``generate``; periodic reporting: a report due inside the binding, before the as-of day, and not submitted
    by then or submitted after its due date.
    """
    rng = random.Random(seed)
    w = Writer(out)
    as_of = UN_AS_OF
    source = _sources(w, rng, max(50, recommendations // 100), symbols=True)
    codes = un_states(states)
    for code in codes:
        w.add(iri(f"state/{code}"), RDF_TYPE, kgo("State"))
        w.add(iri(f"state/{code}"), LABEL, lit(f"State {code}", lang="en"))
        w.add(iri(f"state/{code}"), kgo("iso3166Alpha3"), lit(code))

    # Instruments: 9 treaties and 9 protocols, Arts. 1-5, 3(1) and 19, and the two obligations of each.
    general: dict[str, tuple[datetime.date, int]] = {}
    for n, slug in enumerate(UN_INSTRUMENTS):
        node = iri(f"instrument/{slug}")
        general[slug] = (_random_day(rng, 1965, 2010), rng.choice([0, 30, 90]))
        w.add(node, RDF_TYPE, kgo("MultilateralTreaty" if n < 9 else "TreatyProtocol"))
        w.add(node, LABEL, lit(f"Instrument {slug}", lang="en"))
        w.add(node, f"<{ELI}first_date_entry_in_force>", lit(general[slug][0].isoformat(), "date"))
        w.add(node, kgo("entryIntoForceDelayDays"), lit(str(general[slug][1]), "integer"))
        w.add(node, DERIVED, source())
        for a in (*range(1, 6), "3-1", 19):
            article = iri(f"instrument/{slug}/art-{a}")
            w.add(article, RDF_TYPE, kgo("Provision"))
            w.add(article, LABEL, lit(f"{slug}, Art. {a}", lang="en"))
            w.add(article, f"<{ELI}is_part_of>", iri(f"instrument/{slug}/art-3") if a == "3-1" else node)
            w.add(article, DERIVED, source())
        for kind, article in (("non-refoulement", "3-1"), ("periodic-reporting", 19)):
            obligation = iri(f"obligation/{slug}/{kind}")
            w.add(obligation, RDF_TYPE, kgo("Obligation"))
            w.add(obligation, LABEL, lit(f"{kind} ({slug}, Art. {article})", lang="en"))
            w.add(obligation, kgo("imposedBy"), iri(f"instrument/{slug}/art-{article}"))
            w.add(obligation, kgo("obligationType"), f"<{CONCEPT}obligation-type/{kind}>")
            if kind == "non-refoulement":
                w.add(obligation, kgo("protectsAgainst"), f"<{CONCEPT}risk/torture>")

    # Participation: 75% of the States join a treaty, 50% a protocol; 10% reserve Art. 3 (removes
    # non-refoulement, not reporting), 10% Art. 5 (removes nothing).
    bound: dict[tuple[str, str], str] = {}  # (State, obligation IRI) -> bound since
    parties: list[tuple[str, str, datetime.date]] = []
    for code in codes:
        for n, slug in enumerate(UN_INSTRUMENTS):
            if rng.random() >= (0.75 if n < 9 else 0.5):
                continue
            start, delay = general[slug]
            deposit = _random_day(rng, start.year, 2022)
            eif = max(start, deposit + datetime.timedelta(days=delay))
            parties.append((code, slug, eif))
            bound[(code, f"{ID}obligation/{slug}/periodic-reporting")] = eif.isoformat()
            if _join(w, rng, source, code, slug, f"instrument/{slug}", slug, deposit, eif.isoformat()) != 3:
                bound[(code, f"{ID}obligation/{slug}/non-refoulement")] = eif.isoformat()

    # Periodic reports: the initial one due a year after entry into force for the State, then every four years,
    # up to the first one due after the as-of day. 45% on time, 30% late, 25% not submitted (as of the as-of day).
    breaches: set[tuple[str, str, str]] = set()  # (State, obligation IRI, breach IRI)
    reports = 0
    for code, slug, eif in parties:
        due, number = _add_years(eif, 1), 1
        while True:
            name = "initial" if number == 1 else f"periodic-{number}"
            node = iri(f"report/{code}-{slug}-{name}")
            w.add(node, RDF_TYPE, kgo("PeriodicReport"))
            w.add(node, LABEL, lit(f"{code}: {name} report under {slug}", lang="en"))
            w.add(node, kgo("reportingState"), iri(f"state/{code}"))
            w.add(node, kgo("instrument"), iri(f"instrument/{slug}"))
            w.add(node, kgo("reportName"), lit(name))
            w.add(node, kgo("dueDate"), lit(due.isoformat(), "date"))
            draw = rng.random()
            submitted = None
            if draw < 0.75:
                offset = rng.randint(-180, 0) if draw < 0.45 else rng.randint(1, 1500)
                day = due + datetime.timedelta(days=offset)
                submitted = day.isoformat() if day.isoformat() < as_of else None
            if submitted:
                w.add(node, kgo("submittedOn"), lit(submitted, "date"))
                w.add(node, kgo("documentSymbol"), lit(f"{slug.upper()}/C/{code}/{number}"))
            w.add(node, DERIVED, source())
            reports += 1
            obligation = f"{ID}obligation/{slug}/periodic-reporting"
            since, due_text = bound[(code, obligation)], due.isoformat()
            if since <= due_text < as_of and (submitted is None or submitted > as_of or submitted > due_text):
                breaches.add((code, obligation, f"{ID}report/{code}-{slug}-{name}"))
            if due_text >= as_of:
                break
            due, number = _add_years(due, 4), number + 1

    # Recommendations (the fields of the Universal Human Rights Index) and, for 70%, the State's response.
    responses = ["accepted", "noted", "rejected"]
    for i in range(recommendations):
        code = codes[rng.randrange(len(codes))]
        day = _random_day(rng, 2008, 2025).isoformat()
        node = iri(f"recommendation/{i}")
        w.add(node, RDF_TYPE, kgo("Recommendation"))
        w.add(node, LABEL, lit(f"Recommendation {i} to {code}", lang="en"))
        w.add(node, kgo("issuedBy"), iri(f"org/{rng.randrange(10)}"))
        w.add(node, kgo("documentSymbol"), lit(f"A/HRC/{rng.randint(8, 60)}/{rng.randint(1, 99)}"))
        w.add(node, kgo("paragraph"), lit(f"{rng.randint(100, 180)}.{rng.randint(1, 300)}"))
        w.add(node, f"<{DCT}date>", lit(day, "date"))
        w.add(node, kgo("concernsState"), iri(f"state/{code}"))
        w.add(node, kgo("summary"), lit(f"{code} should take measure {i} to give effect to the instrument.", lang="en"))
        w.add(node, DERIVED, source())
        if rng.random() < 0.7:
            response, kind = iri(f"recommendation/{i}/response"), rng.choice(responses)
            w.add(response, RDF_TYPE, kgo("Response"))
            w.add(response, LABEL, lit(f"{code}: response to {i}: {kind}", lang="en"))
            w.add(response, kgo("respondsTo"), node)
            w.add(response, kgo("respondingState"), iri(f"state/{code}"))
            w.add(response, kgo("responseType"), f"<{ID}concept/response/{kind}>")
            w.add(response, f"<{DCT}date>", lit(day, "date"))
            w.add(response, DERIVED, source())

    risky = _risk_findings(w, rng, codes, source)
    by_state = _returns(w, rng, codes, risky, returns, source)
    for (code, obligation), since in bound.items():
        if obligation.endswith("/non-refoulement"):
            for incident, date in by_state.get(code, []):
                if first_day(date) >= since and date + "9999-12-31"[len(date) :] <= as_of:
                    breaches.add((code, obligation, incident))
    findings = sorted({(code, obligation) for code, obligation, _ in breaches})
    return {
        "triples": w.count,
        "seed": seed,
        "as_of": as_of,
        "states": len(codes),
        "instruments": len(UN_INSTRUMENTS),
        "recommendations": recommendations,
        "reports": reports,
        "returns": returns,
        "findings": len(findings),
        "breach_pairs": len(breaches),
        "by_rule": {
            rule: sum(1 for _, obligation in findings if obligation.endswith(rule))
            for rule in ("non-refoulement", "periodic-reporting")
        },
        "finding_list": [list(finding) for finding in findings],
    }


def main() -> None:
    """Command line: write <out>.nt and <out>.expected.json."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--triples", type=int, help="the size of the graph (not with --un)")
    parser.add_argument("--out", type=Path, required=True, help="path without extension")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--un", action="store_true", help=f"the UN-shaped graph (answers as on {UN_AS_OF})")
    parser.add_argument("--recommendations", type=int, default=UHRI_RECOMMENDATIONS, help="with --un")
    parser.add_argument("--returns", type=int, default=20_000, help="forced returns, with --un")
    parser.add_argument("--states", type=int, default=197, help="States, with --un (fewer for a fast smoke test)")
    args = parser.parse_args()
    if args.un == (args.triples is not None):
        parser.error("give --triples or --un")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    with args.out.with_suffix(".nt").open("w", encoding="utf-8") as out:
        if args.un:
            expected = generate_un(out, args.seed, args.recommendations, args.returns, args.states)
        else:
            expected = generate(args.triples, out, args.seed)
    args.out.with_suffix(".expected.json").write_text(json.dumps(expected, indent=2) + "\n")
    print(json.dumps({k: v for k, v in expected.items() if k != "finding_list"}))


if __name__ == "__main__":
    main()
