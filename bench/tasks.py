"""One benchmark task in its own process: ``python bench/tasks.py TASK FILE`` prints one JSON line.

The line holds the task's wall time in seconds (of the measured part only), the process's peak RSS in KB and
the task's result (a count that the runner compares between the kgtool way and the plain rdflib way).
"""

from __future__ import annotations

import csv
import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

TASKS: dict[str, Callable[[Path], int]] = {}


def task(function: Callable[[Path], int]) -> Callable[[Path], int]:
    """Register a task under its function name."""
    TASKS[function.__name__] = function
    return function


def _rdflib_graph(path: Path):
    import rdflib

    graph = rdflib.Graph()
    graph.parse(path, format="nt" if path.suffix == ".nt" else "turtle")
    return graph


def _kgtool_store(path: Path):
    from kgtool.data.loading import store_with_files

    return store_with_files([path])


# -- load ----------------------------------------------------------------------------------------------------
@task
def load_kgtool(path: Path) -> int:
    """Parse a file into an in-memory pyoxigraph store (kgtool's import and check path)."""
    from kgtool.store import EmbeddedStore

    store = EmbeddedStore()
    start = time.perf_counter()
    store.load_file(path, "https://w3id.org/kgtool/graph/bench")
    TIMER.append(time.perf_counter() - start)
    return len(store)


@task
def load_rdflib(path: Path) -> int:
    """Parse a file into an rdflib Graph."""
    start = time.perf_counter()
    graph = _rdflib_graph(path)
    TIMER.append(time.perf_counter() - start)
    return len(graph)


# -- data quality ---------------------------------------------------------------------------------------------
@task
def quality_kgtool(path: Path) -> int:
    """Validate with the shapes compiled to SPARQL on the store."""
    from kgtool.quality.validate import validate_store

    store = _kgtool_store(path)
    start = time.perf_counter()
    report = validate_store(store)
    TIMER.append(time.perf_counter() - start)
    return len(report.violations)


@task
def quality_pyshacl(path: Path) -> int:
    """Validate with pyshacl on an rdflib graph (ontology + data), the plain way."""
    import pyshacl
    import rdflib

    from kgtool.resources import shape_file, turtle_files

    data = _rdflib_graph(path)
    for ontology in turtle_files("ontology"):
        data.parse(ontology, format="turtle")
    shapes = rdflib.Graph().parse(shape_file("quality.ttl"), format="turtle")
    start = time.perf_counter()
    _conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
    TIMER.append(time.perf_counter() - start)
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    return sum(1 for r in report.subjects(sh.resultSeverity, sh.Violation))


# -- compliance -----------------------------------------------------------------------------------------------
@task
def compliance_kgtool(path: Path) -> int:
    """Derive bindings and run every rule on the store; return the number of (binding, breach) pairs."""
    from kgtool.compliance.rules import derive_bindings, evaluate_rules

    store = _kgtool_store(path)
    start = time.perf_counter()
    derive_bindings(store)
    hits = evaluate_rules(store)
    TIMER.append(time.perf_counter() - start)
    return len({(h.binding, h.value) for h in hits if h.role == "breach"})


@task
def compliance_pyshacl(path: Path) -> int:
    """Run the same rule files with pyshacl (binding rule + SPARQL constraints) on an rdflib graph."""
    import pyshacl
    import rdflib

    from kgtool.compliance.rules import bind_as_of
    from kgtool.resources import rule_files, shape_file, turtle_files

    data = _rdflib_graph(path)
    for ontology in turtle_files("ontology"):
        data.parse(ontology, format="turtle")
    shapes = rdflib.Graph()
    for file in (shape_file("prefixes.ttl"), shape_file("binding.ttl"), *rule_files()):
        # A rule answers for a day ($asOf): pyshacl cannot pre-bind it, so it gets today written in, as kgtool does.
        shapes.parse(data=bind_as_of(file.read_text(encoding="utf-8")), format="turtle")
    start = time.perf_counter()
    _conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, advanced=True, inference="none")
    TIMER.append(time.perf_counter() - start)
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    incidents = {str(v) for v in report.objects(None, sh.value) if "/inc/" in str(v)}
    pairs = {
        (str(report.value(r, sh.focusNode)), str(report.value(r, sh.value)))
        for r in report.subjects(rdflib.RDF.type, sh.ValidationResult)
        if str(report.value(r, sh.value)) in incidents
    }
    return len(pairs)


