"""kgtool's benchmark: the kgtool way against the plain rdflib + pyshacl way, in the same run.

For each size (triples): load, data-quality validation, compliance evaluation, `kgtool check` end to end as a
cold process, the bundled queries, Turtle export; plus `kgtool import` throughput (N-Triples, Turtle, a 100k-row
incidents CSV). Each measurement runs in its own process (bench/tasks.py) so that peak RSS is the task's own;
repetitions give min and median. Both ways must find the same results, and kgtool the number the generator
computed: a mismatch fails the run. Writes bench/RESULTS.md.

    python bench/run.py --sizes 10000 100000 1000000 --repeat 3 --plain-timeout 900
    python bench/run.py --smoke        # the 10k-triple smoke the test suite runs
    python bench/run.py --only-un      # the UN-shaped graph: import, check, report, slowest queries (RESULTS-un.md)
"""

from __future__ import annotations

import argparse
import datetime
import json
import platform
import statistics
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

import pyoxigraph as ox

BENCH = Path(__file__).resolve().parent
DATA = BENCH / "data"
TASKS = BENCH / "tasks.py"
CSV_HEADER = (
    "id,date,end_date,returning_state,destination_state,people,place,description,"
    "source_url,source_title,source_publisher,source_date\n"
)


def run_task(task: str, path: Path, timeout: float) -> dict:
    """Run one task in a fresh process; return its JSON line, or {'timeout': True}."""
    try:
        completed = subprocess.run(
            [sys.executable, str(TASKS), task, str(path)], capture_output=True, text=True, timeout=timeout, check=True
        )
    except subprocess.TimeoutExpired:
        return {"task": task, "timeout": True}
    return json.loads(completed.stdout.strip().splitlines()[-1])


def repeat(task: str, path: Path, times: int, timeout: float) -> dict:
    """Run a task ``times`` times; summarise min, median, peak RSS and the (identical) result."""
    runs = []
    for _ in range(times):
        outcome = run_task(task, path, timeout)
        if outcome.get("timeout"):
            return {"task": task, "timeout": timeout}
        runs.append(outcome)
    results = {r["result"] for r in runs}
    if len(results) != 1:
        raise AssertionError(f"{task} gave different results across runs: {results}")
    seconds = [r["seconds"] for r in runs]
    summary = {
        "task": task,
        "min": min(seconds),
        "median": statistics.median(seconds),
        "rss_mb": max(r["rss_kb"] for r in runs) / 1024,
        "result": runs[0]["result"],
    }
    if "queries" in runs[0]:
        summary["queries"] = {name: statistics.median(r["queries"][name] for r in runs) for name in runs[0]["queries"]}
    return summary


def check_cold(path: Path, times: int) -> dict:
    """`kgtool check FILE --format json` as a cold process: wall time, peak RSS, number of findings."""
    runs, rss, findings = [], [], None
    for _ in range(times):
        start = time.perf_counter()
        completed = subprocess.run(
            ["/usr/bin/time", "-f", "%M", sys.executable, "-m", "kgtool", "check", str(path), "--format", "json"],
            capture_output=True,
            text=True,
            check=False,
        )
        runs.append(time.perf_counter() - start)
        if completed.returncode != 0:
            raise AssertionError(f"kgtool check failed on {path}: {completed.stderr[-2000:]}")
        rss.append(int(completed.stderr.strip().splitlines()[-1]) / 1024)
        document = json.loads(completed.stdout)
        findings = len(document["findings"])
    return {
        "task": "check_kgtool",
        "min": min(runs),
        "median": statistics.median(runs),
        "rss_mb": max(rss),
        "result": findings,
    }


def generate(size: int) -> tuple[Path, Path, dict]:
    """Generate (once) the N-Triples and Turtle files of a size and return them with the expected counts."""
    base = DATA / f"kg-{size}"
    nt, ttl, expected_file = base.with_suffix(".nt"), base.with_suffix(".ttl"), base.with_suffix(".expected.json")
    if not (nt.exists() and expected_file.exists()):
        subprocess.run(
            [sys.executable, str(BENCH / "generate.py"), "--triples", str(size), "--out", str(base)],
            check=True,
            capture_output=True,
        )
    if not ttl.exists():
        with nt.open("rb") as source:
            ox.serialize(
                ox.parse(source, format=ox.RdfFormat.N_TRIPLES),
                ttl,
                format=ox.RdfFormat.TURTLE,
                prefixes={"b": "https://w3id.org/kgtool/id/bench/", "kgo": "https://w3id.org/kgtool/ontology#"},
            )
    return nt, ttl, json.loads(expected_file.read_text())


