"""Check an RDF file for hostile or broken input before a parser stores anything of it.

pyoxigraph accepts some input that it should not keep: Turtle, TriG or JSON-LD nested thousands of levels deep
(parsed fine, but every later export of the store then runs past 60 s or crashes), RDF/XML whose
DOCTYPE declares entities (expanded: a 1 kB "billion laughs" file took 9.2 GB), truncated RDF/XML, raw control
characters, and JSON-LD language tags that are not BCP 47 (the value is silently dropped). `check_rdf_file`
reads the file once, in blocks of `BLOCK` bytes (never the whole file), and raises an InputError naming the
file, line and column of the first such problem; callers run it before the parser.

What is checked, per format:

* every format: UTF-8, and no C0 control character other than tab, line feed and carriage return (escaped
  ones, such as ``\\u0001`` in a literal, are data and stay allowed);
* Turtle and TriG: nesting of ``[``, ``(``, ``{`` and ``<<`` (RDF 1.2 quoted triples and triple terms, whose
  ``<<`` and ``>>`` count two levels each) is at most `MAX_NESTING` levels; strings, IRIs, comments and
  escaped characters do not count. N-Triples and N-Quads cannot nest except through RDF 1.2 triple terms, so
  they are only scanned for nesting when a block holds ``<<``;
* JSON-LD: JSON objects and arrays nest at most `MAX_NESTING` levels, and every ``"@language"`` string value is
  a well-formed BCP 47 tag (pyoxigraph's own rule, the one its Turtle parser applies);
* RDF/XML: well-formed XML (checked with expat, which never expands anything here: any DOCTYPE is refused
  before its declarations are read), and elements nest at most `MAX_NESTING` levels.

`locate_syntax_error` gives a position to the pyoxigraph errors that come without one (RDF/XML and JSON-LD):
the file is parsed again, fed byte by byte near the point where the parser stopped, to find the byte that
made it fail; for JSON-LD the position is moved back to the value of the keyword the message names.
"""

from __future__ import annotations

import codecs
import io
import json
import re
import xml.parsers.expat as expat
from collections.abc import Iterator
from itertools import accumulate
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from kgtool.errors import InputError

#: How deep brackets (Turtle, TriG), JSON objects and arrays (JSON-LD) or XML elements (RDF/XML) may nest.
#: Real data stays far below (kgtool's own graph: 3 levels). Exporting a store (RDFC-1.0 blank node labels)
#: costs about 28 ms per blank-node structure nested 64 levels deep, 0.29 s at 128 levels (measured with 200 of
#: them), and past 60 s for one structure 1,000 levels deep: the limit keeps exports cheap.
MAX_NESTING = 64
#: How many bytes are read at a time.
BLOCK = 1 << 20
#: A JSON-LD language tag longer than this is refused without reading on (BCP 47 tags are far shorter).
MAX_LANGUAGE_TAG = 256

# Control characters other than tab, line feed and carriage return (refused before any other check, so the
# scanners below can use \x01 and \x03 as markers).
_CONTROLS = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
_CONTROL = re.compile(b"[" + re.escape(_CONTROLS) + b"]")
_QUOTED = b"\x01"  # each "<" of "<<" (RDF 1.2) becomes this while a block is scanned: an opening bracket
_ESCAPED = b"\x03"  # both characters of an escape that matters (\\ \" \' \# \( \)) become this
_OPEN, _CLOSE = 1, 255  # in a stream of brackets: opening, closing (-1 as a signed byte)


def _keep_only(kept: bytes) -> bytes:
    """Return the ``delete`` argument of bytes.translate that keeps only the given bytes."""
    return bytes(b for b in range(256) if b not in kept)


def _bracket_table(opening: bytes, closing: bytes) -> bytes:
    """Return a bytes.translate table mapping opening brackets to _OPEN and closing ones to _CLOSE."""
    table = bytearray(range(256))
    for byte in opening:
        table[byte] = _OPEN
    for byte in closing:
        table[byte] = _CLOSE
    return bytes(table)


