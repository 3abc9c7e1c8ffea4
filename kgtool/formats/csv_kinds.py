"""The CSV kinds `kgtool import` reads (incidents, participation, reservations), converted to triples.

The kind follows from the header. Rows are converted one at a time as they are read, and each is checked
first: an unknown State code, a bad date, an unknown instrument or provision, a negative count or a missing
source is an InputError naming the file, the row's line number and the column (`kgtool import` then drops
what it staged, so nothing of the file is stored).
"""

from __future__ import annotations

import calendar
import csv
import datetime
import hashlib
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TextIO

import pyoxigraph as ox

from kgtool.errors import InputError
from kgtool.lookup import InstrumentInfo, StoreLookup

ID = "https://w3id.org/kgtool/id/"
KGO = "https://w3id.org/kgtool/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
DERIVED_FROM = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
DCT = "http://purl.org/dc/terms/"
FOAF_PAGE = ox.NamedNode("http://xmlns.com/foaf/0.1/page")
ELI_PART_OF = ox.NamedNode("http://data.europa.eu/eli/ontology#is_part_of")

SOURCE_COLUMNS = ["source_url", "source_title", "source_publisher", "source_date"]
KINDS = {
    "incidents": [
        "id",
        "date",
        "end_date",
        "returning_state",
        "destination_state",
        "people",
        "place",
        "description",
        *SOURCE_COLUMNS,
    ],
    "participation": ["state", "instrument", "action", "date", *SOURCE_COLUMNS],
    "reservations": ["state", "instrument", "provision", "text", *SOURCE_COLUMNS],
}
ACTIONS = ("signature", "ratification", "accession", "succession")
_SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")


def kgo(name: str) -> ox.NamedNode:
    """Return the ontology term ``kgo:name``."""
    return ox.NamedNode(KGO + name)


def _plain(value: str) -> ox.Literal:
    return ox.Literal(value)


def _english(value: str) -> ox.Literal:
    return ox.Literal(value, language="en")


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


def entry_into_force(instrument: InstrumentInfo, deposit: str) -> str | None:
    """Return the instrument's entry into force for a State that deposited on ``deposit`` (a YYYY-MM-DD day).

    The later of the instrument's own entry into force and the deposit plus the delay its rule sets; None when
    the instrument records no delay.
    """
    day = datetime.date.fromisoformat(deposit)
    if instrument.delay_days is not None:
        eif = day + datetime.timedelta(days=instrument.delay_days)
    elif instrument.delay_months is not None:
        months = day.month - 1 + instrument.delay_months
        year, month = day.year + months // 12, months % 12 + 1
        eif = datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
    else:
        return None
    if instrument.entry_into_force is not None:
        eif = max(eif, datetime.date.fromisoformat(instrument.entry_into_force))
    return eif.isoformat()


