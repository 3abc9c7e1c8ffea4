"""Quality shapes reject bad facts with messages that name the node; input errors exit 2 without traceback."""

from __future__ import annotations

import subprocess
import sys

from conftest import BASE_WORLD, forced_return, participation, run, run_json


def _validate_lines(path) -> tuple[int, list[str]]:
    result = run("validate", str(path))
    return result.exit_code, result.stdout.splitlines()


def test_bundled_graph_holds_and_conforms_as_shacl_defines_it():
    code, document = run_json("validate")
    assert code == 0
    # SHACL 1.0, 3.6.2: any result, whatever its severity, means the data graph does not conform (Jena agrees).
    assert document["conforms"] is False
    assert document["holds"] is True
    assert document["counts"] == {"Violation": 0, "Warning": 7, "Info": 0}
    assert (document["violations"], document["warnings"]) == (0, 7)
    assert len(document["results"]) == 7


def test_validate_text_gives_both_verdicts():
    result = run("validate")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == (
        "Data quality holds: 0 violation(s), 7 warning(s) (SHACL does not conform: 7 result(s))."
    )


def test_fact_without_source_is_a_violation(write_graph):
    unsourced = forced_return("unsourced", "1990-01-01").replace("; prov:wasDerivedFrom ex:source", "")
    path = write_graph(BASE_WORLD, participation("1980-01-01", "1980-02-01"), unsourced)
    code, lines = _validate_lines(path)
    assert code == 1
    assert lines[0] == "Data quality fails: 1 violation(s), 0 warning(s) (SHACL does not conform: 1 result(s))."
    assert lines[1] == (
        "[Violation] https://example.org/kgtool-test/unsourced prov:wasDerivedFrom: "
        "has no source: add prov:wasDerivedFrom pointing to a kgo:Source"
    )


def test_malformed_dates_are_violations(write_graph):
    path = write_graph(
        BASE_WORLD,
        participation("1980-01-01", "1980-02-01"),
        forced_return("impossible-day", "2023-02-30"),
        forced_return("month-13", "2023-13", "gYearMonth"),
    )
    code, lines = _validate_lines(path)
    assert code == 1
    assert lines[1:] == [
        "[Violation] https://example.org/kgtool-test/impossible-day kgo:startDate: kgo:startDate is not a "
        "well-formed xsd:date, xsd:gYearMonth or xsd:gYear (value: 2023-02-30)",
        "[Violation] https://example.org/kgtool-test/month-13 kgo:startDate: kgo:startDate is not a "
        "well-formed xsd:date, xsd:gYearMonth or xsd:gYear (value: 2023-13)",
    ]


def test_negative_count_is_a_violation(write_graph):
    count = """
ex:count a kgo:CountClaim ; kgo:counts ex:r1 ; kgo:people -5 ; kgo:countQualifier cq:exactly ;
    prov:wasDerivedFrom ex:source .
"""
    path = write_graph(BASE_WORLD, participation("1980-01-01", "1980-02-01"), forced_return("r1", "1990-01-01"), count)
    code, lines = _validate_lines(path)
    assert code == 1
    assert lines[1:] == [
        "[Violation] https://example.org/kgtool-test/count kgo:people: "
        "kgo:people must be one non-negative xsd:integer (value: -5)"
    ]


def test_entry_into_force_before_deposit_is_a_violation(write_graph):
    path = write_graph(BASE_WORLD, participation("1988-10-01", "1988-09-01"))
    code, lines = _validate_lines(path)
    assert code == 1
    assert lines[1:] == [
        "[Violation] https://example.org/kgtool-test/participation: entry into force for the State (1988-09-01) "
        "is before its own act (1988-10-01) (value: 1988-09-01)"
    ]


def test_means_of_consent_outside_the_list_is_a_violation(write_graph):
    path = write_graph(BASE_WORLD, participation("1980-01-01", "1980-02-01", "adoption"))
    code, lines = _validate_lines(path)
    assert code == 1
    assert lines[1].startswith(
        "[Violation] https://example.org/kgtool-test/participation kgo:meansOfConsent: "
        "kgo:meansOfConsent must be exactly one of signature, ratification, accession"
    )


def test_forced_return_without_destination_is_a_violation(write_graph):
    no_destination = forced_return("r1", "1990-01-01").replace("kgo:destinationState ex:BBB ;", "")
    path = write_graph(BASE_WORLD, participation("1980-01-01", "1980-02-01"), no_destination)
    code, lines = _validate_lines(path)
    assert code == 1
    assert lines[1:] == [
        "[Violation] https://example.org/kgtool-test/r1 kgo:destinationState: "
        "forced return needs exactly one kgo:destinationState that is a kgo:State"
    ]


def test_check_exits_1_and_computes_no_findings_when_quality_fails(write_graph):
    unsourced = forced_return("unsourced", "1990-01-01").replace("; prov:wasDerivedFrom ex:source", "")
    path = write_graph(BASE_WORLD, participation("1980-01-01", "1980-02-01"), unsourced)
    code, document = run_json("check", str(path))
    assert code == 1
    assert document["findings"] == []
    assert document["quality"]["violations"] == 1


def test_turtle_syntax_error_names_file_line_and_column(write_graph):
    path = write_graph(BASE_WORLD, 'ex:broken ex:p "unterminated .\n')
    result = run("check", str(path))
    assert result.exit_code == 2
    assert result.stdout == ""
    line = len(path.read_text().splitlines())
    assert result.stderr.startswith(f"kgtool: error: {path}:{line}:")
    assert "Traceback" not in result.stderr


def test_missing_file_and_unknown_extension(tmp_path):
    result = run("validate", str(tmp_path / "nope.ttl"))
    assert (result.exit_code, result.stderr) == (2, f"kgtool: error: {tmp_path / 'nope.ttl'}: no such file\n")
    other = tmp_path / "data.xyz"
    other.write_text("x")
    result = run("check", str(other))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"kgtool: error: {other}: unknown RDF file extension '.xyz'")


def test_unknown_state_code():
    result = run("check", "--state", "XYZ")
    assert (result.exit_code, result.stderr) == (
        2,
        "kgtool: error: unknown State code 'XYZ' for --state (known: CHN, CZE, KOR, LAO, PRK)\n",
    )


def test_state_filter():
    code, document = run_json("check", "--state", "PRK")
    assert code == 0
    assert {f["state"] for f in document["findings"]} == {"PRK"}
    assert len(document["findings"]) == 2


def test_text_output_names_binding_date_and_first_breach():
    result = run("check", "--state", "CHN")
    assert result.exit_code == 0
    assert result.stdout.startswith("5 unmet obligation(s) found; data quality holds")
    assert (
        "CHN (China): Non-refoulement where there is a danger of torture (Convention against Torture, Art. 3(1))\n"
        in result.stdout
    )
    assert "  bound since   1988-11-03 (ratification of 1988-10-04) [S13, S14, S86]\n" in result.stdout
    assert "  first breach  2013-05-27..2013-05-28  Return of a group of young North Koreans" in result.stdout


def test_console_script_runs_as_a_cold_process():
    completed = subprocess.run(
        [sys.executable, "-m", "kgtool", "check", "--state", "PRK"], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith("2 unmet obligation(s) found")


def test_every_command_has_help_with_an_example():
    for command in ("check", "validate"):
        result = run(command, "--help")
        assert result.exit_code == 0
        assert "Example:" in result.stdout