def _neutralise_escapes(data: bytes, escapes: re.Pattern[bytes]) -> bytes:
    r"""Replace each escape that ``escapes`` matches by two _ESCAPED bytes (same length: offsets hold).

    One regex pass from left to right pairs a run of backslashes as the parsers do, so ``\\"`` keeps its
    closing quote.
    """
    return escapes.sub(_ESCAPED * 2, data) if b"\\" in data else data


# -- Turtle, TriG (and N-Triples / N-Quads holding "<<") ------------------------------------------------------
# Fast path, for a run of whole lines without long strings (nearly all of any file): escapes neutralised, only
# the characters that open or close a token or a bracket kept (one C pass), then strings, IRIs and comments
# removed from that short remainder; no short token spans a line, so the run can be cut at any line end.
_TTL_ESCAPES = re.compile(rb"\\[\\\"'#()\[\]{}<>\x01]")
_TTL_DELETE = _keep_only(b"\"'<>#\n\r[](){}" + _QUOTED)
# (a string or IRI not ended on its line is invalid Turtle: it is taken to end there, as on the slow path)
_TTL_COMPACT_TOKENS = re.compile(rb'"[^"\n\r]*+"?|' + rb"'[^'\n\r]*+'?|<[^<>\n\r\x01]*+>?|#[^\n\r]*+")
_TTL_BRACKETS = _bracket_table(b"[({" + _QUOTED, b"])}>")
_TTL_BRACKET_DELETE = _keep_only(b"[](){}>" + _QUOTED)
# Slow path, for blocks holding long strings ("""...""", which may span lines) or lines longer than a block: a
# regex per token that may hold a bracket character without it being structure. The first character decides
# the token, so scanning from a token boundary stays aligned with the tokens. A short token that is not ended
# on its line is invalid Turtle (the parser refuses the file): it is taken to end with its line.
_TTL_TOKEN_PATTERNS = (
    rb'"""(?:[^"\\]++|\\[\s\S]|"(?!""))*+"""',
    rb"'''(?:[^'\\]++|\\[\s\S]|'(?!''))*+'''",
    rb'"(?!""|"\Z)(?:[^"\\\n\r]++|\\[^\n\r])*+"',  # a string (not the start of """, nor "" at a block's end)
    rb"'(?!''|'\Z)(?:[^'\\\n\r]++|\\[^\n\r])*+'",
    rb'"(?!"")(?:[^"\\\n\r]++|\\[^\n\r])*+\\?(?=[\n\r])',  # not ended on its line: invalid, ends there
    rb"'(?!'')(?:[^'\\\n\r]++|\\[^\n\r])*+\\?(?=[\n\r])",
    rb"<[^<>\n\r\x01]*+>",  # an IRI (permissive: the parser refuses what an IRI may not hold)
    rb"<[^<>\n\r\x01]*+(?=[<\n\r\x01])",  # a "<" that starts no IRI: invalid, ends there
    rb"#[^\n\r]*+(?=[\n\r])",  # a comment, up to the end of its line
    rb"\\[^\n\r]",  # an escaped character of a prefixed name, e.g. ex:a\(b
)
_TTL_TOKEN = b"|".join(_TTL_TOKEN_PATTERNS)
_TTL_TOKENS = re.compile(rb"(?:[^\"'<#\\]++|" + _TTL_TOKEN + rb")*+")
_TTL_STRIP = re.compile(_TTL_TOKEN)
_TTL_LOCATE = re.compile(_TTL_TOKEN + rb"|(?P<open>[\[({\x01])|(?P<close>[\])}>])")
_TTL_BODY = {  # the rest of a token that a block ended in, by its opening
    b'"""': re.compile(rb'(?:[^"\\]++|\\[\s\S]|"(?!""|"?\Z))*+'),
    b"'''": re.compile(rb"(?:[^'\\]++|\\[\s\S]|'(?!''|'?\Z))*+"),
    b'"': re.compile(rb'(?:[^"\\\n\r]++|\\[^\n\r])*+'),
    b"'": re.compile(rb"(?:[^'\\\n\r]++|\\[^\n\r])*+"),
    b"<": re.compile(rb"[^<>\n\r\x01]*+"),
    b"#": re.compile(rb"[^\n\r]*+"),
}
_TTL_END = {b'"""': b'"""', b"'''": b"'''", b'"': b'"', b"'": b"'", b"<": b">", b"#": b""}

