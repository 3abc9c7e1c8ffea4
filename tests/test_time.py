"""Obligations in time: bindings that end, reservations withdrawn, provisions that change, reports that fall due.

The real cases come from examples/ (each file row names its source; see the examples' READMEs): the American
Convention on Human Rights denounced by Venezuela (notified 10 Sep 2012, effective 10 Sep 2013) and by Trinidad
and Tobago (notified 26 May 1998, effective 26 May 1999); the DPRK's 1997 notification of withdrawal from the
ICCPR, which has no denunciation clause (bundled graph); China's and the Republic of Korea's reports to the
Committee against Torture (CAT Art. 19(1)).
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pyshacl
import pytest
import rdflib
from conftest import BASE_WORLD, ROOT, forced_return, participation, run, run_json
from rdflib.namespace import RDF, SH

from kgtool.compliance.rules import bind_as_of, derive_bindings, evaluate_rules
from kgtool.data.loading import StoreSource, open_store
from kgtool.resources import rule_files, shape_file
from kgtool.store import DERIVED_GRAPH
from kgtool.web.dossier import build_dossiers

ACHR = ROOT / "examples" / "achr-denunciation"
CAT_REPORTING = ROOT / "examples" / "cat-reporting"
ID = "https://w3id.org/kgtool/id/"
ACHR_22_8 = ID + "obligation/achr-1969-art-22-8"
CAT_19_1 = ID + "obligation/cat-1984-art-19-1"


def _imported(directory: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp(directory.name) / "store"
    result = run(
        "import", *sorted(str(p) for p in directory.iterdir() if p.suffix in (".csv", ".ttl")), "--store", str(store)
    )
    assert result.exit_code == 0, result.stderr
    return store


@pytest.fixture(scope="module")
def achr_store(tmp_path_factory) -> Path:
    return _imported(ACHR, tmp_path_factory)


@pytest.fixture(scope="module")
def reporting_store(tmp_path_factory) -> Path:
    return _imported(CAT_REPORTING, tmp_path_factory)


def _findings(store: Path, as_of: str, state: str | None = None) -> list[dict]:
    args = ["check", "--store", str(store), "--as-of", as_of] + (["--state", state] if state else [])
    code, document = run_json(*args)
    assert code == 0, document["quality"]
    return document["findings"]


def _finding(store: Path, as_of: str, state: str, obligation: str) -> dict | None:
    found = [f for f in _findings(store, as_of, state) if f["obligation"]["iri"] == obligation]
    assert len(found) <= 1
    return found[0] if found else None


def _evidence(finding: dict, role: str) -> list[tuple[str, str | None, str | None]]:
    return [(e["iri"].rsplit("/", 1)[-1], e["date"], e["end_date"]) for e in finding["evidence"] if e["role"] == role]


# -- a denunciation that took effect ---------------------------------------------------------------------------
def test_venezuela_denunciation_ends_the_binding_a_year_after_notification(achr_store):
    finding = _finding(achr_store, "2026-12-01", "VEN", ACHR_22_8)
    assert finding is not None
    assert (finding["bound_since"], finding["bound_until"]) == ("1978-07-18", "2013-09-10")
    ended_by = finding["basis"]["ended_by"]
    assert (ended_by["iri"], ended_by["means"], ended_by["date"], ended_by["effective"]) == (
        ID + "participation/VEN-achr-1969-denunciation",
        "denunciation",
        "2012-09-10",
        "2013-09-10",
    )
    # The 2011 return, before the effect, counts; the 2015 deportations, after it, do not (Art. 78(2)).
    assert _evidence(finding, "breach") == [("2011-04-25-ven-col-perez-becerra", "2011-04-25", None)]
    assert finding["first_breach"]["date"] == "2011-04-25"
    assert _evidence(finding, "risk") == [("ohchr-a-hrc-16-22-colombia-2010", "2011-02", None)]


def test_trinidad_and_tobago_return_after_its_denunciation_took_effect_is_no_finding(achr_store):
    # 82 Venezuelans deported on 21 April 2018, with UNHCR's March 2018 finding of a risk in Venezuela: but the
    # Convention ceased to bind Trinidad and Tobago on 26 May 1999.
    assert _findings(achr_store, "2026-12-01", "TTO") == []
    code, document = run_json(
        "query", "obligations-binding-state", "--param", f"state=<{ID}state/TTO>", "--store", str(achr_store)
    )
    assert code == 0
    rows = {
        (b["obligation"]["value"], b["since"]["value"], b.get("until", {}).get("value"))
        for b in document["results"]["bindings"]
    }
    assert rows == {(ACHR_22_8, "1991-05-28", "1999-05-26")}


def test_the_return_after_venezuelas_denunciation_counted_had_the_binding_lasted(achr_store, tmp_path):
    # The same data with the denunciation's effect removed: the 2015 deportations become a breach too, so the
    # binding's end, not something else, keeps them out.
    with open_store((), StoreSource(location=achr_store)) as store:
        copy = store.working_copy()
    denunciation = f"<{ID}participation/VEN-achr-1969-denunciation>"
    copy.update(f"DELETE WHERE {{ GRAPH ?g {{ {denunciation} <https://w3id.org/kgtool/ontology#takesEffectOn> ?d }} }}")
    derive_bindings(copy)
    hits = {h.value.rsplit("/", 1)[-1] for h in evaluate_rules(copy, datetime.date(2026, 12, 1)) if h.role == "breach"}
    assert {"2011-04-25-ven-col-perez-becerra", "2015-08-ven-col-deportations"} <= hits


# -- a withdrawal from an instrument without a denunciation clause ---------------------------------------------
def test_the_dprk_notification_of_withdrawal_leaves_its_iccpr_bindings_open(bundled_check):
    findings = [f for f in bundled_check["findings"] if f["state"] == "PRK"]
    assert {f["obligation"]["iri"].rsplit("/", 1)[-1] for f in findings} == {"iccpr-1966-art-7", "iccpr-1966-art-12-2"}
    for finding in findings:
        assert finding["bound_until"] is None
        assert finding["basis"]["ended_by"] is None
        void = finding["basis"]["without_effect"]
        assert (void["iri"], void["means"], void["date"], void["position"]) == (
            ID + "participation/PRK-iccpr-1966-withdrawal",
            "withdrawal",
            "1997-08",
            ID + "position/PRK-1997-08-iccpr-withdrawal",
        )
    text = run("check", "--state", "PRK").stdout
    assert (
        "  withdrawal    notified 1997-08: ends nothing, the instrument has no denunciation clause [S19, S20]" in text
    )
    assert "bound until" not in text


def test_a_withdrawal_imported_for_an_instrument_without_a_clause_is_a_position(tmp_path):
    (tmp_path / "instruments.csv").write_text(
        "slug,title,kind,entry_into_force,eif_delay,denunciation_delay,source_url,source_title,source_publisher\n"
        "covenant-x,Covenant X,multilateral-treaty,1976-03-23,P3M,none,https://example.org/x,X,Example\n",
        encoding="utf-8",
    )
    (tmp_path / "participation.csv").write_text(
        "state,instrument,action,date,source_url,source_title,source_publisher\n"
        "FRA,covenant-x,accession,1980-01-04,https://example.org/x,X,Example\n"
        "FRA,covenant-x,withdrawal,1997-08-25,https://example.org/x,X,Example\n",
        encoding="utf-8",
    )
    store = tmp_path / "store"
    result = run(
        "import", str(tmp_path / "instruments.csv"), str(tmp_path / "participation.csv"), "--store", str(store)
    )
    assert result.exit_code == 0, result.stderr
    assert result.stderr == (
        f"{tmp_path / 'participation.csv'}:3: warning: column 'action': covenant-x has no denunciation clause, so "
        "this withdrawal ends no binding; it is recorded as the State's position\n"
    )
    with open_store((), StoreSource(location=store)) as opened:
        rows = opened.select_values(
            "PREFIX kgo: <https://w3id.org/kgtool/ontology#> SELECT ?p ?summary WHERE { "
            f"<{ID}participation/FRA-covenant-x-withdrawal> kgo:withoutEffect true ; kgo:expressesPosition ?p . "
            "?p a kgo:StatePosition ; kgo:heldBy ?state ; kgo:summary ?summary }"
        )
        assert [r["p"] for r in rows] == [ID + "position/FRA-covenant-x-withdrawal"]
        assert not opened.select_values(
            "PREFIX kgo: <https://w3id.org/kgtool/ontology#> SELECT ?b WHERE { ?b kgo:boundUntil ?u }"
        )


def test_an_effective_date_for_a_withdrawal_without_a_clause_is_refused(tmp_path):
    (tmp_path / "participation.csv").write_text(
        "state,instrument,action,date,effective_date,source_url,source_title,source_publisher\n"
        "FRA,iccpr-1966,withdrawal,1997-08-25,1997-11-25,https://example.org/x,X,Example\n",
        encoding="utf-8",
    )
    store = tmp_path / "store"
    result = run("import", str(tmp_path / "participation.csv"), "--store", str(store))
    assert result.exit_code == 2
    assert result.stderr == (
        f"kgtool: error: {tmp_path / 'participation.csv'}:2: column 'effective_date': iccpr-1966 has no denunciation "
        "clause: a withdrawal takes no effect, so it has no effective_date\n"
    )


# -- check --as-of --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("as_of", "until"),
    [("2013-09-09", None), ("2013-09-10", "2013-09-10"), ("2013-09-11", "2013-09-10")],
)
def test_as_of_around_the_day_the_denunciation_took_effect(achr_store, as_of, until):
    finding = _finding(achr_store, as_of, "VEN", ACHR_22_8)
    assert finding["bound_until"] == until
    assert (finding["basis"]["ended_by"] or {}).get("effective") == until


@pytest.mark.parametrize(("as_of", "breaches"), [("2011-04-24", None), ("2011-04-25", 1), ("2011-04-26", 1)])
def test_as_of_around_the_day_of_the_return(achr_store, as_of, breaches):
    finding = _finding(achr_store, as_of, "VEN", ACHR_22_8)
    assert (None if finding is None else len(_evidence(finding, "breach"))) == breaches


def test_as_of_before_the_denunciation_was_notified_shows_no_end(achr_store):
    finding = _finding(achr_store, "2012-09-09", "VEN", ACHR_22_8)
    assert (finding["bound_until"], finding["basis"]["ended_by"]) == (None, None)


def test_as_of_must_be_a_day():
    result = run("check", "--as-of", "2013-09")
    assert result.exit_code == 2
    assert "Invalid value for '--as-of': '2013-09' is not a day in ISO 8601 form (YYYY-MM-DD, e.g. 2013-09-10)" in (
        result.stderr
    )


def test_report_as_of_leaves_out_what_came_later(achr_store):
    with open_store((), StoreSource(location=achr_store)) as store:
        data = build_dossiers(store.working_copy(), "VEN", as_of=datetime.date(2012, 1, 1))
    dossier = data["dossiers"][0]
    assert [i["iri"].rsplit("/", 1)[-1] for i in dossier["incidents"]] == ["2011-04-25-ven-col-perez-becerra"]
    assert {(o["iri"], o["bound_until"]) for o in dossier["obligations"] if o["iri"] == ACHR_22_8} == {
        (ACHR_22_8, None)
    }
    html = run("report", "--store", str(achr_store), "--state", "VEN", "--as-of", "2012-01-01", "-o", "-").stdout
    assert "2015-08-ven-col-deportations" not in html and "2011-04-25-ven-col-perez-becerra" in html
    assert "until <time" not in html
    today = run("report", "--store", str(achr_store), "--state", "VEN", "--as-of", "2026-12-01", "-o", "-").stdout
    assert 'until <time datetime="2013-09-10">2013-09-10</time> (denunciation notified 2012-09-10)' in today


# -- periodic reports -----------------------------------------------------------------------------------------
def test_chinas_late_and_overdue_cat_reports_are_one_finding_since_the_first_due_date(reporting_store):
    finding = _finding(reporting_store, "2026-12-01", "CHN", CAT_19_1)
    assert finding is not None and finding["rules"] == ["periodic-reporting"]
    assert finding["first_breach"] == {
        "iri": ID + "report/CHN-cat-1984-initial",
        "kind": "periodic-report",
        "label": "CHN: initial report under cat-1984",
        "date": "1989-11-02",
        "end_date": "1989-12",
    }
    assert _evidence(finding, "breach") == [
        ("CHN-cat-1984-initial", "1989-11-02", "1989-12"),
        ("CHN-cat-1984-second", "1993-11-02", "1995-12-02"),
        ("CHN-cat-1984-third", "1997-11-02", "1999"),
        ("CHN-cat-1984-fourth", "2004", "2006-02-14"),
        ("CHN-cat-1984-fifth", "2012", "2013-06-20"),
        ("CHN-cat-1984-sixth", "2019-12", None),
    ]


def test_the_republic_of_koreas_initial_report_on_time_is_no_finding(reporting_store):
    # Due in 1996 (the UN's header), received 10 February 1996; the Committee called it "timely" (A/52/44).
    assert _finding(reporting_store, "2026-12-01", "KOR", CAT_19_1) is None


@pytest.mark.parametrize(
    ("as_of", "fifth", "sixth"),
    [
        ("2013-01-01", ("CHN-cat-1984-fifth", "2012", None), None),  # overdue, not yet submitted on that day
        ("2013-06-20", ("CHN-cat-1984-fifth", "2012", "2013-06-20"), None),
        ("2019-12-31", ("CHN-cat-1984-fifth", "2012", "2013-06-20"), None),  # December 2019 not yet over
        ("2020-01-01", ("CHN-cat-1984-fifth", "2012", "2013-06-20"), ("CHN-cat-1984-sixth", "2019-12", None)),
    ],
)
def test_reports_as_of(reporting_store, as_of, fifth, sixth):
    breaches = {e[0]: e for e in _evidence(_finding(reporting_store, as_of, "CHN", CAT_19_1), "breach")}
    assert breaches["CHN-cat-1984-fifth"] == fifth
    assert breaches.get("CHN-cat-1984-sixth") == sixth


# -- fixtures: reservations withdrawn, provisions with a validity interval -------------------------------------
RESERVATION = """
ex:reservation a kgo:Reservation ; rdfs:label "AAA reserves Art. 3"@en ; kgo:reservingState ex:AAA ;
    kgo:instrument ex:treaty ; kgo:excludesProvision ex:treaty-art-3 ; prov:wasDerivedFrom ex:source {withdrawn} .
