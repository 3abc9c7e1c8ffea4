"""`kgtool push` and `kgtool check --endpoint` on real SPARQL servers, against the embedded store, per graph size.

For each size (the bundled graph, or a graph from bench/generate.py of about N triples) this starts a fresh
Oxigraph server and a fresh Virtuoso 7 on 127.0.0.1 (free ports, temporary directories; tests/servers.py), and
measures, each step as a cold `kgtool` process under `/usr/bin/time` (wall time, peak RSS):

- for a generated graph, `kgtool import FILE.nt --store DIR` (a new store: bundled ontology + graph + the file);
- `kgtool push --endpoint URL [--store DIR]` to each server, then `kgtool check --endpoint URL --format json`
  (when every push to Virtuoso fails, the store is loaded with Virtuoso's bulk loader, so check is still measured);
- for comparison `kgtool check --store DIR --format json` (embedded disk store) and `kgtool check [FILE] --format
  json` (in memory; for a generated graph: the bundled ontology and the file, without the bundled graph).

The check JSON of every server must equal the embedded one exactly, and the number of findings what the generator
computed (bundled graph: 7; the store: the file's findings plus the bundled graph's 7). Any mismatch fails the run
(exit 1) after the results are written. Every step has a timeout and is recorded as "did not finish in N s";
failures are recorded with their message. Each server is stopped after its measurements, also on failure. Writes
bench/RESULTS-servers.md.

    python bench/servers.py --sizes 10000 --repeat 1          # smoke
    python bench/servers.py --sizes bundled 1000000 --repeat 3
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

import pyoxigraph as ox
from run import generate, machine, with_kept_notes

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
BUNDLED_FINDINGS = 7


def _test_servers():
    """Load tests/servers.py (not a package) under a name of its own."""
    spec = importlib.util.spec_from_file_location("kgtool_test_servers", ROOT / "tests" / "servers.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks itself up there
    spec.loader.exec_module(module)
    return module


servers = _test_servers()


def virtuoso_settings(timeout: float) -> str:
    """Return the tests' Virtuoso ini with room for a million-triple graph: more result rows, longer queries."""
    ini = servers.VIRTUOSO_INI
    for key, value in (("ResultSetMaxRows", "10000000"), ("MaxQueryExecutionTime", str(int(timeout)))):
        lines = [line for line in ini.splitlines() if line.startswith(f"{key} = ")]
        if len(lines) != 1:
            raise RuntimeError(f"tests/servers.py's Virtuoso ini has no single {key} line")
        ini = ini.replace(lines[0], f"{key} = {value}")
    return ini


# -- one cold process ---------------------------------------------------------------------------------------------
def run_step(arguments: list[str], timeout: float, env: dict[str, str]) -> dict:
    """Run ``kgtool ARGUMENTS`` as a cold process under /usr/bin/time.

    Returns {seconds, rss_mb, stdout} on success, {timeout} when it did not finish, {error} when it failed.
    The process group is killed on timeout, so no kgtool process outlives its step.
    """
    with tempfile.NamedTemporaryFile(suffix=".rss") as rss_file:
        command = ["/usr/bin/time", "-f", "%M", "-o", rss_file.name, sys.executable, "-m", "kgtool", *arguments]
        start = time.perf_counter()
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=ROOT,
            start_new_session=True,
        )
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            return {"timeout": timeout}
        seconds = time.perf_counter() - start
        if process.returncode != 0:
            lines = stderr.decode("utf-8", "replace").strip().splitlines()
            message = next((line for line in reversed(lines) if line.strip()), "") or f"exit {process.returncode}"
            return {"error": f"exit {process.returncode}: {message[:500]}"}
        rss_lines = Path(rss_file.name).read_text().strip().splitlines()
        return {"seconds": seconds, "rss_mb": int(rss_lines[-1]) / 1024, "stdout": stdout}