# -- JSON-LD ------------------------------------------------------------------------------------------------
# Escapes neutralised, a JSON string is a pair of quotes: a bracket is outside strings when an even number of
# quotes precede it. Only quotes and brackets are kept (one C pass), adjacent quotes (strings without brackets,
# nearly all) dropped, and the few pieces left split on quotes.
_JSON_ESCAPES = re.compile(rb'\\[\\"]')
_JSON_DELETE = _keep_only(b'"[]{}')
_JSON_BRACKETS = _bracket_table(b"[{", b"]}")
_JSON_STRING = rb'"(?:[^"\\]++|\\[\s\S])*+"'
_JSON_STRING_REST = re.compile(rb'(?:[^"\\]++|\\[\s\S])*+"?')
_JSON_LOCATE = re.compile(_JSON_STRING + rb"|(?P<open>[\[{])|(?P<close>[\]}])")
_LANGUAGE_KEY = b'"@language"'
# On neutralised text. In valid JSON an unescaped quote inside a string ends it, so these are real keys.
_LANGUAGE_VALUE = re.compile(rb'"@language"\s*+:\s*+"([^"]*+)"')
# How far back from the end of a block a "@language" key is looked for, to read it with its value.
_LANGUAGE_WINDOW = 2 * MAX_LANGUAGE_TAG


class _RefusedError(Exception):
    """A problem found at an absolute byte offset (or at a line and column) of the file."""

    def __init__(self, message: str, offset: int = 0, line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.line = line
        self.column = column


def check_rdf_file(path: Path, fmt: ox.RdfFormat) -> None:
    """Refuse a file that is not safe to parse and store, before the parser sees it.

    Raises an InputError ``FILE:LINE:COLUMN: what is wrong`` (see the module docstring for what is checked).
    Reads the file once, a block at a time.
    """
    try:
        with path.open("rb") as handle:
            _scan(handle, fmt)
    except _RefusedError as refused:
        raise _input_error(path, refused) from None
    except OSError as error:
        raise InputError(f"cannot read the file ({error.strerror or error})", str(path)) from None


def _scan(handle: BinaryIO, fmt: ox.RdfFormat) -> None:
    if fmt == ox.RdfFormat.RDF_XML:
        scanner: _LineScanner | _BracketScanner | _XmlScanner = _XmlScanner()
    elif fmt == ox.RdfFormat.JSON_LD:
        scanner = _JsonScanner()
    elif fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG):
        scanner = _TurtleScanner()
    else:
        scanner = _LineScanner()
    undecoded = b""  # the start of a UTF-8 sequence that the previous block cut
    offset = 0
    while True:
        data = handle.read(BLOCK)
        final = not data
        problem, undecoded_next = _encoding_problem(undecoded, data, offset, final)
        if problem is not None:
            # what comes before the problem is scanned first: an earlier problem of another kind comes first
            scanner.feed(data[: max(0, problem.offset - offset)], offset, final=False)
            raise problem
        undecoded = undecoded_next
        scanner.feed(data, offset, final)
        if final:
            return
        offset += len(data)


def _encoding_problem(undecoded: bytes, data: bytes, offset: int, final: bool) -> tuple[_RefusedError | None, bytes]:
    """Return the first bad byte of a block (not UTF-8, or a control character) and the cut UTF-8 at its end.

    The second value is the start of a UTF-8 sequence that the next block completes.
    """
    problem, rest = None, b""
    if undecoded or not data.isascii():
        joined = undecoded + data
        try:
            _, used = codecs.utf_8_decode(joined, "strict", final)
            rest = joined[used:]
        except UnicodeDecodeError as error:
            problem = _RefusedError(
                f"not UTF-8 (byte 0x{joined[error.start]:02X}); RDF files must be UTF-8",
                offset - len(undecoded) + error.start,
            )
    if len(data.translate(None, _CONTROLS)) != len(data):
        control = _CONTROL.search(data)
        if control is not None and (problem is None or offset + control.start() < problem.offset):
            problem = _RefusedError(
                f"control character U+{data[control.start()]:04X} (only tab, line feed and carriage return may "
                "appear in an RDF file)",
                offset + control.start(),
            )
    return problem, rest


