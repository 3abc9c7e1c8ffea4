"""A user's own CSV layout, described by a W3C CSVW metadata file (``kgtool import --mapping FILE``).

The metadata's columns are named after the columns of a kgtool kind (``name``), with the user's own headers as
``titles``; a column kgtool has no use for is ``"suppressOutput": true``. The dialect (delimiter, rows to
skip, ...) and datatype formats (``{"base": "date", "format": "dd.MM.yyyy"}``) are CSVW's own, read by the
``csvw`` library; the kind follows from the column names, or from the common property ``"kgtool:kind"``. The
rows then go through the kind's checks like any CSV file's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

from kgtool.data.cells import cell_text
from kgtool.data.tables import Table
from kgtool.errors import InputError

_CSVW_ERROR = re.compile(r".*?:(\d+):(\d+) (.*?): (.*)", re.DOTALL)


def read_mapped_table(path: Path, mapping: Path) -> Table:
    """Return a CSV file as a table of a kind, its columns renamed and its cells parsed as the metadata says.

    Metadata that is not CSVW table metadata, and a cell the metadata's datatype refuses, are InputErrors.
    """
    import csvw

    try:
        description = json.loads(mapping.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError("no such file", str(mapping)) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(f"not JSON: {error}", str(mapping)) from None
    if not isinstance(description, dict):
        raise InputError("not CSVW table metadata: a JSON object is expected", str(mapping))
    for key in ("tableSchema", "dialect"):
        if isinstance(description.get(key), str):  # a link to another file or URL: csvw would fetch it
            raise InputError(
                f"{key!r} must be given in the metadata itself, not as a link ({description[key]!r}): kgtool reads "
                "nothing from the network or other files unless asked",
                str(mapping),
            )
    description.setdefault("url", path.name)  # the metadata describes the files given, whatever its url says
    try:
        metadata = csvw.Table.fromvalue(description)
        columns = [c for c in metadata.tableSchema.columns if not c.suppressOutput and not c.virtual]
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        raise InputError(f"not CSVW table metadata: {error}", str(mapping)) from None
    names = [column.name for column in columns]
    if any(not name for name in names):
        raise InputError("every column of the mapping needs a name (a column of a kgtool kind)", str(mapping))
    kind = metadata.common_props.get("kgtool:kind")
    return Table(str(path), names, _rows(metadata, path, names), named_kind=kind if isinstance(kind, str) else None)


def _rows(metadata, path: Path, names: list[str]) -> Iterator[tuple[int, list[str]]]:
    all_names = [column.name for column in metadata.tableSchema.columns]
    try:
        for _file, line, row in metadata.iterdicts(fname=str(path), with_metadata=True):
            yield line, [cell_text(row.get(name)) for name in names]
    except UnicodeDecodeError as error:
        raise InputError(f"not UTF-8 text ({error.reason})", str(path)) from None
    except ValueError as error:
        match = _CSVW_ERROR.fullmatch(str(error))
        if match is None:
            raise InputError(f"the mapping cannot read the file: {error}", str(path)) from None
        line, column, _title, detail = match.groups()
        index = int(column) - 1
        name = all_names[index] if 0 <= index < len(all_names) else f"#{column}"
        parts = detail.split(" -- ")
        what = f"{parts[1]!r} does not match the mapping's format {parts[0]!r}" if len(parts) > 1 else detail
        raise InputError(f"column '{name}': {what}", str(path), int(line)) from None
