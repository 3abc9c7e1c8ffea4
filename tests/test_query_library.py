"""The query library (queries/*.rq): each competency question of facts.md section 7, and the daily queries.

Each query runs on the bundled store with the derived bindings; its parameters are bound by a VALUES block
inserted right after the first ``WHERE {`` (the outermost group), as kgtool does. Rows are compared as sets of
typed pyoxigraph terms, projected on the columns the question asks for.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest

from kgtool.compliance.rules import derive_bindings
from kgtool.data.loading import bundled_store
from kgtool.queries.library import bind_parameters, read_query_file

QUERIES = Path(__file__).resolve().parent.parent / "queries"
ID = "https://w3id.org/kgtool/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"
_PARAM = re.compile(r"^#\s*param:\s*(\S+)\s+(\S+)\s+(\S+)")
_OUTER_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_PROJECTION = re.compile(r"\bSELECT\s+(?:DISTINCT\s+)?((?:\?\w+\s+)+)WHERE\b", re.IGNORECASE)


# -- helpers -----------------------------------------------------------------------------------------------
@cache
def _store():
    store = bundled_store()
    derive_bindings(store)
    return store


class Rows(set):
    """The rows of a query as a set of tuples of terms (None when unbound), in the order of ``variables``."""

    def __init__(self, variables: tuple[str, ...], rows: list[tuple]) -> None:
        super().__init__(rows)
        self.variables = variables

    def project(self, *columns: str) -> set[tuple]:
        """Return the set of rows restricted to the given columns (in that order)."""
        indexes = [self.variables.index(c) for c in columns]
        return {tuple(row[i] for i in indexes) for row in self}


def run_query(name: str, **params: str) -> Rows:
    """Run queries/<name>.rq on the bundled store as kgtool does; parameters not given take the header's example."""
    query = read_query_file(QUERIES / f"{name}.rq")
    declared = {p.name: p.example for p in query.parameters}
    assert set(params) <= set(declared), f"undeclared parameters {set(params) - set(declared)}"
    solutions = _store().query(bind_parameters(query, {**declared, **params}))
    variables = tuple(v.value for v in solutions.variables)
    rows = [tuple(solution[v] for v in variables) for solution in solutions]
    assert len(set(rows)) == len(rows), f"{name}: duplicate rows"
    return Rows(variables, rows)


def iri(path: str) -> ox.NamedNode:
    return ox.NamedNode(ID + path)


def date(value: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + "date"))


def month(value: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + "gYearMonth"))


def year(value: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(XSD + "gYear"))


def integer(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))


def text(value: str) -> ox.Literal:
    return ox.Literal(value)


def key(value: str) -> ox.Literal:
    return ox.Literal(value)


CHN, PRK, KOR = iri("state/CHN"), iri("state/PRK"), iri("state/KOR")
CONVENTION_33 = iri("obligation/refugee-convention-1951-art-33-1")
CONVENTION_35 = iri("obligation/refugee-convention-1951-art-35")
PROTOCOL_I = iri("obligation/refugee-protocol-1967-art-I-1-non-refoulement")
CAT_3 = iri("obligation/cat-1984-art-3-1")
ICCPR_7 = iri("obligation/iccpr-1966-art-7")
ICCPR_12_2 = iri("obligation/iccpr-1966-art-12-2")
EEL_DOCUMENTS = iri("obligation/exit-entry-administration-law-2012-refugee-article")
NON_REFOULEMENT = (CONVENTION_33, PROTOCOL_I, CAT_3)

CHINA_RETURNS = {
    iri("inc/2013-05-28-laos-group"),
    iri("inc/2014-08-group-29"),
    iri("inc/2021-07-14"),
    iri("inc/2023-08-29"),
    iri("inc/2023-09-18"),
    iri("inc/2023-10-09"),
    iri("inc/2023-10-09/kim-cheol-ok"),
    iri("inc/2024-01-helong-workers"),
    iri("inc/2024-04-26"),
    iri("inc/2024-trafficked-women"),
    iri("inc/2025-09-women-28"),
}
COI_RETURNEES = iri("finding/coi-2014-treatment-of-returnees")
CAT_CO5_46 = iri("finding/cat-2016-co5-para-46")
EXPERTS_2023 = iri("finding/un-experts-2023-10-17")
EXPERTS_2024 = iri("finding/un-experts-2024-11-executions")
CHONGJIN = iri("inc/2023-10-09/chongjin-executions")