def incidents_csv(rows: int) -> Path:
    """Write (once) an incidents CSV of ``rows`` rows about the bundled States."""
    path = DATA / f"incidents-{rows}.csv"
    if not path.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8") as out:
            out.write(CSV_HEADER)
            for i in range(rows):
                day = datetime.date(2000, 1, 1) + datetime.timedelta(days=i % 9000)
                out.write(
                    f"bench-{i},{day.isoformat()},,CHN,PRK,{1 + i % 300},Crossing {i % 40},Return {i},"
                    f"https://example.org/csv-report/{i % 500},Report {i % 500},Bench NGO,2024-01-01\n"
                )
    return path


def versions() -> dict[str, str]:
    """Versions of the packages measured."""
    names = ("pyoxigraph", "rdflib", "pyshacl", "click")
    return {name: metadata.version(name) for name in names}


def machine() -> str:
    """Describe this machine in one line."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    cores = len([line for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("processor")])
    memory = next(
        line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    gib = int(memory) // 1024 // 1024
    return f"{cpu}, {cores} cores, {gib} GiB, {platform.platform()}, Python {platform.python_version()}"


def fmt(entry: dict | None, per_second: int | None = None) -> str:
    """Format a summary cell: median (min) and peak RSS, or the timeout."""
    if entry is None:
        return "–"
    if "timeout" in entry:
        return f"did not finish in {entry['timeout']:.0f} s"
    if "not_run" in entry:
        return "not run at this size"
    text = f"{entry['median']:.2f} s (min {entry['min']:.2f}), {entry['rss_mb']:.0f} MB"
    if per_second:
        text += f", {per_second / entry['median'] / 1000:.0f}k triples/s"
    return text


def ratio(fast: dict | None, slow: dict | None) -> str:
    """Return the plain way's median over kgtool's, or a lower bound when the plain way timed out."""
    if not fast or not slow or "timeout" in fast or "not_run" in slow:
        return "–"
    if "timeout" in slow:
        return f"> {slow['timeout'] / fast['median']:.0f}x"
    return f"{slow['median'] / fast['median']:.1f}x"


def main() -> None:
    """Run the benchmark and write bench/RESULTS.md (or print the smoke result)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--plain-timeout", type=float, default=900.0, help="seconds before the plain way is stopped")
    parser.add_argument("--csv-rows", type=int, default=100_000)
    parser.add_argument("--smoke", action="store_true", help="10k triples, one repetition, no RESULTS.md")
    parser.add_argument("--output", type=Path, default=None, help="default RESULTS.md (RESULTS-csv.md with --only-csv)")
    parser.add_argument(
        "--only-csv", action="store_true", help="only the incidents CSV import, kgtool against the plain way"
    )
    parser.add_argument(
        "--plain-max-size", type=int, default=1_000_000, help="above this size the plain way is not run at all"
    )
    parser.add_argument("--only-un", action="store_true", help="only the UN-shaped graph (RESULTS-un.md)")
    parser.add_argument("--un-recommendations", type=int, default=270_000, help="its size, with --only-un")
    parser.add_argument("--un-query-timeout", type=float, default=3600.0, help="seconds for all the queries")
    args = parser.parse_args()
    if args.only_un:
        args.output = args.output or BENCH / "RESULTS-un.md"
        args.output.write_text(
            un_report(un_bench(args.un_recommendations, args.un_query_timeout), args), encoding="utf-8"
        )
        return
    if args.smoke:
        args.sizes, args.repeat, args.csv_rows = [10_000], 1, 1_000
    if args.output is None:
        args.output = BENCH / ("RESULTS-csv.md" if args.only_csv else "RESULTS.md")
    if args.only_csv:
        csv_path = incidents_csv(args.csv_rows)
        csv_rows = {
            "import_kgtool_csv": repeat("import_kgtool", csv_path, args.repeat, 3600),
            "csv_rdflib": repeat("csv_rdflib", csv_path, args.repeat, 3600),
        }
        args.output.write_text(csv_report(csv_rows, args), encoding="utf-8")
        return

    table = []
    for size in args.sizes:
        nt, ttl, expected = generate(size)
        repeats = args.repeat
        # The plain way is the slow reference: once from 100k triples on, not at all above --plain-max-size.
        plain_repeats = 1 if size >= 100_000 else repeats

        def plain(task: str, path: Path, size: int = size, plain_repeats: int = plain_repeats) -> dict:
            if size > args.plain_max_size:
                return {"task": task, "not_run": True}
            return repeat(task, path, plain_repeats, args.plain_timeout)

        row = {"size": size, "expected": expected}
        row["load_kgtool_nt"] = repeat("load_kgtool", nt, repeats, 3600)
        row["load_kgtool_ttl"] = repeat("load_kgtool", ttl, repeats, 3600)
        row["load_rdflib_nt"] = plain("load_rdflib", nt)
        row["load_rdflib_ttl"] = plain("load_rdflib", ttl)
        row["quality_kgtool"] = repeat("quality_kgtool", nt, repeats, 3600)
        row["quality_pyshacl"] = plain("quality_pyshacl", nt)
        row["compliance_kgtool"] = repeat("compliance_kgtool", nt, repeats, 3600)
        row["compliance_pyshacl"] = plain("compliance_pyshacl", nt)
        row["check_kgtool"] = check_cold(nt, repeats)
        row["export_kgtool"] = repeat("export_kgtool", nt, repeats, 3600)
        row["export_rdflib"] = plain("export_rdflib", nt)
        row["materialise_kgtool"] = repeat("materialise_kgtool", nt, repeats, 3600)
        row["materialise_owlrl"] = plain("materialise_owlrl", nt)
        row["materialise_agreement"] = repeat("materialise_agreement", nt, 1, 3600)
        row["import_kgtool_nt"] = repeat("import_kgtool", nt, repeats, 3600)
        row["import_kgtool_ttl"] = repeat("import_kgtool", ttl, repeats, 3600)
        row["queries_kgtool"] = repeat("queries_kgtool", nt, repeats, 3600)

        # Answers must agree: kgtool with the generator, and the plain way with kgtool where it finished.
        if row["check_kgtool"]["result"] != expected["findings"]:
            raise AssertionError(
                f"{size}: kgtool check found {row['check_kgtool']['result']} findings, expected {expected['findings']}"
            )
        if row["compliance_kgtool"]["result"] != expected["breach_pairs"]:
            raise AssertionError(
                f"{size}: kgtool found {row['compliance_kgtool']['result']} breach pairs, "
                f"expected {expected['breach_pairs']}"
            )
        differing = row["materialise_agreement"]["result"]
        if differing != 0:
            raise AssertionError(f"{size}: the compiled rules and reasonable differ by {differing} inferences")
        plain = row["compliance_pyshacl"]
        if "result" in plain and plain["result"] != expected["breach_pairs"]:
            raise AssertionError(
                f"{size}: pyshacl found {plain['result']} breach pairs, expected {expected['breach_pairs']}"
            )
        if "result" in row["quality_pyshacl"] and row["quality_pyshacl"]["result"] != row["quality_kgtool"]["result"]:
            raise AssertionError(f"{size}: quality violations differ between kgtool and pyshacl")
        table.append(row)
        print(json.dumps({"size": size, "check": row["check_kgtool"]}), flush=True)
        if not args.smoke:  # what is measured so far, in case a later size fails or runs out of time
            args.output.write_text(report(table, None, args), encoding="utf-8")

    csv_path = incidents_csv(args.csv_rows)
    csv_rows = {
        "import_kgtool_csv": repeat("import_kgtool", csv_path, args.repeat, 3600),
        "csv_rdflib": repeat("csv_rdflib", csv_path, args.repeat, 3600),
    }
    if args.smoke:
        print(json.dumps({"ok": True, "sizes": args.sizes}))
        return
    args.output.write_text(report(table, csv_rows, args), encoding="utf-8")