class CsvConverter:
    """Converts the rows of one CSV file into triples, checking each against the store's lookup."""

    def __init__(self, path: Path, lookup: StoreLookup) -> None:
        self.path = path
        self.lookup = lookup
        #: The triples of the row being converted (the reader hands them on and clears the list).
        self.triples: list[ox.Triple] = []
        self._minted: set[str] = set()

    # -- helpers ------------------------------------------------------------------------------------------
    def add(self, subject: ox.NamedNode, predicate: ox.NamedNode, obj: ox.NamedNode | ox.Literal) -> None:
        """Add one triple."""
        self.triples.append(ox.Triple(subject, predicate, obj))

    def new_node(self, iri: str, column: str, what: str) -> ox.NamedNode:
        """Mint a node IRI that must not exist in the store nor earlier in this file."""
        if iri in self.lookup.nodes or iri in self._minted:
            raise RowError(column, f"{what} {iri} already exists")
        self._minted.add(iri)
        return ox.NamedNode(iri)

    def state(self, row: dict[str, str], column: str) -> ox.NamedNode:
        """Return the State for an ISO 3166-1 alpha-3 code, or a row error."""
        code = row[column]
        if code not in self.lookup.states:
            known = ", ".join(sorted(self.lookup.states))
            raise RowError(column, f"unknown State code {code!r} (known: {known})")
        return ox.NamedNode(self.lookup.states[code])

    def instrument(self, row: dict[str, str]) -> InstrumentInfo:
        """Return a known instrument by its slug, or a row error."""
        iri = ID + "instrument/" + row["instrument"]
        if not row["instrument"] or iri not in self.lookup.instruments:
            raise RowError("instrument", f"unknown instrument {row['instrument']!r}")
        return self.lookup.instruments[iri]

    def source(self, row: dict[str, str]) -> ox.NamedNode:
        """Return the row's source: an existing one with the same URL or UN symbol, or a new node."""
        for column in ("source_url", "source_title", "source_publisher"):
            if not row[column]:
                raise RowError(column, "missing source: every row needs source_url, source_title and source_publisher")
        reference = row["source_url"]
        date = parse_date(row["source_date"], "source_date") if row["source_date"] else None  # checked on every row
        is_url = bool(re.match(r"^[a-z][a-z0-9+.-]*://\S+$", reference, re.IGNORECASE))
        existing = (self.lookup.sources_by_page if is_url else self.lookup.sources_by_symbol).get(reference)
        if existing is not None:
            return ox.NamedNode(existing)
        iri = ID + "source/" + hashlib.sha256(reference.encode()).hexdigest()[:16]
        node = ox.NamedNode(iri)
        if iri in self._minted:
            return node
        self._minted.add(iri)
        self.add(node, RDF_TYPE, kgo("Source"))
        self.add(node, ox.NamedNode(DCT + "title"), _english(row["source_title"]))
        self.add(node, ox.NamedNode(DCT + "publisher"), self.body(row["source_publisher"]))
        self.add(node, kgo("sourceType"), ox.NamedNode(ID + "concept/source-type/unclassified"))
        if is_url:
            self.add(node, FOAF_PAGE, ox.NamedNode(reference))
        else:
            self.add(node, kgo("documentSymbol"), _plain(reference))
        if date is not None:
            self.add(node, ox.NamedNode(DCT + "date"), date)
        return node

    def body(self, name: str) -> ox.NamedNode:
        """Return the body with this label, or a new one."""
        existing = self.lookup.bodies_by_label.get(name.casefold())
        if existing is not None:
            return ox.NamedNode(existing)
        slug = re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-") or "body"
        iri = ID + "org/" + slug
        node = ox.NamedNode(iri)
        if iri not in self._minted:
            self._minted.add(iri)
            self.add(node, RDF_TYPE, kgo("Body"))
            self.add(node, RDFS_LABEL, _english(name))
        return node

    # -- kinds --------------------------------------------------------------------------------------------
    def incident(self, row: dict[str, str]) -> None:
        """Convert an incidents row: a forced return and, if ``people`` is given, the source's count claim."""
        if not _SLUG.match(row["id"]):
            raise RowError("id", f"bad id {row['id']!r} (letters, digits, '.', '_', '-' and '/')")
        start = parse_date(row["date"], "date")
        returning = self.state(row, "returning_state")
        destination = self.state(row, "destination_state")
        if destination == returning:
            raise RowError(
                "destination_state",
                f"{row['destination_state']} is also the returning State: a return is to another State",
            )
        people = None
        if row["people"]:
            if not re.fullmatch(r"[+-]?[0-9]+", row["people"]):
                raise RowError("people", f"{row['people']!r} is not an integer")
            people = int(row["people"])
            if people < 0:
                raise RowError("people", f"negative count {people} (must be a non-negative integer)")
        end = parse_date(row["end_date"], "end_date") if row["end_date"] else None
        if end is not None and end.value < start.value:
            raise RowError("end_date", f"end_date {end.value} is before date {start.value}")
        incident = self.new_node(ID + "inc/" + row["id"], "id", "incident")
        source = self.source(row)
        self.add(incident, RDF_TYPE, kgo("ForcedReturn"))
        self.add(incident, RDFS_LABEL, _english(row["description"] or f"Forced return {row['id']}"))
        self.add(incident, kgo("returningState"), returning)
        self.add(incident, kgo("destinationState"), destination)
        self.add(incident, kgo("startDate"), start)
        if end is not None:
            self.add(incident, kgo("endDate"), end)
        if row["place"]:
            self.add(incident, kgo("place"), _plain(row["place"]))
        if row["description"]:
            self.add(incident, kgo("summary"), _english(row["description"]))
        self.add(incident, DERIVED_FROM, source)
        if people is not None:
            claim = self.new_node(f"{ID}count/{row['id']}-{source.value.rsplit('/', 1)[-1]}", "people", "count")
            self.add(claim, RDF_TYPE, kgo("CountClaim"))
            self.add(claim, kgo("counts"), incident)
            self.add(claim, kgo("people"), ox.Literal(str(people), datatype=ox.NamedNode(XSD + "integer")))
            self.add(claim, kgo("countQualifier"), ox.NamedNode(ID + "concept/count-qualifier/exactly"))
            self.add(claim, DERIVED_FROM, source)

    def participation(self, row: dict[str, str]) -> None:
        """Convert a participation row; acts of consent get their entry into force for the State computed."""
        state = self.state(row, "state")
        instrument = self.instrument(row)
        if row["action"] not in ACTIONS:
            raise RowError("action", f"unknown action {row['action']!r} (one of {', '.join(ACTIONS)})")
        date = parse_date(row["date"], "date")
        code, slug = row["state"], row["instrument"]
        node = self.new_node(f"{ID}participation/{code}-{slug}-{row['action']}", "action", "participation")
        source = self.source(row)
        self.add(node, RDF_TYPE, kgo("Participation"))
        self.add(node, RDFS_LABEL, _english(f"{code}: {row['action']} of {slug}"))
        self.add(node, kgo("participant"), state)
        self.add(node, kgo("instrument"), ox.NamedNode(instrument.iri))
        self.add(node, kgo("meansOfConsent"), ox.NamedNode(ID + "concept/participation-action/" + row["action"]))
        self.add(node, kgo("actionDate"), date)
        if row["action"] != "signature" and date.datatype.value == XSD + "date":
            eif = entry_into_force(instrument, date.value)
            if eif is not None:
                self.add(node, kgo("entryIntoForceForState"), ox.Literal(eif, datatype=ox.NamedNode(XSD + "date")))
        self.add(node, DERIVED_FROM, source)

    def reservation(self, row: dict[str, str]) -> None:
        """Convert a reservations row: the reserving State excludes a known provision of the instrument."""
        state = self.state(row, "state")
        instrument = self.instrument(row)
        provision = f"{instrument.iri}/{row['provision']}"
        if not row["provision"] or provision not in self.lookup.provisions:
            raise RowError("provision", f"unknown provision {row['provision']!r} of {row['instrument']}")
        if not row["text"]:
            raise RowError("text", "empty reservation text")
        code, slug = row["state"], row["instrument"]
        node = self.new_node(f"{ID}reservation/{code}-{slug}-{row['provision']}", "provision", "reservation")
        source = self.source(row)
        self.add(node, RDF_TYPE, kgo("Reservation"))
        self.add(node, RDFS_LABEL, _english(f"{code}: reservation to {slug} {row['provision']}"))
        self.add(node, kgo("reservingState"), state)
        self.add(node, kgo("instrument"), ox.NamedNode(instrument.iri))
        self.add(node, kgo("excludesProvision"), ox.NamedNode(provision))
        self.add(node, kgo("reservationText"), _english(row["text"]))
        self.add(node, DERIVED_FROM, source)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _refuse_control_characters(row: dict[str, str]) -> None:
    """Raise a RowError for a cell holding a control character (NUL, escape, ...): no text a source gives has one."""
    for column, value in row.items():
        match = _CONTROL.search(value)
        if match:
            raise RowError(column, f"control character U+{ord(match.group()):04X} at position {match.start() + 1}")


