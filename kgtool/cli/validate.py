"""`kgtool validate`: the data-quality report."""

from __future__ import annotations

import json
from pathlib import Path

import click

from kgtool.cli.options import format_option, store_options
from kgtool.data.loading import StoreSource, open_store
from kgtool.deadline import stop_after_timeout
from kgtool.errors import EXIT_FAILED
from kgtool.quality.text import format_quality
from kgtool.quality.validate import validate_store
from kgtool.reasoning.ontology_checks import check_ontology
from kgtool.reasoning.text import ontology_report_json, ontology_report_text


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@store_options
@format_option
@click.option(
    "--ontology",
    "ontology_checks",
    is_flag=True,
    help="Run the ontology quality checks (queries/ontology-checks/ and HermiT) instead of the data-quality shapes.",
)
@stop_after_timeout
def validate(paths: tuple[Path, ...], source: StoreSource, output_format: str, ontology_checks: bool) -> None:
    """Report data quality (shapes/quality.ttl) of the bundled graph, or of the given RDF files.

    Given files are checked together with the bundled ontology (not the bundled data). Exit 0 when no
    violation is found (warnings are reported), 1 when there are violations, 2 on unreadable input.

    With --ontology: the ontology quality checks instead, one SPARQL file each in queries/ontology-checks/
    (every kgo: class and property has a label and a definition; every term used is declared or reused; no
    reused term is given new axioms; OWL 2 DL property kinds), plus HermiT on the ontology (needs Java).

    \b
    Example:
        kgtool validate
        kgtool validate my-incidents.ttl --format json
        kgtool validate --ontology
    """
    if ontology_checks:
        with open_store(paths, source) as store:
            ontology_report = check_ontology(store)
        if output_format == "json":
            document = ontology_report_json(ontology_report)
            click.echo(json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True))
        else:
            click.echo(ontology_report_text(ontology_report), nl=False)
        if not ontology_report.conforms:
            raise click.exceptions.Exit(EXIT_FAILED)
        return
    with open_store(paths, source) as store:
        report = validate_store(store.working_copy())
    if output_format == "json":
        click.echo(json.dumps(report.as_dict(), indent=2, ensure_ascii=False, sort_keys=True))
    else:
        status = "holds" if report.holds else "fails"
        shacl = "conforms" if report.conforms else f"does not conform: {len(report.results)} result(s)"
        click.echo(
            f"Data quality {status}: {len(report.violations)} violation(s), {len(report.warnings)} warning(s) "
            f"(SHACL {shacl})."
        )
        for line in format_quality(report):
            click.echo(line)
    if not report.holds:
        raise click.exceptions.Exit(EXIT_FAILED)