def test_every_query_has_the_header_and_runs_with_its_examples():
    files = sorted(QUERIES.glob("*.rq"))
    competency = set()
    for path in files:
        lines = path.read_text(encoding="utf-8").splitlines()
        header = []
        for line in lines:
            if not line.startswith("#"):
                break
            header.append(line.split(":", 1)[0][2:])
        expected = ["title", "question"]
        expected += ["competency-question"] if "competency-question" in header else []
        expected += ["param"] * header.count("param") + ["row"]
        assert header == expected, path.name
        assert lines[len(header)] == "" and lines[len(header) + 1].startswith("PREFIX"), path.name
        for line in lines[: len(header)]:
            if line.startswith("# competency-question:"):
                competency.add(int(line.split(":", 1)[1]))
        assert run_query(path.stem), f"{path.name} gives no row with its example parameters"
    assert competency == set(range(1, 18))


# -- competency questions (facts.md section 7) -------------------------------------------------------------
def test_cq1_obligations_binding_china_since_when_and_reservations():
    rows = run_query("obligations-binding-state", state=CHN.value)
    conv = "instrument/refugee-convention-1951/"
    assert rows.project("obligation", "since", "excludedProvision", "reservationTouchesProvision") == {
        (CONVENTION_33, date("1982-12-23"), iri(conv + "art-14-latter-half"), ox.Literal(False)),
        (CONVENTION_33, date("1982-12-23"), iri(conv + "art-16-3"), ox.Literal(False)),
        (CONVENTION_35, date("1982-12-23"), iri(conv + "art-14-latter-half"), ox.Literal(False)),
        (CONVENTION_35, date("1982-12-23"), iri(conv + "art-16-3"), ox.Literal(False)),
        (PROTOCOL_I, date("1982-09-24"), iri("instrument/refugee-protocol-1967/art-IV"), ox.Literal(False)),
        (CAT_3, date("1988-11-03"), iri("instrument/cat-1984/art-20"), ox.Literal(False)),
        (CAT_3, date("1988-11-03"), iri("instrument/cat-1984/art-30-1"), ox.Literal(False)),
        (EEL_DOCUMENTS, date("2013-07-01"), None, None),
        # ICCPR: signed only, so not bound.
        (ICCPR_7, None, None, None),
        (ICCPR_12_2, None, None, None),
    }
    assert rows.project("obligation", "means", "actionDate") >= {
        (ICCPR_7, text("signature"), date("1998-10-05")),
        (CAT_3, text("ratification"), date("1988-10-04")),
        (CONVENTION_33, text("accession"), date("1982-09-24")),
    }


def test_cq2_obligations_of_china_contradicted_by_incidents_and_risk_findings():
    rows = run_query("incidents-contradicting-obligations", state=CHN.value)
    breaches = {(o, text("breach"), r) for o in NON_REFOULEMENT for r in CHINA_RETURNS}
    risks = {
        (o, text("risk"), f) for o in (CONVENTION_33, PROTOCOL_I) for f in (COI_RETURNEES, EXPERTS_2023, EXPERTS_2024)
    }
    risks |= {(CAT_3, text("risk"), f) for f in (COI_RETURNEES, CAT_CO5_46, EXPERTS_2023, EXPERTS_2024)}
    assert rows.project("obligation", "role", "evidence") == breaches | risks
    # The sources of the October 2023 mass return: HRW, IDEA, HRF, Yonhap/Korea Herald, TJWG/Reuters, Korea Times.
    assert {k for e, k in rows.project("evidence", "sourceKey") if e == iri("inc/2023-10-09")} == {
        key(k) for k in ("S45", "S50", "S51", "S52", "S53", "S69")
    }
    # First contradicting event after entry into force: the Laos group of May 2013.
    first = min((str(d.value), e) for e, r, d in rows.project("evidence", "role", "date") if r == text("breach"))
    assert first == ("2013-05-27", iri("inc/2013-05-28-laos-group"))