def repeat_step(label: str, arguments: list[str], times: int, timeout: float, env: dict[str, str]) -> dict:
    """Run a step ``times`` times; summarise median, min, peak RSS; keep every output (checks compare them)."""
    runs = []
    for _ in range(times):
        outcome = run_step(arguments, timeout, env)
        print(f"  {label}: {describe(outcome)}", flush=True)
        if "seconds" not in outcome:
            return outcome
        runs.append(outcome)
    seconds = [r["seconds"] for r in runs]
    return {
        "median": statistics.median(seconds),
        "min": min(seconds),
        "rss_mb": max(r["rss_mb"] for r in runs),
        "outputs": [r["stdout"] for r in runs],
    }


def describe(outcome: dict) -> str:
    """One line for the progress log."""
    if "timeout" in outcome:
        return f"did not finish in {outcome['timeout']:g} s"
    if "error" in outcome:
        return f"error: {outcome['error']}"
    return f"{outcome['seconds']:.2f} s, {outcome['rss_mb']:.0f} MB"


def short_error(message: str) -> str:
    """Shorten an error for a table cell (the failures list keeps it whole): no exit code, URL or query text."""
    text = re.sub(r"^exit \d+: (kgtool: error: )?", "", message)
    text = re.sub(r"urn:kgtool:upload:\w+:\d+", "(temporary graph)", text)
    text = re.sub(r" \(https?://[^ )]*\)$", "", text.split("  SPARQL query:")[0].strip())
    return text[:200].replace("|", "/")


def cell(entry: dict | None) -> str:
    """Format a table cell: median, min and peak RSS; or the timeout, the error, or a dash."""
    if entry is None:
        return "–"
    if "timeout" in entry:
        return f"did not finish in {entry['timeout']:g} s"
    if "error" in entry:
        return f"error: {short_error(entry['error'])}"
    if "skipped" in entry:
        return f"not run ({entry['skipped']})"
    return f"{entry['median']:.2f} s (min {entry['min']:.2f}), {entry['rss_mb']:.0f} MB"


# -- checks of the answers --------------------------------------------------------------------------------------
def first_difference(left: object, right: object, path: str = "$") -> str:
    """Where two JSON values first differ, as a JSON path with both values (shortened)."""
    if type(left) is not type(right):
        return f"{path}: {type(left).__name__} vs {type(right).__name__}"
    if isinstance(left, dict):
        for key in sorted(set(left) | set(right)):
            if key not in left or key not in right:
                return f"{path}.{key}: present on one side only"
            if left[key] != right[key]:
                return first_difference(left[key], right[key], f"{path}.{key}")
    if isinstance(left, list):
        if len(left) != len(right):
            return f"{path}: {len(left)} vs {len(right)} items"
        for index, (a, b) in enumerate(zip(left, right, strict=True)):
            if a != b:
                return first_difference(a, b, f"{path}[{index}]")
    return f"{path}: {json.dumps(left)[:200]} vs {json.dumps(right)[:200]}"


def judge(row: dict, reference: bytes | None, expected: int, failures: list[str], where: str) -> bytes | None:
    """Set the row's findings and equality; add a failure for any mismatch or unstable output.

    Returns the first check output (bytes), or None when the check did not succeed. The outputs are dropped
    from the row (at a million triples each is tens of MB).
    """
    outputs = row["check"].pop("outputs", None)
    if not outputs:
        return None
    first = outputs[0]
    document = json.loads(first)
    for other in outputs[1:]:
        if other != first and json.loads(other) != document:
            failures.append(f"{where}: the check JSON differs between repetitions")
    row["findings"] = len(document["findings"])
    if not document["quality"]["conforms"]:
        failures.append(f"{where}: data quality fails ({document['quality']['violations']} violations)")
    if row["findings"] != expected:
        failures.append(f"{where}: {row['findings']} findings, expected {expected}")
    if reference is not None:
        row["equal"] = first == reference or document == json.loads(reference)
        if not row["equal"]:
            difference = first_difference(document, json.loads(reference))
            failures.append(f"{where}: check JSON differs from the embedded one at {difference}")
    return first


