"""Options shared by several commands, so that a flag means the same everywhere."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from kgtool.data.loading import StoreSource
from kgtool.store.profiles import PROFILES

format_option = click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Human text, or JSON with stable keys for machines.",
)


class _Day(click.ParamType):
    """An ISO 8601 calendar day (YYYY-MM-DD), read as a date."""

    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> datetime.date:
        if isinstance(value, datetime.date):
            return value
        try:
            if len(value) == 10:
                return datetime.date.fromisoformat(value)
        except ValueError:
            pass
        self.fail(f"{value!r} is not a day in ISO 8601 form (YYYY-MM-DD, e.g. 2013-09-10)", param, ctx)


as_of_option = click.option(
    "--as-of",
    "as_of",
    type=_Day(),
    default=None,
    help="Answer as on this day (YYYY-MM-DD): bindings that had begun by then, with their end if it came by "
    "then; incidents, findings and reports up to then. Default: today.",
)

store_option = click.option(
    "--store",
    "store_location",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="KGTOOL_STORE",
    help="A persistent embedded store (directory). A new one starts from the bundled graph. Env: KGTOOL_STORE.",
)


def store_options(function: Callable) -> Callable:
    """Add --store, --endpoint and --profile; the command receives them as one ``source`` (a StoreSource)."""

    @click.option(
        "--profile",
        type=click.Choice(PROFILES),
        default="auto",
        envvar="KGTOOL_PROFILE",
        show_default=True,
        help="The server's quirks profile; auto asks the server. Env: KGTOOL_PROFILE.",
    )
    @click.option(
        "--endpoint",
        metavar="URL",
        envvar="KGTOOL_ENDPOINT",
        help="A SPARQL 1.1 server (Oxigraph, Virtuoso, ...); credentials from KGTOOL_USER/KGTOOL_PASSWORD or "
        "~/.netrc. Env: KGTOOL_ENDPOINT.",
    )
    @store_option
    @functools.wraps(function)
    def wrapper(*args: Any, store_location: Path | None, endpoint: str | None, profile: str, **kwargs: Any) -> Any:
        return function(*args, source=StoreSource(store_location, endpoint, profile), **kwargs)

    return wrapper
