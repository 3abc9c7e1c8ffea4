"""Options shared by several commands, so that a flag means the same everywhere."""

from __future__ import annotations

from pathlib import Path

import click

format_option = click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Human text, or JSON with stable keys for machines.",
)

store_option = click.option(
    "--store",
    "store_location",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="KGTOOL_STORE",
    help="A persistent embedded store (directory). A new one starts from the bundled graph. Env: KGTOOL_STORE.",
)