class _LineScanner:
    """N-Triples and N-Quads: nothing nests, unless RDF 1.2 triple terms (``<<( ... )>>``) appear.

    Blocks are only scanned once ``<<`` appears, from the start of its line (a line holds whole terms).
    """

    def __init__(self) -> None:
        self._nested: _TurtleScanner | None = None
        self._line = b""  # the end of the previous block after its last line feed
        self._line_offset = 0

    def feed(self, data: bytes, offset: int, final: bool) -> None:
        """Scan a block: only from the line where ``<<`` first appears."""
        if self._nested is None:
            joined = self._line + data
            if b"<<" not in joined and len(joined) - len(data) <= BLOCK:
                cut = joined.rfind(b"\n") + 1
                self._line, self._line_offset = joined[cut:], self._line_offset + cut
                return
            self._nested = _TurtleScanner()
            data, offset = joined, self._line_offset
        self._nested.feed(data, offset, final)


class _BracketScanner:
    """Shared by the Turtle and JSON scanners: the tail carried to the next block, the depth, the limit."""

    _what: str
    _locate: re.Pattern[bytes]

    def __init__(self) -> None:
        self.depth = 0
        self._carry = b""
        self._carry_offset = 0

    def feed(self, data: bytes, offset: int, final: bool) -> None:
        """Scan a block (after what the previous one left); what cannot be decided yet is kept for the next."""
        if self._carry:
            data, offset = self._carry + data, self._carry_offset
        kept = self._scan(data, offset, final)
        self._carry, self._carry_offset = data[kept:], offset + kept

    def _scan(self, data: bytes, offset: int, final: bool) -> int:
        """Scan ``data`` (starting at file ``offset``); return how many bytes are decided (the rest is carried).

        Each format's scanner (a subclass) implements it; this base class only carries the undecided tail.
        """
        raise NotImplementedError

    def _add(self, brackets: bytes, region: bytes, offset: int, start: int = 0) -> None:
        """Add a run's stream of brackets (_OPEN, _CLOSE) to the depth; refuse the run if it goes too deep.

        ``region`` is the run as read (from ``start``, outside any token), to find where the limit is passed.
        """
        opened = brackets.count(_OPEN)
        if self.depth + opened > MAX_NESTING:
            peak = max(accumulate(memoryview(brackets).cast("b"), initial=self.depth))
            if peak > MAX_NESTING:
                raise _RefusedError(
                    f"nested deeper than {MAX_NESTING} levels of {self._what} (kgtool's limit)",
                    offset + self._deepest(region, start),
                )
        self.depth += 2 * opened - len(brackets)

    def _deepest(self, region: bytes, start: int) -> int:
        """Return where in ``region`` the depth first passes the limit (only called when it does)."""
        depth = self.depth
        for match in self._locate.finditer(region, start):
            if match.group("open") is not None:
                depth += 1
                if depth > MAX_NESTING:
                    return match.start()
            elif match.group("close") is not None:
                depth -= 1
        return start


class _TurtleScanner(_BracketScanner):
    """Turtle and TriG: brackets outside strings, IRIs and comments (see the patterns above)."""

    _what = "[ ( { <<"
    _locate = _TTL_LOCATE

    def __init__(self) -> None:
        super().__init__()
        self._inside: bytes | None = None  # the opening of the token the last block ended in: '"""', '"', '<'...

    def _scan(self, data: bytes, offset: int, final: bool) -> int:
        if b"<<" in data:
            data = data.replace(b"<<", _QUOTED * 2)  # same length: offsets hold
        if self._inside is None:
            end = len(data) if final else data.rfind(b"\n") + 1
            if end and b'"""' not in data[:end] and b"'''" not in data[:end]:
                region = data[:end]
                compact = _neutralise_escapes(region, _TTL_ESCAPES).translate(None, _TTL_DELETE)
                outside = _TTL_COMPACT_TOKENS.sub(b"", compact)
                self._add(outside.translate(_TTL_BRACKETS, _TTL_BRACKET_DELETE), region, offset)
                return end
        return self._scan_tokens(data, offset, final)

    def _scan_tokens(self, data: bytes, offset: int, final: bool) -> int:
        """Scan token by token (the slow path), across line and block ends."""
        position, end = 0, len(data)
        while position < end:
            if self._inside is not None:
                opening = self._inside
                body = _TTL_BODY[opening].match(data, position).end()
                closing = _TTL_END[opening]
                if closing and data.startswith(closing, body):
                    position, self._inside = body + len(closing), None
                elif body == end or final:
                    return end
                elif opening in (b'"""', b"'''") or body + 1 == end:
                    return body  # an escape or a terminator that the end of the block may cut: read on
                else:  # a line end ends an unterminated short token (invalid), after a backslash too
                    position, self._inside = body + (data[body : body + 1] == b"\\"), None
                continue
            stop = _TTL_TOKENS.match(data, position).end()
            if stop > position:
                region = data[position:stop]
                outside = _TTL_STRIP.sub(b"", region)
                self._add(outside.translate(_TTL_BRACKETS, _TTL_BRACKET_DELETE), region, offset + position)
                position = stop
            if position == end or final:
                return end  # (when final, what is left is an unterminated token: the parser refuses the file)
            if end - position < 4:
                return position  # too little to tell what starts here ("", <, \): read on
            opening = data[position : position + 3]
            if opening not in (b'"""', b"'''"):
                opening = opening[:1]
            self._inside, position = opening, position + len(opening)
        return end


