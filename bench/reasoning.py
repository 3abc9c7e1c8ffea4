"""Measure kgtool's reasoners and write ``bench/RESULTS-reasoning.md``.

- HermiT (through owlready2; consistency and classification, as `kgtool reason` runs it) on the ontology
  alone, on the ontology with the bundled data, and on ~100k triples (given at most 300 s);
- OWL 2 RL materialisation with ``reasonable`` (plus kgtool's schema-rule completion) and with ``owlrl``, on
  the bundled graph and on ~100k triples, and whether both give the same inferences;
- the two commands end to end on the bundled graph.

The ~100k graph is the bundled ontology plus the bundled instance data copied N times, every instance IRI
(``https://w3id.org/kgtool/id/...``, except the SKOS concepts of the ontology) suffixed with ``-cN`` per copy.
Every measurement runs in a child process of its own (so a timeout also stops Java); medians of 3 runs,
except single runs where a run takes minutes (marked).

    python bench/reasoning.py
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

import pyoxigraph as ox

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
RESULTS = HERE / "RESULTS-reasoning.md"
KGR = "https://w3id.org/kgtool/id/"
SHARED = KGR + "concept/"
TARGET = 100_000
HERMIT_LIMIT = 300.0
OWLRL_LIMIT = 900.0


# -- graphs -----------------------------------------------------------------------------------------------------
def _suffixed(term: ox.NamedNode | ox.BlankNode | ox.Literal, copy: int) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if isinstance(term, ox.NamedNode) and term.value.startswith(KGR) and not term.value.startswith(SHARED):
        return ox.NamedNode(f"{term.value}-c{copy}")
    if isinstance(term, ox.BlankNode):
        return ox.BlankNode(f"{term.value}c{copy}")
    return term


def write_graphs() -> dict[str, Path]:
    """Write the ontology, the bundled graph and the ~100k graph as N-Triples; return their paths."""
    from kgtool.data.loading import bundled_store
    from kgtool.reasoning.graphs import asserted_triples, ntriples, ontology_triples
    from kgtool.store import DATA_GRAPH

    store = bundled_store()
    ontology = ontology_triples(store)
    bundled = asserted_triples(store)
    data = sorted({q.triple for q in store.quads(DATA_GRAPH)}, key=str)
    copies = round((TARGET - len(ontology)) / len(data))
    big = list(ontology)
    for copy in range(copies):
        big += [ox.Triple(_suffixed(t.subject, copy), t.predicate, _suffixed(t.object, copy)) for t in data]
    DATA.mkdir(exist_ok=True)
    paths = {"ontology": ontology, "bundled": bundled, f"copies-{copies}": big}
    written = {}
    for name, triples in paths.items():
        path = DATA / f"reasoning-{name}.nt"
        path.write_bytes(ntriples(triples))
        written[name] = path
    return written


def _read(path: Path) -> list[ox.Triple]:
    return [q.triple for q in ox.parse(path=str(path), format=ox.RdfFormat.N_TRIPLES)]


# -- child processes ------------------------------------------------------------------------------------------
def child(kind: str, path: Path) -> None:
    """Run one measurement and print its result as JSON (called in a child process)."""
    triples = _read(path)
    if kind == "hermit":
        from kgtool.reasoning.hermit import run_hermit
        from kgtool.reasoning.java import find_java

        result = run_hermit(triples, find_java())
        report = {"seconds": result.seconds, "consistent": result.consistent, "triples": len(triples)}
    else:
        from kgtool.reasoning.graphs import ntriples
        from kgtool.reasoning.materialise import infer

        inference = infer(triples, kind)
        out = path.with_suffix(f".{kind}.inferred.nt")
        out.write_bytes(ntriples(inference.triples))
        report = {"seconds": inference.seconds, "inferred": len(inference.triples), "triples": len(triples)}
    print(json.dumps(report))


def measure(kind: str, path: Path, runs: int, limit: float) -> dict:
    """Run a measurement ``runs`` times in child processes; return the median, or note a timeout."""
    results = []
    for _ in range(runs):
        command = [sys.executable, __file__, "--child", kind, str(path)]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
        try:
            stdout, stderr = process.communicate(timeout=limit)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            return {"timeout": limit}
        if process.returncode != 0:
            return {"error": stderr.decode("utf-8", "replace").strip().splitlines()[-1]}
        results.append(json.loads(stdout))
    summary = dict(results[0])
    summary["seconds"] = statistics.median(r["seconds"] for r in results)
    summary["runs"] = runs
    return summary


def command_time(args: list[str], runs: int = 3) -> float:
    """Return the median wall time of a kgtool command (exit 0 expected)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "kgtool", *args], check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# -- report ---------------------------------------------------------------------------------------------------