def csv_report(csv_rows: dict, args: argparse.Namespace) -> str:
    """Render bench/RESULTS-csv.md: the incidents CSV import alone (``--only-csv``), hand-written notes kept."""
    kgtool, plain = csv_rows["import_kgtool_csv"], csv_rows["csv_rdflib"]
    lines = [
        "# kgtool benchmark results: the incidents CSV import",
        "",
        f"- date: {datetime.date.today().isoformat()}",
        f"- machine: {machine()}",
        f"- versions: {', '.join(f'{k} {v}' for k, v in versions().items())}",
        f"- method: `python bench/run.py --only-csv --csv-rows {args.csv_rows} --repeat {args.repeat}`; each cell "
        f"is the median (and min) of {args.repeat} runs in separate processes and the peak RSS of the task's "
        "process. kgtool: `import_files` into a new disk store holding the bundled graph (convert and check "
        "each row, stage, validate the whole store with the quality shapes, derive bindings, commit with "
        "provenance). Plain way: `csv.DictReader` rows added as the same triples to an in-memory rdflib Graph.",
        "",
        f"## Incidents CSV ({args.csv_rows:,} rows)",
        "",
        "| job | kgtool way | plain way (csv + rdflib Graph.add of the same triples) | ratio |",
        "|---|---|---|---|",
        f"| import | {fmt(kgtool)}, {kgtool['result']:,} triples | {fmt(plain)}, {plain['result']:,} triples | "
        f"{ratio(kgtool, plain)} |",
        "",
    ]
    return with_kept_notes("\n".join(lines), args.output, NOTES)