# -- one size -----------------------------------------------------------------------------------------------------
def base_env() -> dict[str, str]:
    """Return the environment of every kgtool process: no store, endpoint or credentials inherited from the caller."""
    return {k: v for k, v in os.environ.items() if not k.startswith("KGTOOL_")}


def measure_size(size: str, args: argparse.Namespace, failures: list[str]) -> dict:
    """Measure one size: import (generated graphs), the embedded checks, then push and check on each server."""
    env = base_env()
    result: dict = {"size": size, "rows": []}
    with tempfile.TemporaryDirectory(prefix=f"kgtool-bench-servers-{size}-") as scratch:
        scratch_path = Path(scratch)
        store_args: list[str] = []
        if size == "bundled":
            expected_memory = expected_store = BUNDLED_FINDINGS
            memory_args: list[str] = []
            result["triples"] = None
        else:
            nt, _ttl, expected = generate(int(size))
            result["triples"] = expected["triples"]
            expected_memory = expected["findings"]
            expected_store = expected["findings"] + BUNDLED_FINDINGS
            memory_args = [str(nt)]
            # The disk store: a new store (bundled ontology + graph) and the file, through the staged import.
            imports = []
            for index in range(args.repeat):
                store = scratch_path / f"store-{index}"
                outcome = run_step(["import", str(nt), "--store", str(store)], args.timeout, env)
                print(f"  import {nt.name} --store: {describe(outcome)}", flush=True)
                imports.append(outcome)
                if "seconds" not in outcome:
                    break
                if index:  # keep one store
                    shutil.rmtree(store)
            result["import"] = summarise(imports)
            if "median" not in result["import"]:
                failures.append(f"{size}: kgtool import did not succeed: {cell(result['import'])}")
                return result
            store_args = ["--store", str(scratch_path / "store-0")]

        # Embedded references: the disk store (generated graphs) and the in-memory path.
        embedded, reference = [], None
        if store_args:
            store_row = {"backend": "embedded disk store (`check --store`)", "push": None, "reference": True}
            store_row["check"] = repeat_step(
                "check --store", ["check", *store_args, "--format", "json"], args.repeat, args.timeout, env
            )
            reference = judge(store_row, None, expected_store, failures, f"{size} embedded store")
            embedded.append(store_row)
        memory_row = {"backend": "embedded in memory (`check [FILE]`)", "push": None, "reference": not store_args}
        memory_row["check"] = repeat_step(
            "check (in memory)", ["check", *memory_args, "--format", "json"], args.repeat, args.timeout, env
        )
        in_memory = judge(memory_row, None, expected_memory, failures, f"{size} in memory")
        embedded.append(memory_row)
        if not store_args:
            reference = in_memory
        if reference is None:
            failures.append(f"{size}: no embedded check to compare the servers with")
        store = Path(store_args[1]) if store_args else None
        result["rows"] = [*measure_servers(size, store, reference, expected_store, args, failures), *embedded]
    return result


def bulk_load(server, store: Path, timeout: float) -> float:
    """Load every graph of a disk store with Virtuoso's own bulk loader (the way around a failed push); seconds."""
    start = time.perf_counter()
    directory = server.directory / "load"
    directory.mkdir()
    ox.Store.read_only(str(store)).dump(directory / "kgtool.nq", format=ox.RdfFormat.N_QUADS)
    output = servers.isql(
        server,
        f"ld_dir('{directory}', 'kgtool.nq', 'urn:kgtool:bench:unused');\nrdf_loader_run();\ncheckpoint;\n"
        "SELECT 'FAILED=' || CAST(COUNT(*) AS VARCHAR) FROM DB.DBA.LOAD_LIST "
        "WHERE ll_state <> 2 OR ll_error IS NOT NULL;\n",
        timeout,
    )
    if "FAILED=0" not in output:
        raise RuntimeError(f"Virtuoso's bulk loader failed: {output.strip()[-500:]}")
    return time.perf_counter() - start


