"""The `kgtool` command group. Input errors become a one-line message and exit 2, never a traceback."""

from __future__ import annotations

import contextlib
import os
import sys
from typing import Any

import click

from kgtool import __version__
from kgtool.cli.check import check
from kgtool.cli.io import export_, import_, imports, kinds
from kgtool.cli.push import push
from kgtool.cli.query import queries, query
from kgtool.cli.reason import reason
from kgtool.cli.report import report
from kgtool.cli.serve import serve
from kgtool.cli.validate import validate
from kgtool.errors import EXIT_INPUT, EXIT_OK, KgtoolError

#: Exit code of a defect in kgtool itself (BSD sysexits EX_SOFTWARE): never an input error.
EXIT_INTERNAL = 70


class KgtoolGroup(click.Group):
    """A click group that reports errors in one line, never a traceback, with their exit code.

    kgtool's own errors keep their code; a usage error (click's) is one line naming the option and exit 2; a
    closed output pipe (``kgtool export | head``) ends quietly; anything else is a defect of kgtool, reported
    as one line and exit 70 (``KGTOOL_DEBUG=1`` shows the traceback).
    """

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; turn every error into one line on stderr and its exit code."""
        try:
            return super().invoke(ctx)
        except KgtoolError as error:
            click.echo(f"kgtool: error: {error}", err=True)
            ctx.exit(error.exit_code)
        except click.UsageError as error:
            command = error.ctx.command_path if error.ctx is not None else "kgtool"
            click.echo(f"kgtool: error: {error.format_message()} (see `{command} --help`)", err=True)
            ctx.exit(EXIT_INPUT)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except BrokenPipeError:
            _quiet_closed_stdout()
            ctx.exit(EXIT_OK)
        except KeyboardInterrupt:
            click.echo("kgtool: interrupted", err=True)
            ctx.exit(130)
        except Exception as error:
            if os.environ.get("KGTOOL_DEBUG"):
                raise
            detail = " ".join(str(error).split())[:300]
            click.echo(
                f"kgtool: internal error: {type(error).__name__}: {detail} (a defect of kgtool; KGTOOL_DEBUG=1 "
                "shows where)",
                err=True,
            )
            ctx.exit(EXIT_INTERNAL)


def _quiet_closed_stdout() -> None:
    """Point stdout at /dev/null, so that Python's flush at exit does not report the closed pipe again."""
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


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
main.add_command(kinds)
main.add_command(export_)
main.add_command(push)
main.add_command(reason)
main.add_command(report)
main.add_command(serve)