def test_cq3_incidents_with_conflicting_counts_or_dates_and_by_whom():
    rows = run_query("conflicting-incident-reports")
    assert {row[0] for row in rows.project("incident")} == {
        iri("inc/2023-10-09"),
        iri("inc/2024-01-helong-workers"),
        iri("inc/2024-trafficked-women"),
        iri("inc/2024-women-270"),
        iri("inc/2025-09-women-28"),
        iri("inc/2013-05-28-laos-group"),
    }
    counts = {(i, s, p, q) for i, a, s, p, q in rows.project("incident", "aspect", "side", "people", "qualifier")}
    assert {(s, p, q) for i, s, p, q in counts if i == iri("inc/2023-10-09") and s.value.startswith(ID + "count/")} == {
        (iri("count/2023-10-09-hrw"), integer(500), text("more-than")),
        (iri("count/2023-10-09-idea"), integer(500), text("more-than")),
        (iri("count/2023-10-09-jfnk"), integer(600), text("about")),
        (iri("count/2023-10-09-tjwg"), integer(600), text("up-to")),
        (iri("count/2023-10-09-hrf"), integer(600), text("exactly")),
        (iri("count/2023-10-09-korea-herald"), integer(600), text("far-less-than")),
        (iri("count/2023-10-09-rok-mou"), None, text("unspecified")),
    }
    assert rows.project("incident", "aspect", "claimedValue", "sourceKey") >= {
        (iri("inc/2024-01-helong-workers"), text("date"), month("2024-01"), key("S47")),
        (iri("inc/2024-01-helong-workers"), text("date"), year("2023"), key("S49")),
        (iri("inc/2024-01-helong-workers"), text("count"), None, key("S60")),
        (iri("inc/2024-trafficked-women"), text("date"), year("2024"), key("S47")),
        (iri("inc/2024-trafficked-women"), text("date"), year("2023"), key("S49")),
        (iri("inc/2024-women-270"), text("date"), year("2024"), key("S48")),
        (iri("inc/2024-women-270"), text("date"), year("2023"), key("S49")),
        (iri("inc/2025-09-women-28"), text("date"), month("2025-09"), key("S48")),
        (iri("inc/2025-09-women-28"), text("date"), month("2023-09"), key("S49")),
    }
    assert rows.project("incident", "side", "attributedTo") >= {
        (iri("inc/2013-05-28-laos-group"), iri("claim/2013-05-28-laos-group-ages-hrw"), iri("org/hrw")),
        (iri("inc/2013-05-28-laos-group"), iri("claim/2013-05-28-laos-group-ages-csw"), iri("org/csw")),
    }
    assert len(rows) == 29


def test_cq4_aggregate_counts_since_2020_and_whether_they_agree():
    rows = run_query("aggregate-return-counts", **{"from": "2020-01-01"})
    d11 = iri("disagreement/D11")
    assert rows.project("aggregate", "people", "qualifier", "disagreement") == {
        (iri("agg/hrw-2024-670"), integer(670), text("more-than"), d11),
        (iri("agg/hrw-2025-406"), integer(406), text("at-least"), d11),
        (iri("agg/hrw-2025-1076"), integer(1076), text("at-least"), d11),
        (iri("agg/seed001-670"), integer(670), text("more-than"), None),
        (iri("agg/seed000-406"), integer(406), text("at-least"), d11),
        (iri("agg/seed000-table-2020-2023-660"), integer(660), text("exactly"), d11),
        (iri("agg/seed000-table-2024-2025-416"), integer(416), text("exactly"), d11),
        (iri("agg/seed000-table-total-1076"), integer(1076), text("at-least"), None),
        (iri("agg/jfnk-2600"), integer(2600), text("about"), None),
    }
    # JFNK's 2,600 conflicts with HRW's far lower counts (a verification status, not a disagreement node).
    assert (iri("agg/jfnk-2600"), text("conflicting")) in rows.project("aggregate", "status")
    assert (iri("agg/hrw-2025-1076"), text("subject")) in rows.project("aggregate", "disagreementRole")