"""


def _breaches(path: Path, as_of: str = "2026-12-01") -> tuple[str | None, set[str]]:
    code, document = run_json("check", str(path), "--as-of", as_of)
    assert code == 0, document["quality"]
    found = [f for f in document["findings"] if f["obligation"]["iri"].endswith("kgtool-test/obligation")]
    if not found:
        return None, set()
    return found[0]["bound_since"], {e["iri"].rsplit("/", 1)[-1] for e in found[0]["evidence"] if e["role"] == "breach"}


def test_a_withdrawn_reservation_binds_from_the_day_the_withdrawal_took_effect(write_graph):
    path = write_graph(
        BASE_WORLD,
        participation("1980-01-01", "1980-02-01"),
        RESERVATION.format(withdrawn='; kgo:withdrawnOn "1995-06-01"^^xsd:date'),
        forced_return("while-reserved", "1995-05-31"),
        forced_return("after-withdrawal", "1995-06-01"),
    )
    assert _breaches(path) == ("1995-06-01", {"after-withdrawal"})


def test_a_reservation_not_withdrawn_still_excludes(write_graph):
    path = write_graph(
        BASE_WORLD,
        participation("1980-01-01", "1980-02-01"),
        RESERVATION.format(withdrawn=""),
        forced_return("after", "1995-06-01"),
    )
    assert _breaches(path) == (None, set())


DOMESTIC = """
ex:law a kgo:DomesticLaw ; rdfs:label "AAA refugee law"@en ; kgo:jurisdiction ex:AAA ;
    eli:first_date_entry_in_force "2000-01-01"^^xsd:date ; prov:wasDerivedFrom ex:source .
