"""The UN Treaty Collection's status table of a treaty, as saved from its page, read as participation rows.

UNTC prints each participant with footnote numbers after its name (``China3``) and each date as ``24 Sep 1982``
followed by a mark for the kind of act (``a`` accession, ``d`` succession, ``A`` acceptance, ``AA`` approval,
``s`` definitive signature; no mark: ratification). Names are the UN's short names, matched to ISO 3166 codes
by :mod:`kgtool.data.states`; a name that matches none is a row error listing the nearest names.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Iterator

from kgtool.data.cells import RowError
from kgtool.data.states import code_for_name, nearest_names
from kgtool.errors import InputError

PARTICIPANT, SIGNATURE, CONSENT = "Participant", "Signature", "Ratification, Accession(a), Succession(d)"
MARKS = {"": "ratification", "a": "accession", "d": "succession", "A": "acceptance", "AA": "approval",
         "s": "definitive-signature"}  # fmt: skip
_DATE = re.compile(r"([0-9]{1,2})\s+([A-Za-z]{3})[a-z]*\.?\s+([0-9]{4})\s*([A-Za-z]{0,2})")
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
                                        "dec"), start=1)}  # fmt: skip


def untc_header(header: list[str]) -> list[str] | None:
    """Return the header in the declared column names when it is a UNTC status table's, else None.

    UNTC words the date columns a little differently from treaty to treaty ("Signature, Succession to
    signature(d)"; "Ratification, Accession(a), Acceptance(A), Approval(AA), Succession(d)").
    """
    if not header or not header[0].strip().startswith(PARTICIPANT):
        return None
    named = []
    for name in header:
        text = " ".join(name.split())
        if text.startswith(PARTICIPANT):
            named.append(PARTICIPANT)
        elif text.startswith(SIGNATURE) and "Ratification" not in text:
            named.append(SIGNATURE)
        elif text.startswith(("Ratification", "Accession", "Succession")):
            named.append(CONSENT)
        else:
            named.append(text)
    return named


def parse_untc_date(text: str, column: str) -> tuple[str, str]:
    """Return (ISO date, mark) of a UNTC date cell such as ``24 Sep 1982 a``."""
    match = _DATE.fullmatch(" ".join(text.replace("\u00a0", " ").split()))
    if not match or match.group(2).casefold() not in _MONTHS or match.group(4) not in MARKS:
        marks = ", ".join(repr(m) for m in MARKS if m)
        raise RowError(
            column, f"bad UNTC date {text!r} (expected e.g. '24 Sep 1982' or '24 Sep 1982 a'; marks {marks})"
        )
    day, month, year = int(match.group(1)), _MONTHS[match.group(2).casefold()], int(match.group(3))
    try:
        return datetime.date(year, month, day).isoformat(), match.group(4)
    except ValueError:
        raise RowError(column, f"bad UNTC date {text!r} (no such day)") from None


def participant_code(text: str) -> str:
    """Return the ISO code of a UNTC participant name; footnote numbers after the name are ignored."""
    name = re.sub(r"[\s0-9,]+$", "", text.replace("\u00a0", " ")).strip()
    code = code_for_name(name)
    if code is None:
        nearest = ", ".join(nearest_names(name)) or "none"
        raise RowError(PARTICIPANT, f"unknown State {name!r} (nearest known names: {nearest})")
    return code


def participation_rows(
    where: str, header: list[str], rows: Iterable[tuple[int, list[str]]], instrument: str
) -> Iterator[tuple[int, dict[str, str]]]:
    """Turn each UNTC row into the State's signature and its consent to be bound, as participation rows."""
    for line, cells in rows:
        if len(cells) != len(header):
            raise InputError(f"wrong number of columns ({len(cells)}, the header has {len(header)})", where, line)
        row = dict(zip(header, (c.strip() for c in cells), strict=True))
        try:
            code = participant_code(row[PARTICIPANT])
            acts = []
            if row.get(SIGNATURE):
                acts.append(("signature", parse_untc_date(row[SIGNATURE], SIGNATURE)[0]))
            if row.get(CONSENT):
                date, mark = parse_untc_date(row[CONSENT], CONSENT)
                acts.append((MARKS[mark], date))
        except RowError as error:
            raise InputError(str(error), where, line) from None
        for action, date in acts:
            yield line, {"state": code, "instrument": instrument, "action": action, "date": date}
