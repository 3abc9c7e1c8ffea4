"""Fuzz every import kind from its declaration: a bad value of each column's type, in row three of a file whose
first two rows are good, is refused with `FILE:4: column '...'` and stores nothing.

The bad values are chosen by column type (kinds/*.toml), so a new kind or column is fuzzed without a new test.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from conftest import run, store_digest

from kgtool.data.kinds import TABLE_KINDS, all_kinds, header_of

pytestmark = pytest.mark.fuzz

SOURCE = {
    "source_url": "https://example.org/fuzz-kinds",
    "source_title": "Fuzz kinds",
    "source_publisher": "Fuzz NGO",
    "source_date": "2026-01-01",
}
#: A good row of each kind, valid against the bundled graph, and the column that tells two rows apart.
GOOD = {
    "instruments": ({"slug": "fuzz-treaty", "title": "Fuzz Treaty", "kind": "multilateral-treaty",
                     "adopted": "2000-01-01", "entry_into_force": "2001-01-01", "eif_delay": "P30D",
                     "denunciation_delay": "P1Y"}, "slug"),
    "provisions": ({"instrument": "cat-1984", "slug": "art-fuzz", "label": "Fuzz provision", "parent": "art-3",
                    "non_reservable": "false", "in_force_from": "2000-01-01", "in_force_until": "2001-01-01",
                    "text": "Fuzz text"}, "slug"),
    "obligations": ({"slug": "fuzz-obligation", "provision": "cat-1984/art-3-1", "label": "Fuzz obligation",
                     "type": "non-refoulement", "protects_against": "torture"}, "slug"),
    "participation": ({"state": "AFG", "instrument": "cat-1984", "action": "ratification", "date": "1987-04-01",
                       "effective_date": "1987-06-26", "succession_date": ""}, "state"),
    "reports": ({"state": "CHN", "instrument": "cat-1984", "report": "fuzz", "due": "1989-11-03",
                 "submitted": "1990-01-01", "symbol": "CAT/C/7/Add.5"}, "report"),
    "reservations": ({"state": "AFG", "instrument": "cat-1984", "provision": "art-20", "text": "Fuzz reservation",
                      "date": "1987-04-01", "withdrawn": "2000-01-01"}, "state"),
    "findings": ({"id": "fuzz-finding", "body": "Fuzz Committee", "symbol": "A/1", "paragraph": "1",
                  "date": "2020-01-01", "about_state": "CHN;PRK", "risk_state": "PRK", "risk_group": "fuzz-group",
                  "risk_type": "torture", "text": "Fuzz finding"}, "id"),
    "incidents": ({"id": "fuzz-incident", "date": "2024-01-01", "end_date": "2024-01-02", "returning_state": "CHN",
                   "destination_state": "PRK", "people": "3", "place": "Dandong", "description": "Fuzz return",
                   "group": "fuzz-group"}, "id"),
    "recommendations": ({"id": "fuzz-recommendation", "body": "Fuzz State", "symbol": "A/2", "paragraph": "2",
                         "date": "2020-01-01", "state": "CHN", "text": "Fuzz recommendation", "response": "noted",
                         "response_date": "2020-06", "themes": "Fuzz theme", "affected_persons": "Fuzz persons"},
                        "id"),
    "positions": ({"id": "fuzz-position", "state": "CHN", "date": "2020-01-01", "speaker": "Fuzz speaker",
                   "text": "Fuzz position", "contests": "coi-2014-treatment-of-returnees"}, "id"),
}  # fmt: skip
#: Values no cell of a type accepts ("" only where the column is required).
BAD_BY_TYPE = {
    "date": ["2024-02-30", "0000", "1e3", "\u0662\u0660\u0662\u0664", "2024/01/01"],
    "duration": ["P", "30D", "P1W", "P-1D"],
    "boolean": ["maybe"],
    "count": ["-1", "1.5", "\u0665"],
    "state": ["XXX", "chn"],
    "states": ["CHN;;PRK", "CHN;XXX"],
    "slug": ["Has Space", "UPPER"],
    "id": ["has space", "../x y"],
    "choice": ["nonsense"],
    "concept": ["nonsense"],
    "group": ["Not A Slug"],
    "ref": ["no-such-thing"],
    "refs": ["no-such-thing", "a;;b"],
    "text": ["a\u0007b"],
    "string": ["a\u001bb"],
    "body": ["a\u0000b"],
    "labels": ["a;;b"],
}
KINDS = [kind for kind in all_kinds().values() if kind.name not in TABLE_KINDS]
CASES = [
    (kind.name, column.name, value)
    for kind in KINDS
    for column in kind.columns
    for value in BAD_BY_TYPE[column.type] + ([""] if column.required else [])
]


def test_every_kind_but_the_table_kinds_has_a_good_row():
    assert sorted(GOOD) == sorted(kind.name for kind in KINDS)


def write(path: Path, kind: str, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header_of(all_kinds()[kind]), lineterminator="\n")
        writer.writeheader()
        writer.writerows({**row, **SOURCE} for row in rows)
    return path


def _varied(row: dict[str, str], key: str, suffix: str) -> dict[str, str]:
    value = {"state": {"-2": "ALB", "-3": "DZA"}.get(suffix, "AGO")}.get(key, row[key] + suffix)
    return {**row, key: value}


def test_the_good_rows_import(module_store, tmp_path):
    """The good rows are good: otherwise every refusal below could be for another reason."""
    paths = []
    for kind, (row, key) in GOOD.items():
        paths.append(write(tmp_path / f"{kind}.csv", kind, [row, _varied(row, key, "-2")]))
    store = tmp_path / "store"
    result = run("import", *map(str, paths), "--store", str(store))
    assert result.exit_code == 0, result.stderr


@pytest.mark.parametrize(("kind", "column", "value"), CASES)
def test_a_bad_cell_of_any_kind_in_row_three_is_refused_and_stores_nothing(module_store, tmp_path, kind, column, value):
    row, key = GOOD[kind]
    bad = {**_varied(row, key, "-3"), column: value}
    path = write(tmp_path / f"{kind}.csv", kind, [row, _varied(row, key, "-2"), bad])
    before = store_digest(module_store)
    result = run("import", str(path), "--store", str(module_store))
    if result.exit_code == 0:
        pytest.fail(f"accepted {kind}.{column}={value!r}: {result.stdout}")
    assert result.exit_code == 2, result.stderr
    assert result.stderr.startswith(f"kgtool: error: {path}:4: column '"), result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert store_digest(module_store) == before