def test_cq5_instruments_the_dprk_has_not_joined():
    rows = run_query("instruments-not-joined-by-state", state=PRK.value)
    assert rows.project("instrument", "statement", "status", "disagreement") == {
        (
            iri("instrument/refugee-convention-1951"),
            iri("claim/PRK-not-party-refugee-convention-1951"),
            text("verified"),
            None,
        ),
        (
            iri("instrument/refugee-protocol-1967"),
            iri("claim/PRK-not-party-refugee-protocol-1967"),
            text("verified"),
            None,
        ),
        (iri("instrument/cat-1984"), iri("claim/PRK-not-party-cat-1984"), text("verified"), iri("disagreement/D5")),
        # LegaCarta's contrary entry, flagged as one side of D5.
        (iri("instrument/cat-1984"), iri("claim/D5-legacarta-1993"), text("conflicting"), iri("disagreement/D5")),
    }
    # China: the ICCPR, signed but not ratified.
    china = run_query("instruments-not-joined-by-state", state=CHN.value)
    assert china.project("instrument", "kind") == {(iri("instrument/iccpr-1966"), text("signature only"))}


def test_cq6_recommendations_to_china_that_remain_unaddressed():
    rows = run_query("unaddressed-recommendations", state=CHN.value)
    assert rows.project("recommendation", "responseType", "laterReturns") == {
        (iri("recommendation/coi-2014-para-90a"), None, integer(10)),
        (iri("recommendation/coi-2014-para-90b"), None, integer(10)),
        (iri("recommendation/coi-2014-para-90c"), None, integer(10)),
        (iri("recommendation/cat-2016-co5-para-47"), None, integer(9)),
        (iri("recommendation/upr-2024-kor"), text("rejected"), integer(2)),
        (iri("recommendation/upr-2024-cze"), text("rejected"), integer(2)),
        (iri("recommendation/unhcr-2023-12-upr-submission"), None, integer(4)),
        (iri("recommendation/un-experts-2023-10-17"), None, integer(4)),
        # Also in the graph (facts.md 4.2 and 4.3), addressed to China and not answered:
        (iri("recommendation/unhcr-2012-02-urge-no-return"), None, integer(11)),
        (iri("recommendation/cat-2015-query-29-returnees"), None, integer(9)),
    }


def test_cq7_positions_of_china_contesting_the_findings_and_when():
    rows = run_query("state-positions-contesting-findings", state=CHN.value)
    assert rows.project("position", "date", "contested") == {
        (iri("position/CHN-2006-03-21-qin-gang"), date("2006-03-21"), iri("finding/unhcr-2006-03-guterres")),
        (iri("position/CHN-2006-03-21-qin-gang"), date("2006-03-21"), iri("finding/unhcr-2003-09-29-lubbers")),
        (iri("position/CHN-2023-10-12-wang-wenbin"), date("2023-10-12"), iri("inc/2023-10-09")),
        (iri("position/CHN-2023-10-12-wang-wenbin"), date("2023-10-12"), CAT_CO5_46),
        (iri("position/CHN-2024-07-upr"), month("2024-07"), iri("recommendation/upr-2024-kor")),
        (iri("position/CHN-2024-07-upr"), month("2024-07"), iri("recommendation/upr-2024-cze")),
        # Also in the graph (facts.md 4.2): "economic migrants", as reported by UNHCR in January 2003.
        (iri("position/CHN-2003-01-economic-migrants"), month("2003-01"), iri("finding/unhcr-2003-01-21-access")),
    }