def with_kept_notes(text: str, path: Path, heading: str) -> str:
    """Return ``text`` followed by the section ``heading`` (and all after it) of the file at ``path``, if any.

    Results files end with notes written by hand after a run; a new run rewrites the tables and keeps them.
    """
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    marker = f"\n{heading}\n"
    return text.rstrip("\n") + "\n" + old[old.index(marker) :] if marker in old else text


#: The hand-written section at the end of bench/RESULTS.md that a new run keeps.
NOTES = "## Reading these numbers"


def report(table: list[dict], csv_rows: dict | None, args: argparse.Namespace) -> str:
    """Render bench/RESULTS.md; a "## Reading these numbers" section written by hand in the old file is kept."""
    lines = [
        "# kgtool benchmark results",
        "",
        f"- date: {datetime.date.today().isoformat()}",
        f"- machine: {machine()}",
        f"- versions: {', '.join(f'{k} {v}' for k, v in versions().items())}",
        f"- method: `python bench/run.py --sizes {' '.join(map(str, args.sizes))} --repeat {args.repeat} "
        f"--plain-timeout {args.plain_timeout:.0f}`; each cell is the median (and min) of {args.repeat} runs in "
        "separate processes and the peak RSS of the task's process; the plain rdflib + pyshacl way runs once from "
        f"100k triples on, is stopped after the timeout, and is not run above {args.plain_max_size:,} triples. "
        "Graphs come from `bench/generate.py` (seed 42), which also computes the findings kgtool must report; "
        "every run checks kgtool's answers against them and against pyshacl's where pyshacl finished.",
        "",
    ]
    for row in table:
        size, expected = row["size"], row["expected"]
        triples = expected["triples"]
        lines += [
            f"## {size:,} target triples ({triples:,} generated; {expected['findings']} findings, "
            f"{expected['breach_pairs']} breach pairs expected)",
            "",
            "| job | kgtool way | plain rdflib + pyshacl way | ratio |",
            "|---|---|---|---|",
            f"| load N-Triples (in memory) | {fmt(row['load_kgtool_nt'], triples)} | "
            f"{fmt(row['load_rdflib_nt'], triples)} | {ratio(row['load_kgtool_nt'], row['load_rdflib_nt'])} |",
            f"| load Turtle (in memory) | {fmt(row['load_kgtool_ttl'], triples)} | "
            f"{fmt(row['load_rdflib_ttl'], triples)} | {ratio(row['load_kgtool_ttl'], row['load_rdflib_ttl'])} |",
            f"| data-quality validation | {fmt(row['quality_kgtool'])} | {fmt(row['quality_pyshacl'])} | "
            f"{ratio(row['quality_kgtool'], row['quality_pyshacl'])} |",
            f"| compliance evaluation (bindings + rules) | {fmt(row['compliance_kgtool'])} | "
            f"{fmt(row['compliance_pyshacl'])} | {ratio(row['compliance_kgtool'], row['compliance_pyshacl'])} |",
            f"| `kgtool check` end to end, cold process | {fmt(row['check_kgtool'])} | – | – |",
            f"| export Turtle | {fmt(row['export_kgtool'])} | {fmt(row['export_rdflib'])} | "
            f"{ratio(row['export_kgtool'], row['export_rdflib'])} |",
            f"| OWL 2 RL materialisation (kgtool: compiled rules, checked equal to reasonable + schema rules; "
            "plain: owlrl) | "
            f"{fmt(row['materialise_kgtool'])}, {row['materialise_kgtool'].get('result', 0):,} inferred | "
            f"{fmt(row['materialise_owlrl'])} | {ratio(row['materialise_kgtool'], row['materialise_owlrl'])} |",
            f"| `kgtool import` N-Triples into a disk store (parse, validate, write, provenance) | "
            f"{fmt(row['import_kgtool_nt'], triples)} | – | – |",
            f"| `kgtool import` Turtle into a disk store | {fmt(row['import_kgtool_ttl'], triples)} | – | – |",
            "",
        ]
        queries = row["queries_kgtool"].get("queries", {})
        slowest = sorted(queries.items(), key=lambda item: -item[1])[:5]
        lines.append(
            "Five slowest bundled queries (bundled graph + this graph, median of 3): "
            + "; ".join(f"`{name}` {seconds * 1000:.0f} ms" for name, seconds in slowest)
            + "."
        )
        lines.append("")
    if csv_rows is None:
        return with_kept_notes("\n".join(lines), args.output, NOTES)
    lines += [
        f"## Incidents CSV ({args.csv_rows:,} rows)",
        "",
        "| job | kgtool way | plain way (csv + rdflib Graph.add of the same triples) |",
        "|---|---|---|",
        f"| import | {fmt(csv_rows['import_kgtool_csv'])}, {csv_rows['import_kgtool_csv']['result']:,} triples | "
        f"{fmt(csv_rows['csv_rdflib'])}, {csv_rows['csv_rdflib']['result']:,} triples |",
        "",
    ]
    return with_kept_notes("\n".join(lines), args.output, NOTES)