def csv_kind(header: list[str]) -> str | None:
    """Return the CSV kind whose columns the header lists (in any order), or None."""
    for kind, columns in KINDS.items():
        if sorted(header) == sorted(columns):
            return kind
    return None


def read_csv(path: Path, lookup: StoreLookup) -> tuple[str, Iterator[ox.Triple]]:
    """Open one CSV file of a known kind: return its kind and its triples, converted row by row as they are read.

    A file that is missing or whose header is no known kind is an InputError here; a bad row is an InputError
    raised by the iterator when it reaches that row.
    """
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("no such file", str(path)) from None
    try:
        reader = csv.DictReader(handle)
        try:
            header = [h.strip() for h in (reader.fieldnames or [])]
        except UnicodeDecodeError as error:
            raise _not_utf8(path, error) from None
        kind = csv_kind(header)
        if kind is None:
            expected = "; ".join(f"{k}: {','.join(c)}" for k, c in KINDS.items())
            raise InputError(f"unknown CSV header {','.join(header)!r}; expected one of: {expected}", str(path), 1)
    except BaseException:
        handle.close()
        raise
    return kind, _converted_rows(path, handle, reader, kind, lookup)


def _not_utf8(path: Path, error: UnicodeDecodeError) -> InputError:
    """Return the error for a file that is not UTF-8, at the line of its first undecodable byte.

    The decoder reads ahead in blocks, so the row being read when it fails is not where the bad byte is.
    """
    data = path.read_bytes()
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError as first:
        offset = first.start + (3 if data.startswith(b"\xef\xbb\xbf") else 0)
        line = data.count(b"\n", 0, offset) + 1
        return InputError(f"not UTF-8 text ({first.reason} at byte {offset})", str(path), line)
    return InputError(f"not UTF-8 text ({error.reason})", str(path))


def _converted_rows(
    path: Path, handle: TextIO, reader: csv.DictReader, kind: str, lookup: StoreLookup
) -> Iterator[ox.Triple]:
    converter = CsvConverter(path, lookup)
    convert: Callable[[dict[str, str]], None] = {
        "incidents": converter.incident,
        "participation": converter.participation,
        "reservations": converter.reservation,
    }[kind]
    with handle:
        try:
            for row in reader:
                if None in row or any(v is None for v in row.values()):
                    raise InputError("wrong number of columns", str(path), reader.line_num)
                cleaned = {k.strip(): (v or "").strip() for k, v in row.items()}
                try:
                    _refuse_control_characters(cleaned)
                    convert(cleaned)
                except RowError as error:
                    raise InputError(str(error), str(path), reader.line_num) from None
                yield from converter.triples
                converter.triples.clear()
        except UnicodeDecodeError as error:
            raise _not_utf8(path, error) from None
        except csv.Error as error:
            raise InputError(f"malformed CSV: {error}", str(path), reader.line_num) from None
