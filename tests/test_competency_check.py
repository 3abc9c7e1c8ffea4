"""Competency questions 1, 2, 5 and 14 (facts.md section 7), answered by `kgtool check` and the graph."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from kgtool.compliance.rules import derive_bindings
from kgtool.data.loading import bundled_store

ID = "https://w3id.org/kgtool/id/"
CONVENTION_33 = ID + "obligation/refugee-convention-1951-art-33-1"
PROTOCOL_I = ID + "obligation/refugee-protocol-1967-art-I-1-non-refoulement"
CAT_3 = ID + "obligation/cat-1984-art-3-1"
ICCPR_7 = ID + "obligation/iccpr-1966-art-7"
ICCPR_12_2 = ID + "obligation/iccpr-1966-art-12-2"

CHINA_RETURNS = {
    ID + "inc/2013-05-28-laos-group",
    ID + "inc/2014-08-group-29",
    ID + "inc/2021-07-14",
    ID + "inc/2023-08-29",
    ID + "inc/2023-09-18",
    ID + "inc/2023-10-09",
    ID + "inc/2023-10-09/kim-cheol-ok",
    ID + "inc/2024-01-helong-workers",
    ID + "inc/2024-04-26",
    ID + "inc/2024-trafficked-women",
    ID + "inc/2025-09-women-28",
}


def _finding(document: dict[str, Any], state: str, obligation: str) -> dict[str, Any]:
    matches = [f for f in document["findings"] if f["state"] == state and f["obligation"]["iri"] == obligation]
    assert len(matches) == 1, [(f["state"], f["obligation"]["iri"]) for f in document["findings"]]
    return matches[0]


def _bindings() -> set[tuple[str, str, str]]:
    store = bundled_store()
    derive_bindings(store)
    rows = store.select(
        "PREFIX kgo: <https://w3id.org/kgtool/ontology#> "
        "SELECT ?code ?obligation ?since WHERE { ?b a kgo:Binding ; kgo:boundState/kgo:iso3166Alpha3 ?code ; "
        "kgo:boundObligation ?obligation ; kgo:boundSince ?since }"
    )
    return {(r["code"].value, r["obligation"].value, r["since"].value) for r in rows}


def test_cq1_obligations_binding_china_and_since_when():
    china = {(o, since) for code, o, since in _bindings() if code == "CHN"}
    assert china == {
        (CONVENTION_33, "1982-12-23"),
        (ID + "obligation/refugee-convention-1951-art-35", "1982-12-23"),
        (PROTOCOL_I, "1982-09-24"),
        (CAT_3, "1988-11-03"),
        (ID + "obligation/exit-entry-administration-law-2012-refugee-article", "2013-07-01"),
    }


def test_cq1_china_reservations_do_not_touch_art_33_or_art_3():
    store = bundled_store()
    rows = store.select(
        "PREFIX kgo: <https://w3id.org/kgtool/ontology#> PREFIX eli: <http://data.europa.eu/eli/ontology#> "
        "SELECT ?excluded (EXISTS { ?excluded eli:is_part_of* ?protected "
        "  VALUES ?protected { <" + ID + "instrument/refugee-convention-1951/art-33> "
        "<" + ID + "instrument/cat-1984/art-3> } } AS ?touches) "
        "WHERE { ?r a kgo:Reservation ; kgo:reservingState <" + ID + "state/CHN> ; kgo:excludesProvision ?excluded }"
    )
    excluded = {r["excluded"].value: r["touches"] for r in rows}
    assert set(excluded) == {
        ID + "instrument/refugee-convention-1951/art-14-latter-half",
        ID + "instrument/refugee-convention-1951/art-16-3",
        ID + "instrument/refugee-protocol-1967/art-IV",
        ID + "instrument/cat-1984/art-20",
        ID + "instrument/cat-1984/art-30-1",
    }
    assert set(excluded.values()) == {ox.Literal(False)}


def test_cq1_china_is_not_bound_by_the_iccpr():
    assert not {b for b in _bindings() if b[0] == "CHN" and "iccpr" in b[1]}


def test_cq1_protocol_entry_into_force_keeps_both_dates_with_sources(bundled_check):
    protocol = _finding(bundled_check, "CHN", PROTOCOL_I)
    assert protocol["bound_since"] == "1982-09-24"
    disputed = {(d["value"], tuple(s["key"] for s in d["sources"])) for d in protocol["basis"]["disputed"]}
    assert disputed == {("1982-09-24", ("S3", "S4")), ("1982-12-23", ("S16",))}


def test_cq2_binding_dates_and_first_breach_in_check(bundled_check):
    expected = {CONVENTION_33: "1982-12-23", PROTOCOL_I: "1982-09-24", CAT_3: "1988-11-03"}
    for obligation, since in expected.items():
        finding = _finding(bundled_check, "CHN", obligation)
        assert finding["bound_since"] == since
        assert finding["first_breach"]["iri"] == ID + "inc/2013-05-28-laos-group"
        assert finding["first_breach"]["date"] == "2013-05-27"
        breaches = {e["iri"] for e in finding["evidence"] if e["role"] == "breach"}
        assert breaches == CHINA_RETURNS


def test_cq2_risk_evidence_and_sources(bundled_check):
    cat = _finding(bundled_check, "CHN", CAT_3)
    risk = {e["iri"] for e in cat["evidence"] if e["role"] == "risk"}
    assert risk == {
        ID + "finding/coi-2014-treatment-of-returnees",
        ID + "finding/cat-2016-co5-para-46",
        ID + "finding/un-experts-2023-10-17",
        ID + "finding/un-experts-2024-11-executions",
    }
    convention = _finding(bundled_check, "CHN", CONVENTION_33)
    # CAT/C/CHN/CO/5 para. 46 documents a risk of torture, which Convention Art. 33 does not name.
    assert ID + "finding/cat-2016-co5-para-46" not in {e["iri"] for e in convention["evidence"]}
    coi = next(e for e in cat["evidence"] if e["iri"].endswith("coi-2014-treatment-of-returnees"))
    assert coi["symbol"] == "A/HRC/25/63" and coi["paragraph"] == "42-45"
    assert {s["key"] for s in coi["sources"]} == {"S28", "S29", "S83"}


def test_cq2_every_source_count_of_the_october_2023_return(bundled_check):
    finding = _finding(bundled_check, "CHN", CAT_3)
    october = next(e for e in finding["evidence"] if e["iri"] == ID + "inc/2023-10-09")
    counts = {(c["qualifier"], c["people"], tuple(s["key"] for s in c["sources"])) for c in october["counts"]}
    assert ("more-than", 500, ("S45",)) in counts
    assert ("far-less-than", 600, ("S52",)) in counts
    assert ("up-to", 600, ("S53",)) in counts
    assert ("unspecified", None, ("S52",)) in counts


def test_cq2_contested_by_china_position(bundled_check):
    finding = _finding(bundled_check, "CHN", CONVENTION_33)
    positions = [p["iri"] for p in finding["contested_by"]]
    assert positions == [ID + "position/CHN-2023-10-12-wang-wenbin"]
    assert finding["contested_by"][0]["sources"][0]["key"] == "S55"


def test_cq5_dprk_bound_by_none_of_the_three(bundled_check):
    dprk = {o for code, o, _ in _bindings() if code == "PRK"}
    assert dprk == {ICCPR_7, ICCPR_12_2}
    obligations = {f["obligation"]["iri"] for f in bundled_check["findings"] if f["state"] == "PRK"}
    assert obligations == {ICCPR_7, ICCPR_12_2}
    assert _finding(bundled_check, "PRK", ICCPR_7)["bound_since"] == "1981-12-14"


def test_cq14_china_bound_by_cat_art_3_but_never_by_iccpr_art_7(bundled_check):
    china = {(o, since) for code, o, since in _bindings() if code == "CHN"}
    assert (CAT_3, "1988-11-03") in china
    assert not any(o == ICCPR_7 for o, _ in china)
    cat = _finding(bundled_check, "CHN", CAT_3)
    dates = [e["date"] for e in cat["evidence"] if e["role"] == "breach"]
    assert all(date >= "1988-11-03" for date in dates)


def test_json_has_stable_keys(bundled_check):
    keys = {"state", "obligation", "instrument", "provision", "bound_since", "first_breach", "evidence"}
    for finding in bundled_check["findings"]:
        assert keys | {"contested_by"} <= set(finding)
        for item in finding["evidence"]:
            assert item["sources"], item["iri"]
    assert [(f["state"], f["bound_since"]) for f in bundled_check["findings"]] == [
        ("CHN", "1982-09-24"),
        ("CHN", "1982-12-23"),
        ("CHN", "1982-12-23"),
        ("CHN", "1988-11-03"),
        ("CHN", "2013-07-01"),
        ("PRK", "1981-12-14"),
        ("PRK", "1981-12-14"),
    ]


def test_findings_are_the_same_when_describing_queries_run_in_many_blocks(bundled_check, monkeypatch):
    # The describing queries take their nodes (or State-item pairs) in VALUES blocks of at most VALUES_LIMIT;
    # blocks of 3 split every query of the bundled graph's check into several.
    from kgtool.compliance import describe
    from kgtool.compliance.check import run_check

    monkeypatch.setattr(describe, "VALUES_LIMIT", 3)
    store = bundled_store()
    derive_bindings(store)
    assert run_check(store).findings == bundled_check["findings"]
