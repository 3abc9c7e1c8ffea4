"""Writers for query results: SPARQL 1.1 JSON/CSV/TSV (by pyoxigraph), a readable table, Turtle."""

from __future__ import annotations

import csv
import io
import re
import textwrap

import pyoxigraph as ox

from kgtool.output.names import compact

_STANDARD = {
    "json": ox.QueryResultsFormat.JSON,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
TURTLE_PREFIXES = {
    "kgr": "https://w3id.org/kgtool/id/",
    "kgo": "https://w3id.org/kgtool/ontology#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "eli": "http://data.europa.eu/eli/ontology#",
    "foaf": "http://xmlns.com/foaf/0.1/",
}


def standard_results(solutions: ox.QuerySolutions, output_format: str) -> bytes:
    """Serialise SELECT results in the SPARQL 1.1 Query Results JSON, CSV or TSV format.

    CSV cells a spreadsheet would run as a formula are neutralised (see ``neutralise_formulas``).
    """
    body = solutions.serialize(format=_STANDARD[output_format]) or b""
    return neutralise_formulas(body) if output_format == "csv" else body


#: What a spreadsheet takes as the start of a formula (OWASP, "CSV Injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")


def neutralise_formulas(body: bytes) -> bytes:
    """Prefix a quote to CSV cells that start like a formula (``=``, ``+``, ``-``, ``@``, tab, CR), as OWASP advises.

    A value such as ``=HYPERLINK(...)`` from an imported source would otherwise run when the file is opened in a
    spreadsheet. Numbers (``-5``, ``+1.5e3``) are left as they are.
    """
    text = body.decode("utf-8")
    if not any(start in text for start in _FORMULA_START):
        return body
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in csv.reader(io.StringIO(text, newline="")):
        writer.writerow(
            ["'" + cell if cell.startswith(_FORMULA_START) and not _NUMBER.fullmatch(cell) else cell for cell in row]
        )
    return out.getvalue().encode("utf-8")


def _cell(term: ox.NamedNode | ox.BlankNode | ox.Literal | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def table(solutions: ox.QuerySolutions, width: int = 40) -> str:
    """Render SELECT results as a text table whose long values wrap within ``width`` characters."""
    names = [v.value for v in solutions.variables]
    rows = [[_cell(solution[name]) for name in names] for solution in solutions]
    widths = [min(width, max([len(n), *(len(r[i]) for r in rows)])) for i, n in enumerate(names)]
    lines = []

    def emit(cells: list[str]) -> None:
        wrapped = [textwrap.wrap(c, w, break_long_words=True) or [""] for c, w in zip(cells, widths, strict=True)]
        for k in range(max(len(w) for w in wrapped)):
            parts = [(w[k] if k < len(w) else "").ljust(widths[i]) for i, w in enumerate(wrapped)]
            lines.append(" | ".join(parts).rstrip())

    emit(names)
    lines.append("-+-".join("-" * w for w in widths))
    for row in rows:
        emit(row)
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def turtle(triples: list[ox.Triple]) -> bytes:
    """Serialise CONSTRUCT/DESCRIBE results as Turtle with the project's prefixes."""
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=TURTLE_PREFIXES) or b""
