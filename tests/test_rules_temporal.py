"""The binding rule on small fixture graphs: entry into force for the State, and reservations."""

from __future__ import annotations

import pytest
from conftest import BASE_WORLD, forced_return, participation, run, run_json

OBLIGATION = "https://example.org/kgtool-test/obligation"


def _breaches(path) -> set[str]:
    code, document = run_json("check", str(path))
    assert code == 0, document["quality"]
    return {
        e["iri"].rsplit("/", 1)[-1]
        for f in document["findings"]
        if f["obligation"]["iri"] == OBLIGATION
        for e in f["evidence"]
        if e["role"] == "breach"
    }


def test_return_before_entry_into_force_is_no_finding_on_or_after_is(write_graph):
    # Deposit 1 Oct 1988, entry into force for the State 30 days later (31 Oct 1988).
    path = write_graph(
        BASE_WORLD,
        participation("1988-10-01", "1988-10-31", "ratification"),
        forced_return("before-deposit", "1988-09-30"),
        forced_return("between-deposit-and-eif", "1988-10-30"),
        forced_return("on-eif", "1988-10-31"),
        forced_return("after-eif", "1990-01-01"),
    )
    assert _breaches(path) == {"on-eif", "after-eif"}


def test_only_returns_before_entry_into_force_give_no_finding(write_graph):
    path = write_graph(BASE_WORLD, participation("1988-10-01", "1988-10-31"), forced_return("early", "1988-10-30"))
    code, document = run_json("check", str(path))
    assert code == 0
    assert document["findings"] == []


def test_instrument_in_force_on_deposit_has_the_deposit_date_as_boundary(write_graph):
    path = write_graph(
        BASE_WORLD,
        participation("1982-09-24", "1982-09-24"),
        forced_return("day-before-deposit", "1982-09-23"),
        forced_return("deposit-day", "1982-09-24"),
    )
    assert _breaches(path) == {"deposit-day"}
    _code, document = run_json("check", str(path))
    assert document["findings"][0]["bound_since"] == "1982-09-24"
    assert document["findings"][0]["first_breach"]["date"] == "1982-09-24"


# (deposit, entry into force for the State, returns as (name, date, datatype), the returns that count)
PRECISION_CASES = {
    # Bound from 31 October 1988: October is not wholly after it, November and 1989 are.
    "month-bound-in": (
        ("1988-10-01", "1988-10-31"),
        [
            ("same-month", "1988-10", "gYearMonth"),
            ("next-month", "1988-11", "gYearMonth"),
            ("next-year", "1989", "gYear"),
        ],
        {"next-month", "next-year"},
    ),
    # Bound from 1 November 1988: the whole of November is on or after it, not the whole of 1988.
    "month-starting-on-binding": (
        ("1988-10-02", "1988-11-01"),
        [
            ("october", "1988-10", "gYearMonth"),
            ("november", "1988-11", "gYearMonth"),
            ("year-of-binding", "1988", "gYear"),
        ],
        {"november"},
    ),
    # Bound from 1 January 1989: the whole of 1989 and of January 1989 are on or after it.
    "year-starting-on-binding": (
        ("1988-12-02", "1989-01-01"),
        [
            ("year-before", "1988", "gYear"),
            ("year-of-binding", "1989", "gYear"),
            ("first-month", "1989-01", "gYearMonth"),
        ],
        {"year-of-binding", "first-month"},
    ),
}


@pytest.mark.parametrize("case", PRECISION_CASES)
def test_month_or_year_counts_only_when_the_whole_period_is_on_or_after_binding(write_graph, case):
    (deposit, entry_into_force), returns, expected = PRECISION_CASES[case]
    path = write_graph(
        BASE_WORLD,
        participation(deposit, entry_into_force),
        *(forced_return(name, date, datatype) for name, date, datatype in returns),
    )
    assert _breaches(path) == expected


def test_signature_alone_binds_to_nothing(write_graph):
    signature = """
ex:signature a kgo:Participation ; rdfs:label "AAA signs"@en ; kgo:participant ex:AAA ;
    kgo:instrument ex:treaty ; kgo:meansOfConsent action:signature ; kgo:actionDate "1980-01-01"^^xsd:date ;
    prov:wasDerivedFrom ex:source .
"""
    path = write_graph(BASE_WORLD, signature, forced_return("after", "1990-01-01"))
    code, document = run_json("check", str(path))
    assert (code, document["findings"]) == (0, [])


def test_reservation_excluding_the_provision_removes_the_obligation(write_graph):
    reservation = """
ex:reservation a kgo:Reservation ; rdfs:label "AAA reserves Art. 3"@en ; kgo:reservingState ex:AAA ;
    kgo:instrument ex:treaty ; kgo:excludesProvision ex:treaty-art-3 ; prov:wasDerivedFrom ex:source .
"""
    path = write_graph(BASE_WORLD, participation("1980-01-01", "1980-02-01"), forced_return("after", "1990-01-01"))
    assert _breaches(path) == {"after"}
    path = write_graph(
        BASE_WORLD,
        participation("1980-01-01", "1980-02-01"),
        forced_return("after", "1990-01-01"),
        reservation,
        name="with-reservation.ttl",
    )
    code, document = run_json("check", str(path))
    assert (code, document["findings"]) == (0, [])


def test_reservation_to_another_provision_leaves_the_obligation(write_graph):
    reservation = """
ex:treaty-art-20 a kgo:Provision ; rdfs:label "Test treaty, Art. 20"@en ; eli:is_part_of ex:treaty ;
    prov:wasDerivedFrom ex:source .
ex:reservation a kgo:Reservation ; rdfs:label "AAA reserves Art. 20"@en ; kgo:reservingState ex:AAA ;
    kgo:instrument ex:treaty ; kgo:excludesProvision ex:treaty-art-20 ; prov:wasDerivedFrom ex:source .
"""
    path = write_graph(
        BASE_WORLD, participation("1980-01-01", "1980-02-01"), forced_return("after", "1990-01-01"), reservation
    )
    assert _breaches(path) == {"after"}


def test_reservation_to_a_non_reservable_provision_is_not_given_effect(write_graph):
    rules = """
ex:treaty-art-42 a kgo:Provision ; rdfs:label "Test treaty, Art. 42"@en ; eli:is_part_of ex:treaty ;
    prov:wasDerivedFrom ex:source .
ex:treaty-art-3 kgo:reservationsProhibitedBy ex:treaty-art-42 .
ex:reservation a kgo:Reservation ; rdfs:label "AAA reserves Art. 3"@en ; kgo:reservingState ex:AAA ;
    kgo:instrument ex:treaty ; kgo:excludesProvision ex:treaty-art-3 ; prov:wasDerivedFrom ex:source .
"""
    path = write_graph(
        BASE_WORLD, participation("1980-01-01", "1980-02-01"), forced_return("after", "1990-01-01"), rules
    )
    assert _breaches(path) == {"after"}
    result = run("validate", str(path))
    assert result.exit_code == 0
    assert (
        "[Warning] https://example.org/kgtool-test/reservation: reservation to "
        "https://example.org/kgtool-test/treaty-art-3, which the treaty makes non-reservable "
        "(https://example.org/kgtool-test/treaty-art-42); the binding rule ignores it"
    ) in result.stdout


def test_no_finding_without_a_un_finding_of_the_risk(write_graph):
    world = BASE_WORLD.replace("kgo:documentsRiskIn ex:BBB ;", "")
    path = write_graph(world, participation("1980-01-01", "1980-02-01"), forced_return("after", "1990-01-01"))
    code, document = run_json("check", str(path))
    assert (code, document["findings"]) == (0, [])