def test_cq8_domestic_provision_documenting_asylum_seekers_and_since_when():
    rows = run_query("domestic-asylum-documentation-provision", state=CHN.value)
    law = iri("instrument/exit-entry-administration-law-2012")
    assert rows.project("law", "adopted", "inForce", "provision") == {
        (
            law,
            date("2012-06-30"),
            date("2013-07-01"),
            iri("instrument/exit-entry-administration-law-2012/refugee-article"),
        )
    }
    assert rows.project("role", "statement", "articleNumber", "sourceKey") == {
        (text("article-number"), iri("claim/eel-refugee-article-number-46"), text("46"), key("S72")),
        (text("article-number"), iri("claim/eel-refugee-article-number-45"), text("45"), key("S26")),
        (text("claim"), iri("claim/seed001-exit-entry-law-2012"), None, key("S72")),
        (text("claim"), iri("claim/seed001-no-screening-process"), None, key("S72")),
        (text("un-finding"), CAT_CO5_46, None, key("S27")),
        (text("un-finding"), CAT_CO5_46, None, key("S28")),
        (text("un-finding"), iri("finding/unhcr-china-no-asylum-law"), None, key("S70")),
    }


def test_cq9_bilateral_instruments_invoked_as_the_basis_for_returns():
    rows = run_query("bilateral-return-agreements", state=CHN.value, counterpart=PRK.value)
    assert rows.project("agreement", "date", "claim", "claimSourceKey") == {
        (iri("instrument/border-protocol-1964"), date("1964-06-09"), None, None),
        (iri("instrument/border-protocol-1986"), date("1986-08-12"), iri("claim/hrw-2024-basis-1986"), key("S45")),
        (iri("instrument/border-protocol-1986"), date("1986-08-12"), iri("claim/seed000-basis-1986"), key("S71")),
        (iri("instrument/border-protocol-1986"), date("1986-08-12"), iri("claim/seed001-basis-1986"), key("S72")),
        (iri("instrument/border-agreement-1998"), month("1998-07"), iri("claim/cecc-2017-basis-1998"), key("S65")),
        (iri("instrument/border-agreement-2004"), month("2004-06"), None, None),
    }
    assert {d for (d,) in rows.project("disagreement") if d is not None} == {iri("disagreement/D9")}
    assert all(p is not None for (p,) in rows.project("provides"))


def test_cq10_sources_of_the_october_2023_return_and_who_confirmed_it():
    rows = run_query("october-2023-return-sources", incident=ID + "inc/2023-10-09")
    assert rows.project("role", "report", "by") == {
        (text("count"), iri("count/2023-10-09-hrw"), iri("org/hrw")),
        (text("count"), iri("count/2023-10-09-idea"), iri("org/idea")),
        (text("count"), iri("count/2023-10-09-jfnk"), iri("org/jfnk")),
        (text("count"), iri("count/2023-10-09-tjwg"), iri("org/tjwg")),
        (text("count"), iri("count/2023-10-09-hrf"), iri("org/hrf")),
        (text("count"), iri("count/2023-10-09-korea-herald"), iri("org/korea-herald")),
        (text("count"), iri("count/2023-10-09-rok-mou"), iri("org/rok-ministry-of-unification")),
        (text("count"), iri("count/2023-10-09-un-experts"), iri("org/un-special-procedures")),
        # The ROK confirmed "a large number" on 13 Oct 2023; China did not confirm (12 Oct 2023).
        (text("acknowledges"), iri("position/KOR-2023-10-13-ministry-of-unification"), KOR),
        (text("contests"), iri("position/CHN-2023-10-12-wang-wenbin"), CHN),
    }
    assert (text("acknowledges"), date("2023-10-13"), None) in rows.project("role", "date", "people")


def test_cq11_what_happened_to_returnees_according_to_un_bodies():
    rows = run_query("returnee-treatment-per-un-bodies", state=PRK.value)
    assert rows.project("finding", "body", "treatment", "people") == {
        (COI_RETURNEES, iri("org/coi-dprk"), None, None),
        (CAT_CO5_46, iri("org/committee-against-torture"), None, None),
        (EXPERTS_2023, iri("org/un-special-procedures"), None, None),
        (EXPERTS_2024, iri("org/un-special-procedures"), CHONGJIN, integer(11)),
    }
    assert (EXPERTS_2024, month("2024-08"), text("Chongjin, North Hamgyong")) in rows.project(
        "finding", "treatmentDate", "place"
    )