def backends(name: str, server, env: dict[str, str]) -> list[tuple[dict, dict[str, str]]]:
    """Return the (row, environment) pairs measured on a server.

    Virtuoso twice: as dba (digest auth on /sparql-auth and /sparql-graph-crud-auth, as the README says to) and
    without credentials on the plain endpoints after granting SPARQL_UPDATE, because kgtool's digest uploads fail
    on large graphs (see the results' notes).
    """
    if name == "oxigraph":
        return [({"backend": "oxigraph server"}, env)]
    servers.grant_anonymous_updates(server)
    return [
        ({"backend": "virtuoso server, dba (digest auth)"}, dict(env, KGTOOL_USER="dba", KGTOOL_PASSWORD="dba")),
        ({"backend": "virtuoso server, no credentials (SPARQL_UPDATE granted)"}, env),
    ]


def start_server(name: str, directory: Path, args: argparse.Namespace):
    """Start a fresh server of the kind in a new directory."""
    directory.mkdir()
    if name == "oxigraph":
        return servers.start_oxigraph(directory)
    servers.VIRTUOSO_INI = virtuoso_settings(args.timeout)
    return servers.start_virtuoso(directory)


def measure_servers(
    size: str,
    store: Path | None,
    reference: bytes | None,
    expected: int,
    args: argparse.Namespace,
    failures: list[str],
) -> list[dict]:
    """Start each server fresh (no graphs of another size can leak in), push, check, and stop it before the next.

    On each server every backend pushes first, then every backend checks; a backend whose push failed checks
    the graphs another backend pushed to the same server (the row says so). When every push to Virtuoso failed,
    the store is loaded with Virtuoso's bulk loader instead (on a restarted server if a push hung), so that check
    is still measured.
    """
    env = dict(base_env(), KGTOOL_TIMEOUT=str(int(args.timeout)))
    store_args = ["--store", str(store)] if store is not None else []
    rows = []
    with tempfile.TemporaryDirectory(prefix=f"kgtool-bench-servers-{size}-") as scratch:
        for name in ("oxigraph", "virtuoso"):
            server = None
            try:
                server = start_server(name, Path(scratch) / name, args)
                measured = backends(name, server, env)
                for row, row_env in measured:
                    rows.append(row)
                    push = ["push", "--endpoint", server.endpoint, *store_args]
                    row["push"] = repeat_step(f"push to {row['backend']}", push, args.repeat, args.timeout, row_env)
                    if "median" not in row["push"]:
                        failures.append(f"{size} {row['backend']}: push did not succeed: {cell(row['push'])}")
                        continue
                    summary = row["push"].pop("outputs")[-1].decode().strip().splitlines()[-1]
                    row["pushed"] = summary.split(" to ")[0]  # "pushed 5 graphs (15064 triples)"
                loaded = any("pushed" in row for row, _ in measured)
                if not loaded and name == "virtuoso" and store is not None:
                    note = ""
                    if any("timeout" in row["push"] for row, _ in measured):
                        server.stop()
                        server = start_server(name, Path(scratch) / f"{name}-restarted", args)
                        servers.grant_anonymous_updates(server)
                        note = " on a restarted server"
                    seconds = bulk_load(server, store, args.timeout)
                    print(f"  bulk load into {name}{note}: {seconds:.2f} s", flush=True)
                    for row, _ in measured:
                        row["note"] = f"on the graphs loaded{note} by Virtuoso's bulk loader in {seconds:.1f} s"
                    loaded = True
                for row, row_env in measured:
                    if not loaded:
                        row["check"] = {"skipped": "no push succeeded"}
                        continue
                    if "pushed" not in row and "note" not in row:
                        row["note"] = "on the graphs pushed by the other row"
                    check = ["check", "--endpoint", server.endpoint, "--format", "json"]
                    row["check"] = repeat_step(f"check on {row['backend']}", check, args.repeat, args.timeout, row_env)
                    if "median" not in row["check"]:
                        failures.append(f"{size} {row['backend']}: check did not succeed: {cell(row['check'])}")
                    judge(row, reference, expected, failures, f"{size} {row['backend']}")
            except Exception as error:  # a server that does not start or load: recorded, and the run fails
                message = str(error).strip().splitlines()[-1] if str(error).strip() else repr(error)
                rows.append({"backend": f"{name} server", "push": {"error": message}})
                failures.append(f"{size} {name}: {error}")
            finally:
                if server is not None:
                    server.stop()
    return rows


