"""`kgtool report`: a State's dossier as one self-contained HTML file."""

from __future__ import annotations

import datetime
import time
from pathlib import Path

import click

from kgtool.cli.options import as_of_option, store_options
from kgtool.data.loading import StoreSource, open_store
from kgtool.deadline import stop_after_timeout
from kgtool.errors import InputError
from kgtool.web.report import build_report


@click.command()
@click.option(
    "--state", metavar="ISO3", help="The State of the dossier (ISO 3166-1 alpha-3); default: every State with findings."
)
@as_of_option
@store_options
@click.option(
    "-o",
    "--output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The HTML file to write ('-' for standard output).",
)
@stop_after_timeout
def report(state: str | None, as_of: datetime.date | None, source: StoreSource, output: Path) -> None:
    """Write a dossier a person can read: findings, timeline, obligations, incidents, UN statements, positions.

    One self-contained HTML file (styles, script and chart inline): it opens offline and fetches nothing; its
    only external links are the sources a reader clicks. The summary is the findings of `kgtool check` with the
    same numbers; the other sections come from the bundled queries. The SVG timeline runs from the earliest
    binding date to today (or the --as-of day, as on which the dossier answers), with a mark per obligation
    (a bar where a binding ended), incident (sized by count), UN finding or recommendation and stated position;
    each mark shows its details and sources on hover and keyboard focus.
    Exit 1 when data quality fails (no report is built from bad data), 2 on bad input.

    \b
    Example:
        kgtool report --state CHN -o chn.html
        kgtool report --store ./kg -o dossiers.html
    """
    started = time.perf_counter()
    if source.endpoint:
        origin = f"the SPARQL endpoint {source.endpoint}"
    elif source.location is not None:
        origin = f"the store {source.location}"
    else:
        origin = "the bundled graph"
    with open_store((), source) as store:
        html = build_report(store.working_copy(), state, today=as_of, origin=origin)
    if str(output) == "-":
        click.echo(html, nl=False)
        return
    try:
        output.write_text(html, encoding="utf-8")
    except OSError as error:
        raise InputError(f"cannot write the report: {error.strerror}", str(output)) from None
    seconds = time.perf_counter() - started
    click.echo(f"wrote {output} ({len(html.encode('utf-8')) // 1024} KB) in {seconds:.2f} s", err=True)
