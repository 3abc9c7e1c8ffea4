"""`kgtool check`: the main job."""

from __future__ import annotations

import datetime
from pathlib import Path

import click

from kgtool.cli.options import as_of_option, format_option, store_options
from kgtool.compliance.check import known_states, run_check
from kgtool.compliance.text import format_check
from kgtool.data.loading import StoreSource, open_store
from kgtool.deadline import stop_after_timeout
from kgtool.errors import EXIT_FAILED, InputError
from kgtool.output.json_output import compact_json
from kgtool.reasoning.materialise import materialise


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--state", metavar="ISO3", help="Only findings for this State (ISO 3166-1 alpha-3, e.g. CHN).")
@click.option(
    "--reason",
    "with_reasoning",
    is_flag=True,
    help="First materialise the OWL 2 RL inferences into the inferred graph (as `kgtool reason --materialise`), "
    "so the rules run over asserted + inferred triples.",
)
@as_of_option
@store_options
@format_option
@stop_after_timeout
def check(
    paths: tuple[Path, ...],
    source: StoreSource,
    state: str | None,
    with_reasoning: bool,
    as_of: datetime.date | None,
    output_format: str,
) -> None:
    """Name each unmet obligation: State, obligation, since when, first breach, evidence, contested by.

    Loads the bundled ontology and graph (or the given RDF data files, with the bundled ontology) into an
    embedded store, validates data quality, derives which obligations bind which State since when, and runs
    the compliance rules of shapes/rules/, as on today or on the --as-of day. With --reason the rules also see
    what the ontology entails (e.g. a return typed only by a subclass of kgo:ForcedReturn).
    Exit 0 when data quality holds (findings are the product, not an error), 1 when it fails, 2 on bad input.

    \b
    Example:
        kgtool check --state CHN
        kgtool check --format json > findings.json
        kgtool check --reason my-incidents.ttl
        kgtool check --store ./kg --as-of 2013-09-10 --state VEN
    """
    with open_store(paths, source) as store:
        if with_reasoning:
            materialise(store)
        if state is not None:
            codes = known_states(store)
            if state not in codes:
                raise InputError(f"unknown State code {state!r} for --state (known: {', '.join(codes)})")
        result = run_check(store.working_copy(), state, as_of)
    if output_format == "json":
        document = {"findings": result.findings, "quality": result.quality.as_dict()}
        # Compact: at a million triples, indentation alone costs seconds; pipe into `jq .` to read it.
        click.echo(compact_json(document))
    else:
        click.echo(format_check(result.findings, result.quality), nl=False)
    if not result.quality.holds:
        raise click.exceptions.Exit(EXIT_FAILED)