class _JsonScanner(_BracketScanner):
    """JSON-LD: objects and arrays outside strings, and the value of every "@language" key."""

    _what = "JSON objects and arrays"
    _locate = _JSON_LOCATE

    def __init__(self) -> None:
        super().__init__()
        self._in_string = False
        self._valid_tags: set[bytes] = set()

    def _scan(self, data: bytes, offset: int, final: bool) -> int:
        plain = _neutralise_escapes(data, _JSON_ESCAPES)
        end = len(plain) if final else self._cut(plain)
        region = plain[:end]
        bad_language = self._bad_language(region, data, offset) if _LANGUAGE_KEY in region else None
        in_string = self._in_string
        quotes_and_brackets = region.translate(None, _JSON_DELETE).replace(b'""', b"")
        if b'"' in quotes_and_brackets:
            pieces = quotes_and_brackets.split(b'"')
            outside = b"".join(pieces[int(in_string) :: 2])
            self._in_string = in_string ^ bool((len(pieces) - 1) % 2)
        else:
            outside = b"" if in_string else quotes_and_brackets
        start = _JSON_STRING_REST.match(data, 0, end).end() if in_string else 0
        try:
            self._add(outside.translate(_JSON_BRACKETS), data[:end], offset, start)
        except _RefusedError as too_deep:
            if bad_language is None or too_deep.offset < bad_language.offset:
                raise
        if bad_language is not None:
            raise bad_language
        return end

    @staticmethod
    def _cut(plain: bytes) -> int:
        """Return where to stop in a block: before an escape or a "@language" key and value that it cuts."""
        end = len(plain) - 1 if plain.endswith(b"\\") else len(plain)
        for length in (0, *range(len(_LANGUAGE_KEY) - 1, 0, -1)):
            if length and not plain.endswith(_LANGUAGE_KEY[:length], 0, end):
                continue
            end -= length  # (perhaps the start of a key)
            key = plain.rfind(_LANGUAGE_KEY, max(0, end - _LANGUAGE_WINDOW), end)
            if key >= 0 and _LANGUAGE_VALUE.match(plain, key, end) is None:
                return key  # a key whose value the cut leaves out: read it with the next block
            if length:
                break
        return end

    def _bad_language(self, region: bytes, data: bytes, offset: int) -> _RefusedError | None:
        """Return the refusal of the first "@language" value that is not a BCP 47 tag, if there is one."""
        for match in _LANGUAGE_VALUE.finditer(region):
            raw = data[match.start(1) - 1 : match.end(1) + 1]
            if raw in self._valid_tags:
                continue
            if match.end(1) - match.start(1) > MAX_LANGUAGE_TAG or not _is_language_tag(raw):
                shown = raw if len(raw) <= 40 else raw[:37] + b"..."
                return _RefusedError(
                    f"invalid language tag {shown.decode('utf-8', 'replace')} for @language (not well-formed BCP 47)",
                    offset + match.start(1) - 1,
                )
            self._valid_tags.add(raw)
        return None