def test_cq12_treaty_body_reviews_of_china_on_north_koreans():
    rows = run_query("treaty-body-reviews-on-north-koreans", state=CHN.value, destination=PRK.value)
    assert rows.project("statement", "symbol", "paragraph", "date", "status") == {
        (CAT_CO5_46, text("CAT/C/CHN/CO/5"), text("46"), date("2016-02-03"), None),
        (
            iri("recommendation/cat-2016-co5-para-47"),
            text("CAT/C/CHN/CO/5"),
            text("47"),
            date("2016-02-03"),
            text("partly-verified"),
        ),
        # The 2015 question on the 29 returned in August 2014 (partly verified: the CAT cycle is inferred).
        (iri("recommendation/cat-2015-query-29-returnees"), None, None, year("2015"), text("partly-verified")),
    }


def test_cq13_seed_claims_that_are_unverified_or_wrong():
    rows = run_query("seed-claims-unverified-or-wrong")
    assert rows.project("claim", "status", "seedKey") == {
        (iri("claim/seed000-signatory"), text("wrong"), key("S71")),
        (iri("claim/seed001-signatory"), text("wrong"), key("S72")),
        (iri("claim/seed000-table-660-416"), text("conflicting"), key("S71")),
        (iri("claim/seed001-unhcr-2004-persons-of-concern"), text("unverified"), key("S72")),
        (iri("claim/seed000-kim-ji-hyun"), text("unverified"), key("S71")),
        (iri("claim/seed000-2025-surge-report"), text("unverified"), key("S71")),
        (iri("claim/seed000-no-response"), text("unverified"), key("S71")),
        # Contradicted by another source (facts.md 5.3: [C]): the 1986 legal basis (D9) and Art. 46 (D8).
        (iri("claim/seed000-basis-1986"), text("conflicting"), key("S71")),
        (iri("claim/seed001-basis-1986"), text("conflicting"), key("S72")),
        (iri("claim/eel-refugee-article-number-46"), text("conflicting"), key("S72")),
    }


def test_cq14_china_bound_by_cat_art_3_but_not_by_iccpr_art_7():
    rows = run_query("bound-by-cat-not-iccpr", state=CHN.value, obligation=CAT_3.value, other=ICCPR_7.value)
    assert rows.project("from", "until", "return") == {(date("1988-11-03"), None, r) for r in CHINA_RETURNS}


def test_cq14_period_ends_when_the_other_obligation_binds():
    rows = run_query("bound-by-cat-not-iccpr", obligation=PROTOCOL_I.value, other=CONVENTION_33.value)
    assert rows.project("from", "until", "return") == {(date("1982-09-24"), date("1982-12-23"), None)}


def test_cq15_resolutions_after_october_2023_calling_for_non_refoulement():
    rows = run_query("resolutions-calling-for-non-refoulement", **{"from": "2023-10-01"}, state=PRK.value)
    assert rows.project("resolution", "body", "date", "symbol") == {
        (iri("recommendation/unga-2023-dprk-resolution"), iri("org/general-assembly"), date("2023-12-19"), None),
        (
            iri("recommendation/hrc-res-55-21"),
            iri("org/human-rights-council"),
            date("2024-04-04"),
            text("A/HRC/RES/55/21"),
        ),
    }


def test_cq16_claims_resting_on_a_single_pseudonymous_informant():
    rows = run_query("claims-resting-on-single-informant")
    assert rows.project("claim", "informant", "people") == {
        (iri(c), iri("informant/stephen-kim"), integer(n))
        for c, n in (
            ("count/2024-apprehensions-92-hrw", 92),
            ("agg/hrw-2025-406", 406),
            ("count/2024-01-helong-workers-hrw", 108),
            ("count/2024-trafficked-women-hrw", 212),
            ("count/2024-women-270-hrw", 270),
            ("count/2025-09-women-28-hrw", 28),
        )
    }


def test_cq17_rok_participation_for_comparison():
    rows = run_query("rok-participation-comparison", state=KOR.value, other=CHN.value)
    assert rows.project("item", "means", "actionDate", "inForce") == {
        (iri("participation/KOR-refugee-convention-1951-accession"), text("accession"), month("1992-12"), None),
        (iri("participation/KOR-refugee-protocol-1967-accession"), text("accession"), month("1992-12"), None),
        (iri("participation/KOR-cat-1984-ratification"), text("ratification"), date("1995-01-09"), date("1995-02-08")),
        (iri("instrument/rok-refugee-act"), None, None, date("2013-07-01")),
    }
    assert (iri("participation/KOR-cat-1984-ratification"), date("1988-11-03")) in rows.project("item", "otherInForce")


