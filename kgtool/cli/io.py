"""`kgtool import`, `kgtool imports` and `kgtool export`: data in and out of a store."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from kgtool.cli.options import store_options
from kgtool.data.convert import SourceDefaults
from kgtool.data.importer import QualityFailureError, import_files, list_imports, undo_import
from kgtool.data.kinds import TABLE_KINDS, all_kinds, describe_kind, kind_named, template_csv
from kgtool.data.loading import StoreSource, open_disk_store, open_store
from kgtool.data.tables import TableOptions
from kgtool.errors import InputError
from kgtool.output.export import EXPORT_FORMATS, select_for_export, serialize
from kgtool.quality.text import format_quality
from kgtool.store import EmbeddedStore
from kgtool.store.rdf_files import FORMAT_BY_SUFFIX
from kgtool.store.remote import RemoteStore

_IMPORT_FORMATS = sorted(set(FORMAT_BY_SUFFIX.values()))


def _writable_store(source: StoreSource, empty: bool = False) -> EmbeddedStore | RemoteStore:
    """Return the store an import writes to: a disk store (--store) or a SPARQL server (--endpoint)."""
    if source.location is not None and source.endpoint:
        raise InputError("give --store DIR or --endpoint URL, not both")
    if source.endpoint:
        if empty:
            raise InputError("--empty applies to a new --store, not to --endpoint")
        return RemoteStore.connect(source.endpoint, source.profile)
    if source.location is None:
        raise InputError("this command writes to a persistent store: give --store DIR (or set KGTOOL_STORE)")
    return open_disk_store(source.location, empty=empty)


@click.command(name="import")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@store_options
@click.option("--format", "forced_format", type=click.Choice(_IMPORT_FORMATS), help="Read every file as this format.")
@click.option("--kind", type=click.Choice(list(all_kinds())), help="The kind of every CSV file (else: its header).")
@click.option("--instrument", metavar="SLUG", help="The treaty a treaty-status table is the status of.")
@click.option("--source", "source_url", metavar="URL_OR_SYMBOL", help="The source of every row that names none.")
@click.option("--source-title", default="", help="Its title (with --source).")
@click.option("--source-publisher", default="", help="Its publisher (with --source).")
@click.option("--source-date", default="", help="Its date, YYYY-MM-DD (with --source).")
@click.option("--mapping", type=click.Path(path_type=Path), help="CSVW metadata describing the CSV files' own layout.")
@click.option("--template", "template_kind", metavar="KIND", help="Print the header and an example row of a kind.")
@click.option("--empty", is_flag=True, help="A new store starts empty instead of from the bundled graph.")
@click.option("--undo", "undo_id", metavar="ID", help="Remove exactly one earlier import (see `kgtool imports`).")
def import_(
    files: tuple[Path, ...],
    source: StoreSource,
    forced_format: str | None,
    kind: str | None,
    instrument: str | None,
    source_url: str | None,
    source_title: str,
    source_publisher: str,
    source_date: str,
    mapping: Path | None,
    template_kind: str | None,
    empty: bool,
    undo_id: str | None,
) -> None:
    """Add RDF files, CSV files or XLSX/ODS workbooks to a store or a SPARQL server, all or nothing.

    Formats by extension (.ttl .nt .nq .trig .jsonld .rdf/.owl/.xml .csv .xlsx .ods) or --format. A CSV file's
    kind follows from its header (`kgtool kinds` lists them; `--template KIND` prints one); a workbook holds one
    sheet a kind, named after it; `--mapping` reads CSV files of your own layout through CSVW metadata. The
    files of one import may refer to each other. Everything is staged in the target (--store DIR, or --endpoint
    URL through the Graph Store Protocol), the quality shapes run over the stored plus the staged data, and one
    update then commits: the import's own named graph, recorded as a prov:Activity (files, SHA-256, time,
    triple counts), and the bindings re-derived. `--undo ID` removes one import. Exit 2 on bad input (file,
    row, column) or a server error (naming the endpoint), 1 when the data would break data quality; in every
    case nothing is written. Server credentials come from KGTOOL_USER/KGTOOL_PASSWORD or ~/.netrc.

    \b
    Example:
        kgtool import --template findings > findings.csv
        kgtool import instruments.csv provisions.csv findings.csv incidents.csv --store ./kg
        kgtool import status.csv --instrument cat-1984 --source https://treaties.un.org/... --store ./kg
        kgtool imports --store ./kg
        kgtool import --undo 20261123T101500123456Z-1a2b3c4d --store ./kg
        kgtool import incidents.csv extra.ttl --endpoint http://127.0.0.1:7878
    """
    if template_kind is not None:
        if template_kind not in all_kinds():
            raise InputError(f"unknown kind {template_kind!r} (kinds: {', '.join(all_kinds())})")
        click.echo(template_csv(kind_named(template_kind)), nl=False)
        return
    if undo_id is not None and files:
        raise InputError("give files to import or --undo ID, not both")
    defaults = SourceDefaults(source_url or "", source_title, source_publisher, source_date)
    if source_url and not (source_title and source_publisher):
        raise InputError("--source needs --source-title and --source-publisher too")
    options = TableOptions(kind=kind, instrument=instrument, source=defaults)
    try:
        with _writable_store(source, empty) as store:
            if undo_id is not None:
                record = undo_import(store, undo_id)
                click.echo(f"undid import {record.id}: removed graph {record.graph} ({record.triples} triples)")
                return
            record = import_files(
                store, list(files), forced_format, show_progress=sys.stderr.isatty(), options=options, mapping=mapping
            )
    except QualityFailureError as failure:
        click.echo(f"kgtool: error: {failure}", err=True)
        for line in format_quality(failure.report):
            if line.startswith("[Violation]"):
                click.echo(line, err=True)
        raise click.exceptions.Exit(failure.exit_code) from None
    for warning in record.warnings:
        click.echo(warning, err=True)
    names = ", ".join(f"{f.name} ({f.format}, {f.triples} triples)" for f in record.files)
    click.echo(f"imported {record.triples} triples as {record.id} into {record.graph}: {names}")


@click.command()
@click.argument("kind", required=False)
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def kinds(kind: str | None, output_format: str) -> None:
    """List the kinds `kgtool import` reads, with their columns; or one kind's columns in full.

    \b
    Example:
        kgtool kinds
        kgtool kinds participation
        kgtool kinds --format json
    """
    if kind is not None and kind not in all_kinds():
        raise InputError(f"unknown kind {kind!r} (kinds: {', '.join(all_kinds())})")
    chosen = [kind_named(kind)] if kind else list(all_kinds().values())
    if output_format == "json":
        click.echo(json.dumps([describe_kind(k) for k in chosen], indent=2, ensure_ascii=False))
        return
    for entry in chosen:
        click.echo(f"{entry.name}: {entry.description}")
        if kind is None:
            click.echo("  " + template_csv(entry).splitlines()[0])  # the header, as a CSV line
            continue
        for column in entry.columns:
            required = ", required" if column.required else ""
            click.echo(f"  {column.name} ({column.type}{required}): {column.description}")
        if entry.name not in TABLE_KINDS:
            click.echo("  source_url, source_title, source_publisher, source_date: the row's source (or --source)")


@click.command()
@store_options
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def imports(source: StoreSource, output_format: str) -> None:
    """List the imports recorded in a store or on a server: id, time, graph, triples and files (with SHA-256).

    \b
    Example:
        kgtool imports --store ./kg --format json
        kgtool imports --endpoint http://127.0.0.1:7878
    """
    with _writable_store(source) as store:
        records = list_imports(store)
    if output_format == "json":
        click.echo(json.dumps([r.as_dict() for r in records], indent=2, ensure_ascii=False))
        return
    if not records:
        click.echo("no imports")
    for r in records:
        click.echo(f"{r.id}  {r.time}  {r.triples} triples  {r.graph}")
        for f in r.files:
            click.echo(f"    {f.name}  {f.format}  {f.triples} triples  sha256:{f.sha256}")


@click.command(name="export")
@store_options
@click.option("--format", "output_format", type=click.Choice(EXPORT_FORMATS), default="turtle", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write to FILE, not stdout.")
@click.option("--graph", metavar="IRI", help="Export one named graph only.")
def export_(source: StoreSource, output_format: str, output: Path | None, graph: str | None) -> None:
    """Export the graph deterministically: the same graph always gives the same bytes.

    Subjects and predicates in a stable order, prefixes from ontology/context.jsonld, canonical blank node
    labels (RDFC-1.0). Turtle, N-Triples and JSON-LD merge the named graphs; TriG and N-Quads keep them.
    The derived bindings and the inferred graph are left out (they are recomputed); --graph picks one named graph.

    \b
    Example:
        kgtool export --store ./kg --format trig -o kg.trig
        kgtool export --graph https://w3id.org/kgtool/graph/data > data.ttl
    """
    with open_store((), source) as store:
        statements = select_for_export(store, output_format, graph)  # a bad --graph fails before -o is touched
    if output is None:
        click.echo(serialize(statements, output_format).decode("utf-8"), nl=False)
    else:
        with output.open("wb") as file:  # written as it is serialised: no second copy of the export in memory
            serialize(statements, output_format, file)