def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine() -> list[str]:
    """Return lines describing the machine and the versions measured."""
    from kgtool.reasoning.hermit import hermit_version
    from kgtool.reasoning.java import find_java

    cpu = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        models = [line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines() if "model name" in line]
        cpu = models[0] if models else cpu
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        total = next(line for line in meminfo.read_text().splitlines() if line.startswith("MemTotal"))
        memory = f", {int(total.split()[1]) // 1024 // 1024} GiB RAM"
    java = subprocess.run([find_java(), "-version"], capture_output=True, text=True).stderr.splitlines()[0]
    versions = ", ".join(f"{p} {_version(p)}" for p in ("owlready2", "owlrl", "reasonable", "rdflib", "pyoxigraph"))
    return [
        f"- Date: {datetime.date.today().isoformat()}",
        f"- Machine: {platform.platform()}, {os.cpu_count()} cores ({cpu}){memory}",
        f"- Python {platform.python_version()}; {versions}; HermiT {hermit_version()} (bundled with owlready2)",
        f"- Java: {java}",
    ]


def _cell(result: dict) -> str:
    if "timeout" in result:
        return f"did not finish in {result['timeout']:.0f} s"
    if "error" in result:
        return f"failed: {result['error']}"
    runs = "" if result.get("runs", 1) > 1 else " (1 run)"
    return f"{result['seconds']:.2f} s{runs}"


def _same(paths: dict[str, Path], name: str) -> str:
    fast = paths[name].with_suffix(".reasonable.inferred.nt")
    reference = paths[name].with_suffix(".owlrl.inferred.nt")
    if not (fast.exists() and reference.exists()):
        return "not compared (owlrl did not finish)"
    a, b = set(_read(fast)), set(_read(reference))
    if a == b:
        return f"identical ({len(a)} triples)"
    return f"differ: {len(a - b)} only from reasonable, {len(b - a)} only from owlrl"


def main() -> None:
    """Write the graphs, run every measurement and write bench/RESULTS-reasoning.md."""
    paths = write_graphs()
    big = next(name for name in paths if name.startswith("copies-"))
    sizes = {name: sum(1 for _ in path.open("rb")) for name, path in paths.items()}
    for stale in DATA.glob("reasoning-*.inferred.nt"):
        stale.unlink()
    rows = []
    for label, name, runs in (("ontology alone", "ontology", 3), ("ontology + bundled data", "bundled", 3)):
        rows.append(
            (f"HermiT consistency + classification, {label}", sizes[name], measure("hermit", paths[name], runs, 600))
        )
        print(rows[-1], flush=True)
    rows.append(
        ("HermiT consistency + classification, ~100k", sizes[big], measure("hermit", paths[big], 1, HERMIT_LIMIT))
    )
    print(rows[-1], flush=True)
    for name, label in (("bundled", "bundled"), (big, "~100k")):
        for engine, runs in (("reasonable", 3), ("owlrl", 3 if name == "bundled" else 1)):
            result = measure(engine, paths[name], runs, OWLRL_LIMIT)
            rows.append((f"OWL 2 RL materialisation, {engine}, {label}", sizes[name], result))
            print(rows[-1], flush=True)
    reason_cli = command_time(["reason"])
    materialise_cli = command_time(["reason", "--materialise"])
    lines = [
        "# Reasoning benchmark",
        "",
        "Written by `python bench/reasoning.py` (see its docstring for what is measured and how).",
        "",
        *machine(),
        f"- Graphs: the bundled ontology ({sizes['ontology']} triples); ontology + bundled data "
        f"({sizes['bundled']} triples); ontology + the bundled instance data copied {big.split('-')[1]} times "
        f"with instance IRIs suffixed per copy ({sizes[big]} triples).",
        "",
        "| job | triples | time (median of 3 unless marked) | result |",
        "|---|---:|---|---|",
    ]
    for job, triples, result in rows:
        detail = ""
        if "consistent" in result:
            detail = "consistent" if result["consistent"] else "inconsistent"
        elif "inferred" in result:
            detail = f"{result['inferred']} triples inferred"
        lines.append(f"| {job} | {triples} | {_cell(result)} | {detail} |")
    lines += [
        f"| `kgtool reason` end to end (load, 2 HermiT runs, hierarchy), bundled | {sizes['bundled']} | "
        f"{reason_cli:.2f} s | |",
        f"| `kgtool reason --materialise` end to end, bundled | {sizes['bundled']} | {materialise_cli:.2f} s | |",
        "",
        "Same inferences from both engines (after dropping what holds of everything, see",
        "`kgtool/reasoning/materialise.py`):",
        f"- bundled: {_same(paths, 'bundled')}",
        f"- ~100k: {_same(paths, big)}",
        "",
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print(RESULTS.read_text())


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs=2, metavar=("KIND", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]))
    else:
        main()
