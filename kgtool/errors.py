"""Errors a user can cause, and the exit codes they map to (one place)."""

from __future__ import annotations

from dataclasses import dataclass

EXIT_OK = 0
EXIT_FAILED = 1  # what the command checks failed (data quality, an ASK that is false)
EXIT_INPUT = 2  # bad usage or bad input


class KgtoolError(Exception):
    """Base of the errors kgtool reports to users without a traceback."""

    exit_code = EXIT_INPUT


@dataclass
class InputError(KgtoolError):
    """Bad input: names the file, and the line and column where they are known."""

    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = self.file or ""
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.message}" if where else self.message


@dataclass
class MissingRuntimeError(KgtoolError):
    """A program kgtool needs is not there (e.g. no Java runtime for HermiT); exit 2, one line, no traceback."""

    message: str

    def __str__(self) -> str:
        return self.message


@dataclass
class ReasonerError(KgtoolError):
    """The reasoner could not run on the input (e.g. HermiT rejects a construct); exit 2 with its message."""

    message: str

    def __str__(self) -> str:
        return self.message