# -- daily queries -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("on", "expected"),
    [
        ("1982-10-01", {(PROTOCOL_I, date("1982-09-24"))}),
        (
            "2000-01-01",
            {
                (PROTOCOL_I, date("1982-09-24")),
                (CONVENTION_33, date("1982-12-23")),
                (CONVENTION_35, date("1982-12-23")),
                (CAT_3, date("1988-11-03")),
            },
        ),
        (
            "2013-07-01",
            {
                (PROTOCOL_I, date("1982-09-24")),
                (CONVENTION_33, date("1982-12-23")),
                (CONVENTION_35, date("1982-12-23")),
                (CAT_3, date("1988-11-03")),
                (EEL_DOCUMENTS, date("2013-07-01")),
            },
        ),
    ],
)
def test_obligations_of_state_at_date(on, expected):
    rows = run_query("obligations-of-state-at-date", state=CHN.value, date=on)
    assert rows.project("obligation", "since") == expected


def test_incidents_in_period_with_every_source_count():
    rows = run_query("incidents-in-period", **{"from": "2024-01-01", "to": "2024-12-31"})
    assert rows.project("incident", "count", "people", "sourceKey") == {
        (iri("inc/2024-01-helong-workers"), iri("count/2024-01-helong-workers-hrw"), integer(108), key("S47")),
        (iri("inc/2024-01-helong-workers"), iri("count/2024-01-helong-workers-wikipedia"), integer(100), key("S60")),
        (iri("inc/2024-apprehensions-92"), iri("count/2024-apprehensions-92-hrw"), integer(92), key("S45")),
        (iri("inc/2024-04-26"), iri("count/2024-04-26-hrw"), integer(60), key("S45")),
        (iri("inc/2024-trafficked-women"), iri("count/2024-trafficked-women-hrw"), integer(212), key("S47")),
        (iri("inc/2024-women-270"), iri("count/2024-women-270-hrw"), integer(270), key("S48")),
        (CHONGJIN, iri("count/2023-10-09-chongjin-executions-un-experts"), integer(11), key("S34")),
    }


def test_incidents_in_period_compares_at_the_precision_of_each_date():
    rows = run_query("incidents-in-period", **{"from": "2014-08-15", "to": "2021-07-13"})
    # "2014-08" overlaps the period; 14 July 2021 is after it.
    assert rows.project("incident", "count") == {
        (iri("inc/2014-08-group-29"), iri("count/2014-08-group-29-amnesty")),
        (iri("inc/2014-08-group-29"), iri("count/2014-08-group-29-upi")),
    }


def test_sources_of_fact():
    rows = run_query("sources-of-fact", node=ID + "participation/CHN-refugee-convention-1951-accession")
    assert rows.project("role", "via", "sourceKey") == {
        (text("asserted"), None, key("S1")),
        (text("asserted"), None, key("S38")),
        (text("asserted"), None, key("S15")),
        (text("asserted"), None, key("S16")),
        (text("claim"), iri("claim/D1-hrf-signatory"), key("S51")),
        (text("claim"), iri("claim/D1-unhcr-2003-signatory"), key("S36")),
        (text("claim"), iri("claim/D1-unhcr-china-ratified"), key("S70")),
        (text("claim"), iri("claim/D1-untc-accession"), key("S1")),
        (text("claim"), iri("claim/D1-untc-accession"), key("S3")),
    }
    binding = run_query("sources-of-fact", node=CAT_3.value + "/bound/CHN")
    assert binding.project("role", "via", "sourceKey") == {
        (text("basis"), iri("participation/CHN-cat-1984-ratification"), key(k)) for k in ("S13", "S14", "S86")
    }