ex:law-s-5-v1 a kgo:Provision ; rdfs:label "AAA refugee law, s. 5 (2000 text)"@en ; eli:is_part_of ex:law ;
    eli:date_no_longer_in_force "2010-01-01"^^xsd:date ; prov:wasDerivedFrom ex:source .
ex:law-s-5-v2 a kgo:Provision ; rdfs:label "AAA refugee law, s. 5 (as amended 2012)"@en ; eli:is_part_of ex:law ;
    eli:first_date_entry_in_force "2012-01-01"^^xsd:date ; prov:wasDerivedFrom ex:source .
ex:domestic-v1 a kgo:Obligation ; rdfs:label "Domestic non-refoulement (2000 text)"@en ; kgo:imposedBy ex:law-s-5-v1 ;
    kgo:obligationType obtype:non-refoulement ; kgo:protectsAgainst risk:torture .
ex:domestic-v2 a kgo:Obligation ; rdfs:label "Domestic non-refoulement (2012 text)"@en ; kgo:imposedBy ex:law-s-5-v2 ;
    kgo:obligationType obtype:non-refoulement ; kgo:protectsAgainst risk:torture .
"""


def test_a_domestic_provision_binds_within_its_validity_and_its_amendment_within_its_own(write_graph):
    path = write_graph(
        BASE_WORLD,
        DOMESTIC,
        forced_return("under-the-2000-text", "2005-03-01"),
        forced_return("between-versions", "2011-03-01"),
        forced_return("under-the-2012-text", "2013-03-01"),
    )
    code, document = run_json("check", str(path), "--as-of", "2026-12-01")
    assert code == 0
    got = {
        (f["obligation"]["iri"].rsplit("/", 1)[-1], f["bound_since"], f["bound_until"]): sorted(
            e["iri"].rsplit("/", 1)[-1] for e in f["evidence"] if e["role"] == "breach"
        )
        for f in document["findings"]
    }
    assert got == {
        ("domestic-v1", "2000-01-01", "2010-01-01"): ["under-the-2000-text"],
        ("domestic-v2", "2012-01-01", None): ["under-the-2012-text"],
    }
    text = run("check", str(path), "--as-of", "2026-12-01").stdout
    assert "  bound until   2010-01-01 (the provision ceased to apply)" in text


@pytest.mark.parametrize(
    ("kind", "header", "row", "message"),
    [
        (
            "reservations",
            "state,instrument,provision,text,withdrawn",
            "KOR,cat-1984,art-20,No Art. 20,2001-05",
            "column 'withdrawn': the withdrawal took effect on a day, not '2001-05' (give YYYY-MM-DD)",
        ),
        (
            "provisions",
            "instrument,slug,label,in_force_from",
            "exit-entry-administration-law-2012,s-99,s. 99,2013-07",
            "column 'in_force_from': a provision binds from and until a day, not '2013-07' (give YYYY-MM-DD)",
        ),
    ],
)
def test_days_where_a_binding_starts_or_ends(tmp_path, kind, header, row, message):
    path = tmp_path / f"{kind}.csv"
    path.write_text(
        f"{header},source_url,source_title,source_publisher\n{row},https://example.org/x,X,Example\n", encoding="utf-8"
    )
    result = run("import", str(path), "--store", str(tmp_path / "store"))
    assert result.exit_code == 2
    assert result.stderr == f"kgtool: error: {path}:2: {message}\n"


# -- pyshacl, the reference, on the new cases -----------------------------------------------------------------
@pytest.fixture(scope="module")
def both_examples(tmp_path_factory) -> Path:
    store = tmp_path_factory.mktemp("both") / "store"
    files = sorted(str(p) for d in (ACHR, CAT_REPORTING) for p in d.iterdir() if p.suffix in (".csv", ".ttl"))
    result = run("import", *files, "--store", str(store))
    assert result.exit_code == 0, result.stderr
    return store


@pytest.mark.parametrize("as_of", [datetime.date(2013, 1, 1), datetime.date(2026, 12, 1)])
def test_pyshacl_agrees_on_the_time_cases(both_examples, as_of):
    with open_store((), StoreSource(location=both_examples)) as store:
        copy = store.working_copy()
    # The reference derives the bindings itself from shapes/binding.ttl: give it the data without them.
    copy.drop_silently(DERIVED_GRAPH)
    data = rdflib.Graph()
    data.parse(data=copy.union_ntriples(), format="nt")
    derive_bindings(copy)
    shapes = rdflib.Graph()
    for path in (shape_file("prefixes.ttl"), shape_file("binding.ttl"), *rule_files()):
        shapes.parse(data=bind_as_of(path.read_text(encoding="utf-8"), as_of), format="turtle")
    _conforms, report, _text = pyshacl.validate(data, shacl_graph=shapes, advanced=True, inference="none")
    reference = {
        (str(report.value(r, SH.focusNode)), str(report.value(r, SH.value)))
        for r in report.subjects(RDF.type, SH.ValidationResult)
    }
    ours = {(hit.binding, hit.value) for hit in evaluate_rules(copy, as_of)}
    assert ours == reference
    # Both new cases are among them: the American Convention binding and the CAT reporting one.
    assert {b.rsplit("/bound/", 1)[0] for b, _ in ours} >= {ACHR_22_8, CAT_19_1}


def test_a_state_that_consents_again_after_a_denunciation_has_a_second_binding(write_graph):
    again = """
