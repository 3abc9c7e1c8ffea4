"""The `kgtool` command group. Input errors become a one-line message and exit 2, never a traceback."""

from __future__ import annotations

from typing import Any

import click

from kgtool import __version__
from kgtool.cli.check import check
from kgtool.cli.io import export_, import_, imports
from kgtool.cli.push import push
from kgtool.cli.query import queries, query
from kgtool.cli.reason import reason
from kgtool.cli.report import report
from kgtool.cli.serve import serve
from kgtool.cli.validate import validate
from kgtool.errors import KgtoolError


class KgtoolGroup(click.Group):
    """A click group that reports kgtool's own errors without a traceback, with their exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; turn a KgtoolError into its message on stderr and its exit code."""
        try:
            return super().invoke(ctx)
        except KgtoolError as error:
            click.echo(f"kgtool: error: {error}", err=True)
            ctx.exit(error.exit_code)


@click.group(cls=KgtoolGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kgtool")
def main() -> None:
    """kgtool: which obligation has a State not met, since when, and on what evidence.

    \b
    Example:
        kgtool check                 # findings on the bundled graph
        kgtool check --state CHN --format json
        kgtool validate              # data-quality report
        kgtool queries               # the bundled SPARQL queries
        kgtool query disagreements --format csv
    """


main.add_command(check)
main.add_command(validate)
main.add_command(query)
main.add_command(queries)
main.add_command(import_)
main.add_command(imports)
main.add_command(export_)
main.add_command(push)
main.add_command(reason)
main.add_command(report)
main.add_command(serve)