def test_disagreements_one_row_per_side_with_its_source():
    rows = run_query("disagreements")
    assert {d for (d,) in rows.project("disagreement")} == {iri(f"disagreement/D{n}") for n in range(1, 21)}
    d10 = {(s, k) for d, s, k in rows.project("disagreement", "side", "sourceKey") if d == iri("disagreement/D10")}
    assert d10 == {
        (iri("count/2023-10-09-hrw"), key("S45")),
        (iri("count/2023-10-09-idea"), key("S50")),
        (iri("count/2023-10-09-jfnk"), key("S52")),
        (iri("count/2023-10-09-jfnk"), key("S69")),
        (iri("count/2023-10-09-tjwg"), key("S53")),
        (iri("count/2023-10-09-hrf"), key("S51")),
        (iri("count/2023-10-09-korea-herald"), key("S52")),
        (iri("count/2023-10-09-rok-mou"), key("S52")),
        (iri("claim/2023-10-09-women-share-hrf"), key("S51")),
        (iri("claim/2023-10-09-women-share-tjwg"), key("S53")),
    }
    d4 = {(s, v) for d, s, v in rows.project("disagreement", "side", "claimedValue") if d == iri("disagreement/D4")}
    assert d4 == {
        (iri("claim/D4-art-VIII-2-1982-09-24"), date("1982-09-24")),
        (iri("claim/D4-list-1982-12-23"), date("1982-12-23")),
    }


def test_unverified_claims_and_who_makes_them():
    rows = run_query("unverified-claims")
    assert rows.project("claim", "sourceKey", "publisher") == {
        (iri("claim/seed001-unhcr-2004-persons-of-concern"), key("S72"), iri("org/global-human-rights-defence")),
        (iri("claim/seed000-kim-ji-hyun"), key("S71"), iri("org/unnamed-news-site")),
        (iri("claim/seed000-2025-surge-report"), key("S71"), iri("org/unnamed-news-site")),
        (iri("claim/seed000-no-response"), key("S71"), iri("org/unnamed-news-site")),
    }


def test_participation_timeline_of_china():
    rows = run_query("participation-timeline", state=CHN.value)
    conv = iri("participation/CHN-refugee-convention-1951-accession")
    prot = iri("participation/CHN-refugee-protocol-1967-accession")
    cat_sig = iri("participation/CHN-cat-1984-signature")
    cat_rat = iri("participation/CHN-cat-1984-ratification")
    assert rows.project("date", "kind", "participation") == {
        (date("1982-08-23"), text("domestic-approval"), conv),
        (date("1982-08-23"), text("domestic-approval"), prot),
        (date("1982-09-24"), text("accession"), conv),
        (date("1982-09-24"), text("accession"), prot),
        (date("1982-09-24"), text("entry-into-force"), prot),
        (date("1982-12-23"), text("entry-into-force"), conv),
        (year("1986"), text("signature"), cat_sig),
        (date("1988-09-05"), text("domestic-approval"), cat_rat),
        (date("1988-10-04"), text("ratification"), cat_rat),
        (date("1988-11-03"), text("entry-into-force"), cat_rat),
        (date("1998-10-05"), text("signature"), iri("participation/CHN-iccpr-1966-signature")),
    }


def test_recommendations_and_what_followed_them():
    rows = run_query("recommendations-and-follow-up", state=CHN.value)
    upr_kor = {
        (k, f, t)
        for r, k, f, t in rows.project("recommendation", "kind", "followUp", "responseType")
        if r == iri("recommendation/upr-2024-kor")
    }
    assert upr_kor == {
        (text("response"), iri("response/CHN-2024-07-upr-kor"), text("rejected")),
        (text("position"), iri("position/CHN-2024-07-upr"), None),
        # "2024-01" (Helong) and "2024" (trafficked women) cannot be placed after 23 Jan 2024.
        (text("later-return"), iri("inc/2024-04-26"), None),
        (text("later-return"), iri("inc/2025-09-women-28"), None),
    }
    resolutions = run_query("recommendations-and-follow-up", state=PRK.value)
    assert resolutions.project("recommendation", "kind") == {
        (iri("recommendation/unga-2023-dprk-resolution"), None),
        (iri("recommendation/hrc-res-55-21"), None),
    }
