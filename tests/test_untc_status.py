"""A treaty status table in UNTC's layout: names matched to ISO codes, dates and marks read as UNTC prints them,
and each State's entry into force computed by the treaty's rule (see tests/data/untc/README.md for the source).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run, store_digest

from kgtool.data.cells import RowError
from kgtool.data.untc import parse_untc_date, participant_code

STATUS = Path(__file__).resolve().parent / "data" / "untc" / "cat-1984-status.csv"
SOURCE = [
    "--source", "http://treaties.fco.gov.uk/treaties/treatyrecord.htm?tid=3264",
    "--source-title", "Treaty Record: Convention against Torture and Other Cruel, Inhuman or Degrading Treatment "
    "or Punishment",
    "--source-publisher", "Foreign and Commonwealth Office Treaty Section",
]  # fmt: skip
#: The record's Action Date and Effective Date of each consent to be bound (CAT Art. 27(1): 26 June 1987 for the
#: first twenty; Art. 27(2): the thirtieth day after a later deposit).
BUNDLED = {"CHN", "CZE", "KOR", "LAO", "PRK"}
EFFECTIVE = {
    "AFG": ("ratification", "1987-04-01", "1987-06-26"),
    "ALB": ("accession", "1994-05-11", "1994-06-10"),
    "DZA": ("ratification", "1989-09-12", "1989-10-12"),
    "AND": ("ratification", "2006-09-22", "2006-10-22"),
    "ATG": ("accession", "1993-07-19", "1993-08-18"),
    "ARG": ("ratification", "1986-09-24", "1987-06-26"),
    "ARM": ("accession", "1993-09-13", "1993-10-13"),
    "AUS": ("ratification", "1989-08-08", "1989-09-07"),
    "AUT": ("ratification", "1987-07-29", "1987-08-28"),
}


def select(store: Path, query: str) -> list[tuple[str, ...]]:
    path = store.parent / "query.rq"
    path.write_text("PREFIX kgo: <https://w3id.org/kgtool/ontology#>\n" + query, encoding="utf-8")
    result = run("query", str(path), "--store", str(store), "--format", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    names = document["head"]["vars"]
    rows = [tuple(b.get(n, {}).get("value", "") for n in names) for b in document["results"]["bindings"]]
    return sorted(row for row in rows if row[0] not in BUNDLED)  # the bundled graph's own States


@pytest.fixture(scope="module")
def status_store(tmp_path_factory) -> Path:
    store = tmp_path_factory.mktemp("untc") / "store"
    result = run("import", str(STATUS), "--instrument", "cat-1984", *SOURCE, "--store", str(store))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""  # no row differs from the rule: the table gives no effective dates
    return store


def test_each_states_entry_into_force_follows_the_treatys_rule(status_store):
    rows = select(
        status_store,
        "SELECT ?code ?means ?date ?eif WHERE { ?p kgo:instrument <https://w3id.org/kgtool/id/instrument/cat-1984> ; "
        "kgo:participant/kgo:iso3166Alpha3 ?code ; kgo:meansOfConsent/<http://www.w3.org/2004/02/skos/core#notation> "
        "?means ; kgo:actionDate ?date ; kgo:entryIntoForceForState ?eif }",
    )
    assert rows == sorted((code, *values) for code, values in EFFECTIVE.items())


def test_signatures_are_recorded_and_bind_nothing(status_store):
    rows = select(
        status_store,
        "SELECT ?code ?date WHERE { ?p kgo:instrument <https://w3id.org/kgtool/id/instrument/cat-1984> ; "
        "kgo:meansOfConsent <https://w3id.org/kgtool/id/concept/participation-action/signature> ; "
        "kgo:participant/kgo:iso3166Alpha3 ?code ; kgo:actionDate ?date . FILTER NOT EXISTS { ?p "
        "kgo:entryIntoForceForState ?eif } }",
    )
    assert rows == [
        ("AFG", "1985-02-04"),
        ("AGO", "2013-09-24"),
        ("AND", "2002-08-05"),
        ("ARG", "1985-02-04"),
        ("AUS", "1985-12-10"),
        ("AUT", "1985-03-14"),
        ("DZA", "1985-11-26"),
    ]


def test_the_parties_are_bound_by_cat_art_3_1_from_their_entry_into_force(status_store):
    rows = select(
        status_store,
        "SELECT ?code ?since WHERE { ?b kgo:boundObligation <https://w3id.org/kgtool/id/obligation/cat-1984-art-3-1> ;"
        " kgo:boundState/kgo:iso3166Alpha3 ?code ; kgo:boundSince ?since . }",
    )
    assert rows == sorted((code, eif) for code, (_means, _date, eif) in EFFECTIVE.items())


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("China3", "CHN"),
        ("Bolivia (Plurinational State of)", "BOL"),
        ("Iran (Islamic Republic of)5", "IRN"),
        ("Republic of Korea", "KOR"),
        ("Democratic People's Republic of Korea", "PRK"),
        ("State of Palestine", "PSE"),
        ("Türkiye", "TUR"),
        ("Czechia", "CZE"),
        ("Netherlands (Kingdom of the)7, 8", "NLD"),
        ("United Kingdom of Great Britain and Northern Ireland", "GBR"),
        ("Holy See", "VAT"),
        ("Yugoslavia", "YUG"),
    ],
)
def test_un_short_names_match_iso_codes_with_footnote_numbers_ignored(name, code):
    assert participant_code(name) == code


def test_an_unknown_name_is_a_row_error_listing_the_nearest_names(tmp_path, status_store):
    path = tmp_path / "status.csv"
    path.write_text(
        'Participant,Signature,"Ratification, Accession(a), Succession(d)"\nBelgium,4 Feb 1985,25 Jun 1999\n'
        "Narnia2,,1 Jan 2000 a\n",
        encoding="utf-8",
    )
    before = store_digest(status_store)
    result = run("import", str(path), "--instrument", "cat-1984", *SOURCE, "--store", str(status_store))
    assert (result.exit_code, result.stderr) == (
        2,
        f"kgtool: error: {path}:3: column 'Participant': unknown State 'Narnia' (nearest known names: "
        "Armenia, Argentina, Mauritania)\n",
    )
    assert store_digest(status_store) == before


@pytest.mark.parametrize(
    ("text", "expected"),
    [("24 Sep 1982 a", ("1982-09-24", "a")), ("4 Oct 1988", ("1988-10-04", "")), ("12 Mar 1993 d", ("1993-03-12", "d")),
     ("1\u00a0Jan\u00a02000 AA", ("2000-01-01", "AA"))],
)  # fmt: skip
def test_untc_dates_and_marks(text, expected):
    assert parse_untc_date(text, "Signature") == expected


def test_a_bad_untc_date_names_the_column():
    with pytest.raises(RowError) as error:
        parse_untc_date("31 Feb 1990", "Signature")
    assert str(error.value) == "column 'Signature': bad UNTC date '31 Feb 1990' (no such day)"


def test_a_status_table_needs_the_instrument(tmp_path):
    result = run("import", str(STATUS), *SOURCE, "--store", str(tmp_path / "store"))
    assert (result.exit_code, result.stderr) == (
        2,
        f"kgtool: error: {STATUS}: a treaty-status table needs --instrument SLUG (the treaty it is the status of)\n",
    )


PROTOCOL_STATUS = STATUS.parent / "refugee-protocol-1967-status.csv"
PROTOCOL_SOURCE = [
    "--source", "https://treaties.un.org/pages/ShowMTDSGDetails.aspx?src=UNTSONLINE&tabid=2&mtdsg_no=V-5&chapter=5&lang=en",
    "--source-title", "Protocol relating to the Status of Refugees: status", "--source-publisher", "United Nations",
    "--source-date", "2024-03-19",
]  # fmt: skip


def test_a_real_untc_status_page_gives_each_states_entry_into_force_by_art_viii(tmp_path):
    """Art. VIII(2): on the date of deposit, but never before the Protocol's own entry into force (4 Oct 1967)."""
    store = tmp_path / "store"
    args = ["import", str(PROTOCOL_STATUS), "--instrument", "refugee-protocol-1967", *PROTOCOL_SOURCE]
    result = run(*args, "--store", str(store))
    assert result.exit_code == 0, result.stderr
    rows = select(
        store,
        "SELECT ?code ?means ?date ?eif WHERE { ?p kgo:instrument "
        "<https://w3id.org/kgtool/id/instrument/refugee-protocol-1967> ; kgo:participant/kgo:iso3166Alpha3 ?code ; "
        "kgo:meansOfConsent/<http://www.w3.org/2004/02/skos/core#notation> ?means ; kgo:actionDate ?date . "
        "OPTIONAL { ?p kgo:entryIntoForceForState ?eif } }",
    )
    assert len(rows) == 28
    by_code = {code: (means, date, eif) for code, means, date, eif in rows}
    assert by_code["CMR"] == ("accession", "1967-09-19", "1967-10-04")  # deposited before the Protocol was in force
    assert by_code["CAF"] == ("accession", "1967-08-30", "1967-10-04")
    assert by_code["DZA"] == ("accession", "1967-11-08", "1967-11-08")
    assert by_code["AUS"] == ("accession", "1973-12-13", "1973-12-13")  # "Australia 3, 4": footnotes ignored
    assert by_code["BOL"] == ("accession", "1982-02-09", "1982-02-09")
    assert by_code["BIH"] == ("succession", "1993-09-01", "")  # no date of the succession of States
    assert all(eif == max(date, "1967-10-04") for means, date, eif in by_code.values() if means == "accession")
    unknown = select(
        store,
        "SELECT ?code WHERE { ?b kgo:boundSinceUnknown true ; kgo:boundState/kgo:iso3166Alpha3 ?code ; "
        "kgo:boundObligation <https://w3id.org/kgtool/id/obligation/refugee-protocol-1967-art-I-1-non-refoulement> }",
    )
    assert unknown == [("BIH",)]
