"""`kgtool reason`: HermiT consistency and classification, or OWL 2 RL materialisation."""

from __future__ import annotations

import json
from pathlib import Path

import click

from kgtool.cli.options import store_options
from kgtool.data.loading import StoreSource, open_store
from kgtool.errors import EXIT_FAILED, InputError
from kgtool.reasoning.consistency import reason_store
from kgtool.reasoning.materialise import ENGINES, materialise
from kgtool.reasoning.text import (
    hierarchy_turtle,
    inference_json,
    inference_text,
    inference_turtle,
    report_json,
    report_text,
)
from kgtool.store import INFERRED_GRAPH


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@store_options
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "turtle"]),
    default="text",
    show_default=True,
    help="Text; JSON with stable keys; or Turtle (the class hierarchy, or with --materialise the inferred triples).",
)
@click.option("--ontology-only", is_flag=True, help="Check the ontology alone, not the ontology with the data.")
@click.option(
    "--materialise",
    "--materialize",
    "materialise_",
    is_flag=True,
    help=f"Compute the OWL 2 RL inferences into the graph <{INFERRED_GRAPH}> instead (replacing it).",
)
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="auto",
    show_default=True,
    help="OWL 2 RL engine for --materialise: auto picks the compiled rules when the schema allows, else "
    "reasonable unless the graph needs owlrl.",
)
def reason(
    paths: tuple[Path, ...],
    source: StoreSource,
    output_format: str,
    ontology_only: bool,
    materialise_: bool,
    engine: str,
) -> None:
    """Run a real OWL reasoner on the ontology and the data (asserted triples only).

    Without --materialise: HermiT (through owlready2, needs Java; KGTOOL_JAVA names the java executable)
    checks the ontology alone, then the ontology with the data, names the individuals and classes of an
    inconsistency and the unsatisfiable classes, and prints the class hierarchy after classification. Exit 1
    when something is inconsistent or a class is unsatisfiable, 2 when Java is missing or the input is bad.

    With --materialise: computes the OWL 2 RL inferences (not already asserted) and replaces the store's
    inferred graph with them, so re-running gives the same graph; `kgtool export` leaves that graph out
    unless --graph names it, and `kgtool check --reason` runs the rules over asserted + inferred triples.

    \b
    Example:
        kgtool reason
        kgtool reason --format json my-incidents.ttl
        kgtool reason --materialise --store ./kg
        kgtool reason --materialise --endpoint http://localhost:7878
        kgtool reason --materialise --format turtle > inferred.ttl
    """
    if materialise_ and ontology_only:
        raise InputError("give --materialise or --ontology-only, not both")
    if engine != "auto" and not materialise_:
        raise InputError("--engine applies to --materialise only")
    with open_store(paths, source) as store:
        if materialise_:
            inference = materialise(store, engine)
            stored = source.location is not None or source.endpoint is not None
            if output_format == "json":
                click.echo(json.dumps(inference_json(inference, INFERRED_GRAPH, stored), indent=2, ensure_ascii=False))
            elif output_format == "turtle":
                click.echo(inference_turtle(inference).decode("utf-8"), nl=False)
            else:
                click.echo(inference_text(inference, INFERRED_GRAPH, stored), nl=False)
            return
        report = reason_store(store, ontology_only=ontology_only)
    if output_format == "json":
        click.echo(json.dumps(report_json(report), indent=2, ensure_ascii=False))
    elif output_format == "turtle":
        click.echo(hierarchy_turtle(report).decode("utf-8"), nl=False)
        for run in report.runs():
            if not run.ok:
                click.echo(f"kgtool: {run.name} is inconsistent or has unsatisfiable classes", err=True)
    else:
        click.echo(report_text(report), nl=False)
    if not report.ok:
        raise click.exceptions.Exit(EXIT_FAILED)
