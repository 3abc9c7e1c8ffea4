"""`kgtool validate`: the data-quality report."""

from __future__ import annotations

import json
from pathlib import Path

import click

from kgtool.cli.options import format_option, store_option
from kgtool.errors import EXIT_FAILED
from kgtool.formats.findings_text import format_quality
from kgtool.loading import open_store
from kgtool.validate import validate_store


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@store_option
@format_option
def validate(paths: tuple[Path, ...], store_location: Path | None, output_format: str) -> None:
    """Report data quality (shapes/quality.ttl) of the bundled graph, or of the given RDF files.

    Given files are checked together with the bundled ontology (not the bundled data). Exit 0 when no
    violation is found (warnings are reported), 1 when there are violations, 2 on unreadable input.

    \b
    Example:
        kgtool validate
        kgtool validate my-incidents.ttl --format json
    """
    with open_store(paths, store_location) as store:
        report = validate_store(store)
    if output_format == "json":
        document = {
            "conforms": report.conforms,
            "violations": len(report.violations),
            "warnings": len(report.warnings),
            "results": [r.as_dict() for r in report.results],
        }
        click.echo(json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True))
    else:
        status = "conforms" if report.conforms else "does not conform"
        click.echo(f"Data quality {status}: {len(report.violations)} violation(s), {len(report.warnings)} warning(s).")
        for line in format_quality(report):
            click.echo(line)
    if not report.conforms:
        raise click.exceptions.Exit(EXIT_FAILED)
