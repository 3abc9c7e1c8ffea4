"""Read SPARQL results as plain lexical values, fast: the engine writes TSV, Python splits it.

Most of kgtool's result rows are only read for their lexical values (an IRI, a date, a label). Building a
pyoxigraph term object for every cell costs about 4 µs a row; letting the engine serialise the results as
SPARQL 1.1 TSV (terms in Turtle syntax) and decoding the few escapes costs a third of that. A row is a dict
``{variable: lexical value}`` with unbound variables left out, as :meth:`EmbeddedStore.select` leaves them out.
"""

from __future__ import annotations

import re

ValueRow = dict[str, str]

_ESCAPE = re.compile(r"\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))", re.DOTALL)
_CHARACTER_ESCAPES = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"', "'": "'", "\\": "\\"}


def _unescape(match: re.Match) -> str:
    short, long, char = match.groups()
    if short or long:
        return chr(int(short or long, 16))
    return _CHARACTER_ESCAPES.get(char, char)


def unescape(text: str) -> str:
    """Return a Turtle / N-Triples string body with its escapes (``\\n``, ``\\u00e9``, ...) decoded."""
    return _ESCAPE.sub(_unescape, text) if "\\" in text else text


def term_value(cell: str) -> str:
    """Return the lexical value of one TSV cell: an IRI, a blank node id, a literal's lexical form."""
    first = cell[0]
    if first == "<":
        return cell[1:-1]
    if first == '"':
        return unescape(cell[1 : cell.rindex('"')])
    if cell.startswith("_:"):
        return cell[2:]
    return cell  # an abbreviated number or boolean: its lexical form as written


def parse_tsv_values(data: bytes) -> list[ValueRow]:
    """Decode SPARQL 1.1 TSV results into rows of lexical values (unbound variables left out)."""
    lines = data.decode("utf-8").split("\n")
    names = [name[1:] for name in lines[0].split("\t")] if lines and lines[0] else []
    rows = []
    for line in lines[1:]:
        if not line and len(names) != 1:
            continue
        cells = line.split("\t")
        rows.append({name: term_value(cell) for name, cell in zip(names, cells, strict=True) if cell})
    if len(names) == 1 and rows and not rows[-1] and data.endswith(b"\n"):
        rows.pop()  # the newline that ends the document, not a row with its one variable unbound
    return rows