ex:denunciation a kgo:Participation ; rdfs:label "AAA denounces the test treaty"@en ; kgo:participant ex:AAA ;
    kgo:instrument ex:treaty ; kgo:meansOfConsent action:denunciation ; kgo:actionDate "1990-01-01"^^xsd:date ;
    kgo:takesEffectOn "1991-01-01"^^xsd:date ; prov:wasDerivedFrom ex:source .
ex:again a kgo:Participation ; rdfs:label "AAA joins the test treaty again"@en ; kgo:participant ex:AAA ;
    kgo:instrument ex:treaty ; kgo:meansOfConsent action:accession ; kgo:actionDate "2000-01-01"^^xsd:date ;
    kgo:entryIntoForceForState "2000-01-31"^^xsd:date ; prov:wasDerivedFrom ex:source .
"""
    path = write_graph(
        BASE_WORLD,
        participation("1980-01-01", "1980-02-01"),
        again,
        forced_return("first-binding", "1985-03-01"),
        forced_return("in-between", "1995-03-01"),
        forced_return("second-binding", "2005-03-01"),
    )
    code, document = run_json("check", str(path), "--as-of", "2026-12-01")
    assert code == 0, document["quality"]
    got = [
        (
            f["bound_since"],
            f["bound_until"],
            [e["iri"].rsplit("/", 1)[-1] for e in f["evidence"] if e["role"] == "breach"],
        )
        for f in document["findings"]
    ]
    assert got == [("1980-02-01", "1991-01-01", ["first-binding"]), ("2000-01-31", None, ["second-binding"])]