def _is_language_tag(raw: bytes) -> bool:
    """Tell whether a JSON string (with its quotes) is a well-formed BCP 47 tag, by pyoxigraph's own rule."""
    try:
        ox.Literal("", language=json.loads(raw))
    except ValueError:
        return False
    return True


class _XmlScanner:
    """RDF/XML: expat, with any DOCTYPE refused and the element depth limited."""

    def __init__(self) -> None:
        self._parser = expat.ParserCreate()
        self._parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self._parser.StartDoctypeDeclHandler = self._doctype
        self._parser.EntityDeclHandler = self._entity
        self._parser.StartElementHandler = self._start
        self._parser.EndElementHandler = self._end
        self._depth = 0
        self._empty = True

    def feed(self, data: bytes, offset: int, final: bool) -> None:
        if data:
            self._empty = False
        if final and self._empty:
            raise _RefusedError("empty file: RDF/XML must be an XML document", line=1, column=1)
        try:
            self._parser.Parse(data, final)
        except expat.ExpatError as error:
            message = expat.ErrorString(error.code)
            raise _RefusedError(f"not well-formed XML: {message}", line=error.lineno, column=error.offset + 1) from None

    def _here(self) -> tuple[int, int]:
        return self._parser.CurrentLineNumber, self._parser.CurrentColumnNumber + 1

    def _doctype(self, *args: object) -> None:
        # The handler runs once the DOCTYPE's name and identifiers are read, before its declarations.
        raise _RefusedError(
            "a DOCTYPE is refused (RDF/XML needs none, and its entity declarations could expand without bound)",
            self._parser.CurrentByteIndex,
        )

    def _entity(self, *args: object) -> None:
        line, column = self._here()
        raise _RefusedError("entity declarations are not allowed in RDF/XML here", line=line, column=column)

    def _start(self, name: str, attributes: dict) -> None:
        self._depth += 1
        if self._depth > MAX_NESTING:
            line, column = self._here()
            raise _RefusedError(
                f"nested deeper than {MAX_NESTING} levels of XML elements (kgtool's limit)", line=line, column=column
            )

    def _end(self, name: str) -> None:
        self._depth -= 1


# -- positions ----------------------------------------------------------------------------------------------
def _input_error(path: Path, refused: _RefusedError) -> InputError:
    if refused.line is not None:
        return InputError(refused.message, str(path), refused.line, refused.column)
    offset = refused.offset or 0
    if refused.message.startswith("a DOCTYPE"):
        offset = _doctype_start(path, offset)
    line, column = _line_and_column(path, offset)
    return InputError(refused.message, str(path), line, column)


def _doctype_start(path: Path, offset: int) -> int:
    """Return the offset of the ``<!DOCTYPE`` that expat reported at ``offset`` (its name's end)."""
    with path.open("rb") as handle:
        start = max(0, offset - BLOCK)
        handle.seek(start)
        found = handle.read(offset - start + 1).rfind(b"<!DOCTYPE")
    return start + found if found >= 0 else offset


def _line_and_column(path: Path, offset: int) -> tuple[int, int]:
    """Return the 1-based line and column (in characters) of a byte offset, reading the file up to it."""
    line, column = 1, 1
    with path.open("rb") as handle:
        remaining = offset
        while remaining > 0:
            block = handle.read(min(BLOCK, remaining))
            if not block:
                break
            remaining -= len(block)
            newlines = block.count(b"\n")
            if newlines:
                line += newlines
                block = block[block.rindex(b"\n") + 1 :]
                column = 1
            column += len(block.translate(None, _CONTINUATION_BYTES))  # characters, not bytes
    return line, column


_CONTINUATION_BYTES = bytes(range(0x80, 0xC0))


class _CountingReader(io.RawIOBase):
    """A file reader that counts what the parser took, one byte at a time from ``slow_from`` on."""

    def __init__(self, handle: BinaryIO, slow_from: int | None) -> None:
        self._handle = handle
        self._slow_from = slow_from
        self.position = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:
        size = len(buffer)
        if self._slow_from is not None and self.position + size > self._slow_from:
            size = max(1, self._slow_from - self.position)
        data = self._handle.read(size)
        buffer[: len(data)] = data
        self.position += len(data)
        return len(data)