def timed_cli(*arguments: str) -> tuple[float, float, str]:
    """Run ``python -m kgtool ARGUMENTS`` cold, in the checkout; return wall seconds, peak RSS (MB) and stdout."""
    command = ["/usr/bin/time", "-f", "%M", sys.executable, "-m", "kgtool", *arguments]
    start = time.perf_counter()
    completed = subprocess.run(command, capture_output=True, text=True, check=False, cwd=BENCH.parent)
    seconds = time.perf_counter() - start
    if completed.returncode != 0:
        raise AssertionError(f"kgtool {' '.join(arguments)} failed: {completed.stderr[-2000:]}")
    return seconds, int(completed.stderr.strip().splitlines()[-1]) / 1024, completed.stdout


def un_bench(recommendations: int, query_timeout: float) -> dict:
    """Generate (once) the UN-shaped graph, import it into a disk store, time check, report and the queries.

    `kgtool check`'s findings must be the generator's, (State, obligation) by (State, obligation), with the same
    breach pairs: a difference fails the run. The queries are stopped after ``query_timeout`` seconds.
    """
    base = DATA / f"kg-un-{recommendations}"
    nt, expected_file = base.with_suffix(".nt"), base.with_suffix(".expected.json")
    if not (nt.exists() and expected_file.exists()):
        command = [sys.executable, str(BENCH / "generate.py"), "--un", "--recommendations", str(recommendations)]
        subprocess.run([*command, "--out", str(base)], check=True, capture_output=True)
    expected = json.loads(expected_file.read_text())
    store, day = str(base.with_suffix(".store").relative_to(BENCH.parent)), expected["as_of"]
    row: dict = {"expected": expected, "store": store}
    row["import"] = run_task("import_store", nt, 7200)
    check = ["check", "--store", store, "--as-of", day, "--format", "json"]
    seconds, rss, stdout = timed_cli(*check)
    findings = json.loads(stdout)["findings"]
    got = sorted([f["state"], f["obligation"]["iri"]] for f in findings)
    breaches = sum(1 for f in findings for e in f["evidence"] if e["role"] == "breach")
    if got != expected["finding_list"] or breaches != expected["breach_pairs"]:
        missing = [f for f in expected["finding_list"] if f not in got][:5]
        extra = [f for f in got if f not in expected["finding_list"]][:5]
        raise AssertionError(
            f"UN graph: kgtool check found {len(got)} findings ({breaches} breach pairs), expected "
            f"{expected['findings']} ({expected['breach_pairs']}); missing {missing}, unexpected {extra}"
        )
    row["check"] = {"command": "kgtool " + " ".join(check), "seconds": seconds, "rss_mb": rss, "findings": len(got)}
    state = max({f[0] for f in got}, key=lambda code: sum(1 for f in got if f[0] == code))
    report = ["report", "--store", store, "--state", state, "-o", "/tmp/x.html", "--as-of", day]
    seconds, rss, _ = timed_cli(*report)
    row["report"] = {"command": "kgtool " + " ".join(report), "seconds": seconds, "rss_mb": rss, "state": state}
    print(json.dumps({k: v for k, v in row.items() if k != "expected"}), flush=True)
    row["queries"] = run_task("queries_store", BENCH.parent / store, query_timeout)
    if row["queries"].get("timeout"):  # what finished, and the query that did not
        progress = json.loads((BENCH.parent / store).with_suffix(".queries.json").read_text())
        row["queries"] = {"queries": progress["done"], "unfinished": progress["running"], "timeout": query_timeout}
    print(json.dumps(row["queries"]), flush=True)
    return row