def summarise(runs: list[dict]) -> dict:
    """Median, min and peak RSS of successful runs; the first failure otherwise."""
    for run in runs:
        if "seconds" not in run:
            return run
    seconds = [r["seconds"] for r in runs]
    return {"median": statistics.median(seconds), "min": min(seconds), "rss_mb": max(r["rss_mb"] for r in runs)}


# -- the results file -----------------------------------------------------------------------------------------------
def command_line(command: list[str], lines: int = 1) -> str:
    """Return the first lines a program prints (stdout or stderr), or why it could not be run."""
    try:
        completed = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"unknown ({error})"
    text = (completed.stdout + completed.stderr).strip()
    return " ".join(line.strip() for line in text.splitlines()[:lines]) if text else "unknown"


def versions() -> list[str]:
    """Return the versions of what is measured."""
    virtuoso = shutil.which("virtuoso-t") or "virtuoso-t"
    return [
        f"kgtool {metadata.version('kgtool')}",
        f"pyoxigraph {metadata.version('pyoxigraph')}",
        f"Oxigraph server `{command_line([servers.oxigraph_executable(), '--version'])}`",
        f"Virtuoso `{command_line([virtuoso, '-?'], lines=2)}`",
        f"Debian package `{command_line(['dpkg-query', '-W', 'virtuoso-opensource-7']).replace(chr(9), ' ')}`",
    ]


NOTES = "## Notes"