def _failing_offset(path: Path, fmt: ox.RdfFormat) -> int | None:
    """Return how many bytes the parser had read when it failed (None if it does not fail).

    A first parse finds the block; a second one is fed one byte at a time from 64 kB before it.
    """
    failed: int | None = None
    for slow_from in (None, "near the first"):
        with path.open("rb") as handle:
            reader = _CountingReader(handle, None if slow_from is None else max(0, (failed or 0) - 65536))
            try:
                for _ in ox.parse(reader, format=fmt):
                    pass
            except SyntaxError:
                failed = reader.position
            else:
                return None
    return failed


def locate_syntax_error(message: str, path: Path, fmt: ox.RdfFormat) -> tuple[int, int] | None:
    """Return (line, column) for a pyoxigraph error that came without a position, or None if none is found.

    Parses the file again (only after an error) to find the byte at which the parser failed, then moves back
    to the XML tag being read (RDF/XML) or to the value of the keyword the message names (JSON-LD).
    """
    try:
        failed = _failing_offset(path, fmt)
    except OSError:
        return None
    if failed is None:
        return None
    offset = max(0, failed - 1)
    if fmt == ox.RdfFormat.JSON_LD:
        offset = _json_keyword_value(path, message, failed, offset)
    elif fmt == ox.RdfFormat.RDF_XML:
        offset = _xml_tag_start(path, message, failed, offset)
    return _line_and_column(path, offset)


_TYPE_WORDS = {
    "string": b'"',
    "number": b"-0123456789",
    "boolean": b"tf",
    "null": b"n",
    "object": b"{",
    "map": b"{",
    "array": b"[",
}


def _json_keyword_value(path: Path, message: str, failed: int, fallback: int) -> int:
    """Return the offset of the value of the last ``"@keyword":`` before ``failed`` that the message is about.

    "@id value must be a string": the last "@id" whose value is not a string; otherwise the last "@id".
    """
    named = re.search(r"@\w+", message)
    keyword = named.group() if named else "@context" if "context" in message else None
    if keyword is None:
        return fallback
    allowed: bytes | None = None
    must = re.search(r"value must be (.*)$", message)
    if must is not None and message.startswith(keyword):
        allowed = b"".join(first for word, first in _TYPE_WORDS.items() if word in must.group(1))
    pattern = re.compile(rb'(?<!\\)"' + re.escape(keyword.encode()) + rb'"\s*+:\s*+(?=([\s\S]))')
    last_any = last_bad = None
    for value, first in _key_values(path, pattern, failed):
        last_any = value
        if allowed is not None and first not in allowed:
            last_bad = value
    if last_bad is not None:
        return last_bad
    return last_any if last_any is not None else fallback


def _key_values(path: Path, pattern: re.Pattern[bytes], limit: int) -> Iterator[tuple[int, int]]:
    """Yield (offset, first byte) of the value of each match of ``pattern`` that starts before ``limit``."""
    margin = 4096  # a match starting this close to the end of what is read waits for the next block
    with path.open("rb") as handle:
        base, data, position = 0, b"", 0  # data[0] is at offset base; matches are searched from data[position]
        while True:
            block = handle.read(BLOCK)
            data += block
            safe = len(data) if not block else max(position, len(data) - margin)
            for match in pattern.finditer(data, position):
                if match.start() >= safe or base + match.start() >= limit:
                    break
                yield base + match.start(1), data[match.start(1)]
            if not block or base + safe >= limit:
                return
            keep = max(0, safe - 1)  # one byte before, for the look-behind
            data, base, position = data[keep:], base + keep, safe - keep


def _xml_tag_start(path: Path, message: str, failed: int, fallback: int) -> int:
    """Return where the XML tag the parser was reading when it failed starts (or the quoted value in it)."""
    with path.open("rb") as handle:
        start = max(0, failed - 65536)
        handle.seek(start)
        window = handle.read(failed - start)
    tag = window.rfind(b"<", 0, max(0, len(window) - 1))
    if tag < 0:
        return fallback
    quoted = re.search(r"'([^']+)'", message)
    if quoted is not None:
        inside = window.find(quoted.group(1).encode(), tag)
        if inside >= 0:
            return start + inside
    return start + tag