# -- export ---------------------------------------------------------------------------------------------------
@task
def export_kgtool(path: Path) -> int:
    """Export the store as deterministic Turtle."""
    from kgtool.output.export import export

    store = _kgtool_store(path)
    start = time.perf_counter()
    data = export(store, "turtle")
    TIMER.append(time.perf_counter() - start)
    return len(data)


@task
def export_rdflib(path: Path) -> int:
    """Serialise an rdflib graph as Turtle."""
    graph = _rdflib_graph(path)
    start = time.perf_counter()
    data = graph.serialize(format="turtle", encoding="utf-8")
    TIMER.append(time.perf_counter() - start)
    return len(data)


# -- OWL 2 RL materialisation -----------------------------------------------------------------------------------
@task
def materialise_kgtool(path: Path) -> int:
    """`kgtool reason --materialise` on the store: auto engine (the compiled rules), inferred graph replaced."""
    from kgtool.reasoning.materialise import materialise

    store = _kgtool_store(path)
    start = time.perf_counter()
    inference = materialise(store)
    TIMER.append(time.perf_counter() - start)
    return len(inference.triples)


@task
def materialise_agreement(path: Path) -> int:
    """Return how many inferences the compiled rules and reasonable (+ schema rules) do not share (0 expected)."""
    from kgtool.reasoning.materialise import infer_from_store

    store = _kgtool_store(path)
    start = time.perf_counter()
    compiled = set(infer_from_store(store, "compiled").triples)
    reference = set(infer_from_store(store, "reasonable").triples)
    TIMER.append(time.perf_counter() - start)
    return len(compiled ^ reference)


@task
def materialise_owlrl(path: Path) -> int:
    """Compute the plain way: owlrl's OWL 2 RL closure of an rdflib graph of the ontology + the file."""
    import owlrl

    from kgtool.resources import turtle_files

    graph = _rdflib_graph(path)
    for ontology in turtle_files("ontology"):
        graph.parse(ontology, format="turtle")
    asserted = len(graph)
    start = time.perf_counter()
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(graph)
    TIMER.append(time.perf_counter() - start)
    return len(graph) - asserted


# -- import ------------------------------------------------------------------------------------------------------
@task
def import_kgtool(path: Path) -> int:
    """`kgtool import` into a new empty disk store: parse, convert, validate, one transaction, provenance."""
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        return _timed_import(Path(directory) / "store", path)


def _timed_import(location: Path, path: Path) -> int:
    """Import a file into a new disk store at ``location``, timing the import; return its triples.

    A CSV file goes onto the bundled graph, an RDF file onto the bundled ontology alone.
    """
    from kgtool.data.importer import import_files
    from kgtool.data.loading import load_bundled, open_disk_store

    store = open_disk_store(location, empty=path.suffix != ".csv")
    if path.suffix != ".csv":
        load_bundled(store, with_data=False)
    start = time.perf_counter()
    record = import_files(store, [path])
    TIMER.append(time.perf_counter() - start)
    store.close()
    return record.triples


@task
def import_store(path: Path) -> int:
    """Import a file into a new disk store next to it (``<name>.store``: the bundled ontology, not its data); keep it.

    The UN bench (`run.py --only-un`) then runs `kgtool check`, `report` and the queries on that store.
    """
    import shutil

    shutil.rmtree(path.with_suffix(".store"), ignore_errors=True)
    return _timed_import(path.with_suffix(".store"), path)