def report(results: list[dict], failures: list[str], args: argparse.Namespace, started: float) -> str:
    """Render bench/RESULTS-servers.md; a "## Notes" section written by hand in the old file is kept."""
    sizes = " ".join(args.sizes)
    lines = [
        "# kgtool on SPARQL servers: push and check per backend",
        "",
        f"- date: {datetime.date.today().isoformat()} (run took {(time.monotonic() - started) / 60:.0f} min)",
        f"- machine: {machine()}",
        f"- versions: {', '.join(versions())}",
        f"- command: `python bench/servers.py --sizes {sizes} --repeat {args.repeat} --timeout {args.timeout:.0f}`",
        "- method: every step is a cold `python -m kgtool ...` process under `/usr/bin/time -f %M` (wall time of "
        "the process; peak RSS of the kgtool process only, not of the server). Each cell is the median (and min) "
        f"of {args.repeat} runs and the largest peak RSS. For each size a fresh Oxigraph server and a fresh Virtuoso "
        "are started on 127.0.0.1 (free ports, temporary directories; tests/servers.py, Virtuoso with "
        "`ResultSetMaxRows = 10000000` and `MaxQueryExecutionTime` = the step timeout, otherwise the tests' "
        "settings, e.g. `NumberOfBuffers = 20000`) and stopped afterwards. The first push goes to an empty server, "
        "the repetitions replace the same graphs. kgtool runs with `KGTOOL_TIMEOUT` = the step timeout (its "
        "default is 120 s per request). Virtuoso is measured twice on the same server: as dba "
        "(`KGTOOL_USER=dba KGTOOL_PASSWORD=dba`: digest auth on `/sparql-auth` and `/sparql-graph-crud-auth`) and "
        'without credentials on `/sparql` and `/sparql-graph-crud` after `GRANT SPARQL_UPDATE TO "SPARQL"`; both '
        "push first, then both check. When every push to Virtuoso fails, the disk store is dumped as N-Quads and "
        "loaded with Virtuoso's bulk loader (`ld_dir` + `rdf_loader_run`, on a restarted server if a push hung), "
        "so that check is still measured; the check cell says so. Each server is stopped before the next starts.",
        "- generated graphs: `bench/generate.py` (seed 42, via `generate()` of bench/run.py). The disk store is "
        "built with `kgtool import FILE.nt --store DIR` (a new store: bundled ontology and graph, then the file "
        "through the staged import), timed too; `push --store DIR` uploads that store. The in-memory row is "
        "`kgtool check FILE`, which loads the bundled ontology and the file but not the bundled graph, so it has "
        f"{BUNDLED_FINDINGS} findings fewer. For the bundled graph, `push` and the reference are the in-memory "
        "bundled graph (no `--store`).",
        "- answers: the `check --format json` document of each server must equal the embedded one exactly (the "
        "disk store's; the in-memory one for the bundled graph), every repetition must give the same document, "
        "and the number of findings must be what the generator computed (plus the bundled graph's "
        f"{BUNDLED_FINDINGS} where the bundled graph is loaded). A mismatch fails the run.",
        "- other work ran on this 2-core machine at the same time (other benchmarks and servers), so every time "
        "here is an upper bound.",
        "",
    ]
    for result in results:
        size = result["size"]
        if size == "bundled":
            lines += [f"## Bundled graph ({BUNDLED_FINDINGS} findings expected)", ""]
        else:
            triples = f"{result['triples']:,}" if result.get("triples") else "?"
            lines += [f"## {int(size):,} target triples ({triples} generated)", ""]
        if "import" in result:
            lines += [f"`kgtool import FILE.nt --store DIR` (new store): {cell(result['import'])}.", ""]
        lines += [
            "| backend | push (median, min, RSS) | check (median, min, RSS) | findings | equal to embedded |",
            "|---|---|---|---|---|",
        ]
        for row in result["rows"]:
            equal = (
                "(reference)" if row.get("reference") else {True: "yes", False: "**NO**", None: "–"}[row.get("equal")]
            )
            check = cell(row.get("check")) + (f" ({row['note']})" if row.get("note") else "")
            lines.append(
                f"| {row['backend']} | {cell(row.get('push'))} | {check} | {row.get('findings', '–')} | {equal} |"
            )
        pushed = [f"{row['backend']}: {row['pushed']}" for row in result["rows"] if row.get("pushed")]
        if pushed:
            lines += ["", "Push output: " + "; ".join(pushed) + "."]
        lines.append("")
    lines += ["## Failures", ""]
    lines += [f"- {failure}" for failure in failures] or ["None: every answer matched."]
    lines.append("")
    return with_kept_notes("\n".join(lines), args.output, NOTES)


def main() -> None:
    """Run the measurements, write the results file, and fail on any mismatch."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", nargs="+", default=["bundled", "1000000"], help="`bundled` or target triples")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per step before it is stopped")
    parser.add_argument("--output", type=Path, default=BENCH / "RESULTS-servers.md")
    args = parser.parse_args()
    for size in args.sizes:
        if size != "bundled" and not size.isdigit():
            parser.error(f"--sizes: `bundled` or a number of triples, not {size!r}")

    started = time.monotonic()
    results, failures = [], []
    try:
        for size in args.sizes:
            print(f"size {size}", flush=True)
            results.append(measure_size(size, args, failures))
    finally:
        args.output.write_text(report(results, failures, args, started), encoding="utf-8")
        print(f"wrote {args.output}", flush=True)
    if failures:
        print("FAILED:\n" + "\n".join(f"- {failure}" for failure in failures), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
