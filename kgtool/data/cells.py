"""The values of one CSV cell, checked: dates, durations, booleans, counts, identifiers.

Each parser returns the cell's value or raises RowError naming the column; the reader adds the file and row.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pyoxigraph as ox

XSD = "http://www.w3.org/2001/XMLSchema#"
_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]*")
_DURATION = re.compile(r"P(?:([0-9]+)Y)?(?:([0-9]+)M)?(?:([0-9]+)D)?")


class RowError(Exception):
    """A problem with one cell; the reader adds the file and the row's line number."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(f"column '{column}': {message}")


def parse_date(value: str, column: str) -> ox.Literal:
    """Return an ISO date (YYYY-MM-DD, YYYY-MM or YYYY) as a literal whose datatype is its precision.

    Digits are ASCII digits only, and the year is 0001 or later (there is no year 0000 in the Gregorian dates
    sources give).
    """
    try:
        if re.fullmatch(r"[0-9]{4}(-[0-9]{2}){0,2}", value) and value[:4] != "0000":
            if len(value) == 10:
                datetime.date.fromisoformat(value)
                return ox.Literal(value, datatype=ox.NamedNode(XSD + "date"))
            if len(value) == 7 and 1 <= int(value[5:]) <= 12:
                return ox.Literal(value, datatype=ox.NamedNode(XSD + "gYearMonth"))
            if len(value) == 4:
                return ox.Literal(value, datatype=ox.NamedNode(XSD + "gYear"))
    except ValueError:
        pass
    raise RowError(column, f"bad date {value!r} (expected YYYY-MM-DD, YYYY-MM or YYYY, from year 0001)")


def parse_duration(value: str, column: str) -> tuple[int, int, int]:
    """Return an ISO 8601 duration of years, months and days (``P90D``, ``P3M``, ``P1Y``) as (years, months, days)."""
    match = _DURATION.fullmatch(value)
    if not match or value == "P":
        raise RowError(column, f"bad duration {value!r} (expected ISO 8601 years, months or days: P90D, P3M, P1Y)")
    years, months, days = (int(part or 0) for part in match.groups())
    return years, months, days


def duration_literal(value: str) -> ox.Literal:
    """Return a checked duration as an ``xsd:duration`` literal."""
    return ox.Literal(value, datatype=ox.NamedNode(XSD + "duration"))


def parse_boolean(value: str, column: str) -> ox.Literal:
    """Return true/false (also yes/no, 1/0) as an ``xsd:boolean`` literal."""
    folded = value.casefold()
    if folded in ("true", "yes", "1"):
        return ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))
    if folded in ("false", "no", "0"):
        return ox.Literal("false", datatype=ox.NamedNode(XSD + "boolean"))
    raise RowError(column, f"bad boolean {value!r} (expected true or false)")


def parse_count(value: str, column: str) -> ox.Literal:
    """Return a non-negative integer as an ``xsd:integer`` literal."""
    if not re.fullmatch(r"[+-]?[0-9]+", value):
        raise RowError(column, f"{value!r} is not an integer")
    number = int(value)
    if number < 0:
        raise RowError(column, f"negative count {number} (must be a non-negative integer)")
    return ox.Literal(str(number), datatype=ox.NamedNode(XSD + "integer"))


def check_slug(value: str, column: str) -> str:
    """Return a lowercase slug (``[a-z0-9-]+``), or raise RowError."""
    if not _SLUG.fullmatch(value):
        raise RowError(column, f"bad slug {value!r} (lowercase letters, digits and '-')")
    return value


def check_id(value: str, column: str) -> str:
    """Return an identifier (letters, digits, '.', '_', '-', '/'), or raise RowError."""
    if not _ID.fullmatch(value):
        raise RowError(column, f"bad id {value!r} (letters, digits, '.', '_', '-' and '/')")
    return value


def slugify(text: str) -> str:
    """Return a slug made from free text (for concepts made on first use)."""
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "x"


def cell_text(value: object) -> str:
    """Return a typed cell (from a workbook or a CSVW-parsed row) as the text a CSV file would hold.

    A date its ISO date (a datetime at midnight too), a whole number without ``.0``, a boolean ``true``/``false``,
    a list its items separated by ``;``, nothing an empty string.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        return ";".join(cell_text(item) for item in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        return str(int(value))
    return str(value)
