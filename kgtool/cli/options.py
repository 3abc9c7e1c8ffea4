"""Options shared by several commands, so that a flag means the same everywhere."""

from __future__ import annotations

import click

format_option = click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Human text, or JSON with stable keys for machines.",
)