def un_report(row: dict, args: argparse.Namespace) -> str:
    """Render bench/RESULTS-un.md; a "## Reading these numbers" section written by hand in the old file is kept."""
    expected, imported, check, report = row["expected"], row["import"], row["check"], row["report"]
    rules = expected["by_rule"]
    slowest = sorted(row["queries"]["queries"].items(), key=lambda item: -item[1])[:5]
    lines = [
        "# kgtool benchmark results: the UN-shaped graph",
        "",
        f"- date: {datetime.date.today().isoformat()}",
        f"- machine: {machine()}",
        f"- versions: {', '.join(f'{k} {v}' for k, v in versions().items())}",
        f"- method: `python bench/run.py --only-un --un-recommendations {args.un_recommendations}`; one run of each "
        "command, as a cold process (import and queries in their own process, bench/tasks.py); peak RSS of the "
        "process. The graph comes from `python bench/generate.py --un` (seed 42; synthetic instruments "
        "`core-01`..`core-18`, a benchmark of shape and size, not legal data), which also computes the findings of "
        "both rules; the run fails unless `kgtool check` finds exactly those.",
        f"- graph: {expected['triples']:,} triples: {expected['states']} States (ISO 3166-1 alpha-3 codes), "
        f"{expected['instruments']} instruments (9 treaties, 9 protocols; Art. 3(1) non-refoulement, Art. 19 "
        f"periodic reporting), {expected['recommendations']:,} recommendations (70% with a response), "
        f"{expected['reports']:,} periodic reports, {expected['returns']:,} forced returns",
        f"- expected on {expected['as_of']}: {expected['findings']:,} findings ({rules['non-refoulement']:,} "
        f"non-refoulement, {rules['periodic-reporting']:,} periodic reporting), "
        f"{expected['breach_pairs']:,} breach pairs; kgtool found {check['findings']:,}, the same",
        "",
        "| job | command | wall time | peak RSS |",
        "|---|---|---|---|",
        f"| import into a new disk store (the bundled ontology; parse, validate, derive bindings, commit) | "
        f"`import_files` (bench/tasks.py `import_store`) | {imported['seconds']:.1f} s "
        f"({expected['triples'] / imported['seconds'] / 1000:.0f}k triples/s) | {imported['rss_kb'] / 1024:.0f} MB |",
        f"| check | `{check['command']}` | {check['seconds']:.1f} s | {check['rss_mb']:.0f} MB |",
        f"| report of the State with most findings | `{report['command']}` | {report['seconds']:.1f} s | "
        f"{report['rss_mb']:.0f} MB |",
        queries_row(row["queries"]),
        "",
        "Five slowest bundled queries on the store: "
        + "; ".join(f"`{name}` {seconds:.2f} s" for name, seconds in slowest)
        + ".",
        "",
    ]
    return with_kept_notes("\n".join(lines), args.output, NOTES)


def queries_row(queries: dict) -> str:
    """Return the table row of the bundled queries: all of them once, or those that finished before the timeout."""
    if "unfinished" in queries:
        return (
            f"| the bundled queries, once each | bench/tasks.py `queries_store` | stopped after "
            f"{queries['timeout']:.0f} s: {len(queries['queries'])} finished, `{queries['unfinished']}` did not "
            "(the rest not run) | – |"
        )
    return (
        f"| every bundled query once ({queries['result']}) | bench/tasks.py `queries_store` | "
        f"{queries['seconds']:.1f} s | {queries['rss_kb'] / 1024:.0f} MB |"
    )


if __name__ == "__main__":
    main()
