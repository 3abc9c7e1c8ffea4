"""CSV files as tables: UTF-8 (a BOM allowed), a header row, rows numbered by their line in the file."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from kgtool.data.tables import Table
from kgtool.errors import InputError


def read_csv_table(path: Path, delimiter: str = ",", skip_rows: int = 0) -> Table:
    """Open a CSV file as a table; its rows are read as the table is iterated (the file closes at the end).

    A missing file, a file that is not UTF-8 or malformed CSV is an InputError naming the file and line.
    """
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError("no such file", str(path)) from None
    try:
        reader = csv.reader(handle, delimiter=delimiter)
        try:
            for _ in range(skip_rows):
                next(reader, None)
            header = next(reader, [])
        except UnicodeDecodeError as error:
            raise _not_utf8(path, error) from None
        except csv.Error as error:
            raise InputError(f"malformed CSV: {error}", str(path), reader.line_num) from None
    except BaseException:
        handle.close()
        raise
    return Table(str(path), header, _rows(path, handle, reader))


def _rows(path: Path, handle: TextIO, reader) -> Iterator[tuple[int, list[str]]]:
    with handle:
        try:
            for cells in reader:
                if not cells or (len(cells) == 1 and not cells[0].strip()):
                    continue  # a blank line
                yield reader.line_num, cells
        except UnicodeDecodeError as error:
            raise _not_utf8(path, error) from None
        except csv.Error as error:
            raise InputError(f"malformed CSV: {error}", str(path), reader.line_num) from None


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