@task
def csv_rdflib(path: Path) -> int:
    """Read an incidents CSV the plain way: csv rows added as the same triples to an rdflib Graph."""
    import rdflib

    kgo = rdflib.Namespace("https://w3id.org/kgtool/ontology#")
    kgr = "https://w3id.org/kgtool/id/"
    xsd = rdflib.XSD
    start = time.perf_counter()
    graph = rdflib.Graph()
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            incident = rdflib.URIRef(kgr + "inc/" + row["id"])
            source = rdflib.URIRef(kgr + "source/" + row["source_url"].rsplit("/", 1)[-1])
            graph.add((incident, rdflib.RDF.type, kgo.ForcedReturn))
            graph.add((incident, rdflib.RDFS.label, rdflib.Literal(row["description"], lang="en")))
            graph.add((incident, kgo.returningState, rdflib.URIRef(kgr + "state/" + row["returning_state"])))
            graph.add((incident, kgo.destinationState, rdflib.URIRef(kgr + "state/" + row["destination_state"])))
            graph.add((incident, kgo.startDate, rdflib.Literal(row["date"], datatype=xsd.date)))
            graph.add((incident, kgo.place, rdflib.Literal(row["place"])))
            graph.add((incident, kgo.summary, rdflib.Literal(row["description"], lang="en")))
            graph.add((incident, rdflib.PROV.wasDerivedFrom, source))
            claim = rdflib.URIRef(kgr + "count/" + row["id"])
            graph.add((claim, rdflib.RDF.type, kgo.CountClaim))
            graph.add((claim, kgo.counts, incident))
            graph.add((claim, kgo.people, rdflib.Literal(int(row["people"]))))
            graph.add((claim, rdflib.PROV.wasDerivedFrom, source))
    TIMER.append(time.perf_counter() - start)
    return len(graph)


# -- queries --------------------------------------------------------------------------------------------------
@task
def queries_kgtool(path: Path) -> int:
    """Every bundled query (example parameters) on the bundled graph plus the file; report each median time."""
    import statistics

    from kgtool.compliance.rules import derive_bindings
    from kgtool.data.loading import load_bundled
    from kgtool.queries.library import bundled_queries
    from kgtool.queries.run import run_query
    from kgtool.store import EmbeddedStore

    store = EmbeddedStore()
    load_bundled(store)
    store.load_file(path, "https://w3id.org/kgtool/graph/bench")
    derive_bindings(store)
    timings = {}
    for query in bundled_queries():
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            result = run_query(store, query, {p.name: p.example for p in query.parameters})
            if result.form == "select":
                list(result.result)
            runs.append(time.perf_counter() - start)
        timings[query.name] = statistics.median(runs)
    DETAILS["queries"] = timings
    TIMER.append(max(timings.values()))
    return len(timings)


@task
def queries_store(path: Path) -> int:
    """Every bundled query once on the disk store at ``path``; report each time.

    Parameters take their examples, a State of the bundled graph (kgr:state/CHN) turned into the bench's State
    of that code. Progress goes to ``<store>.queries.json`` after each query (with the one running), so that
    the runner can say which query did not finish when it stops this task.
    """
    from kgtool.data.loading import open_disk_store
    from kgtool.queries.library import bundled_queries
    from kgtool.queries.run import run_query

    store = open_disk_store(path)
    progress = path.with_suffix(".queries.json")
    timings: dict[str, float] = {}
    for query in bundled_queries():
        progress.write_text(json.dumps({"done": timings, "running": query.name}))
        params = {p.name: p.example.replace("/id/state/", "/id/bench/state/") for p in query.parameters}
        start = time.perf_counter()
        result = run_query(store, query, params)
        if result.form == "select":
            list(result.result)
        timings[query.name] = time.perf_counter() - start
    progress.write_text(json.dumps({"done": timings, "running": None}))
    store.close()
    DETAILS["queries"] = timings
    TIMER.append(sum(timings.values()))
    return len(timings)


TIMER: list[float] = []
DETAILS: dict = {}


def main() -> None:
    """Run one task and print its JSON line."""
    name, path = sys.argv[1], Path(sys.argv[2])
    result = TASKS[name](path)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"task": name, "seconds": TIMER[-1], "rss_kb": rss, "result": result, **DETAILS}))


if __name__ == "__main__":
    main()
