"""`kgtool query` and `kgtool queries`: the SPARQL library and the user's own queries."""

from __future__ import annotations

import json

import click

from kgtool.cli.options import store_options
from kgtool.data.loading import StoreSource, open_store
from kgtool.deadline import stop_after_timeout
from kgtool.errors import EXIT_FAILED
from kgtool.output.results import standard_results, table, turtle
from kgtool.queries.library import bundled_queries, find_query, parse_params
from kgtool.queries.run import QueryResult, evaluation_error, run_query


@click.command()
@click.argument("name_or_file")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="Bind a declared parameter (repeatable).")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json", "csv", "tsv"]),
    default="table",
    show_default=True,
    help="SELECT output: a readable table, or SPARQL 1.1 Query Results JSON, CSV or TSV.",
)
@click.option(
    "--allow-service",
    is_flag=True,
    help="Let SERVICE clauses call other SPARQL servers (federated query). Off by default: kgtool sends no "
    "request anywhere unless asked.",
)
@store_options
@stop_after_timeout
def query(
    name_or_file: str, params: tuple[str, ...], output_format: str, allow_service: bool, source: StoreSource
) -> None:
    """Run a bundled query by name, or a .rq file, read-only, on the graph.

    Parameters are bound as typed RDF terms (iri, date, integer, string, as the query's header declares),
    never pasted into the query text. ASK prints true or false and exits 0 or 1; CONSTRUCT and DESCRIBE print
    Turtle. Updates (INSERT, DELETE, LOAD, CLEAR, DROP, ...) are refused with exit 2, and so is a SERVICE
    clause unless --allow-service is given.

    \b
    Example:
        kgtool query obligations-of-state-at-date --param state=kgr:state/CHN --param date=2000-01-01
        kgtool query my-query.rq --format csv > rows.csv
    """
    query_file = find_query(name_or_file)
    with open_store((), source) as store:
        result = run_query(store, query_file, parse_params(params), None if allow_service else ())
        try:
            _print_result(result, output_format)
        except click.exceptions.Exit:
            raise
        except (OSError, RuntimeError) as error:  # results are computed as they are printed
            raise evaluation_error(error, str(query_file.path)) from None


def _print_result(result: QueryResult, output_format: str) -> None:
    """Print a query result in the requested format; a false ASK exits 1."""
    if result.form == "ask":
        click.echo("true" if result.result else "false")
        if not result.result:
            raise click.exceptions.Exit(EXIT_FAILED)
    elif result.form == "construct":
        click.echo(turtle(result.result).decode("utf-8"), nl=False)
    elif output_format == "table":
        click.echo(table(result.result), nl=False)
    else:
        text = standard_results(result.result, output_format).decode("utf-8")
        click.echo(text, nl=output_format == "json")


@click.command()
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def queries(output_format: str) -> None:
    """List the bundled queries with their titles, questions and parameters.

    \b
    Example:
        kgtool queries
        kgtool queries --format json
    """
    library = bundled_queries()
    if output_format == "json":
        click.echo(json.dumps([q.as_dict() for q in library], indent=2, ensure_ascii=False))
        return
    for q in library:
        cq = f" (competency question {q.competency_question})" if q.competency_question else ""
        click.echo(f"{q.name}{cq}\n    {q.title}\n    {q.question}")
        for p in q.parameters:
            click.echo(f"    --param {p.name}=<{p.type}>  e.g. {p.example}  {p.description}")
