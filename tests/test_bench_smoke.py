"""The benchmark runs end to end on 10k triples, checking its answers, so that it cannot rot."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import generate_graph

ROOT = Path(__file__).resolve().parent.parent


def test_generator_knows_what_kgtool_finds(tmp_path):
    graph = generate_graph(tmp_path, 5000)
    expected = json.loads(graph.with_suffix(".expected.json").read_text())
    completed = subprocess.run(
        [sys.executable, "-m", "kgtool", "check", str(graph), "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    findings = json.loads(completed.stdout)["findings"]
    assert len(findings) == expected["findings"] > 0
    breaches = sum(1 for f in findings for e in f["evidence"] if e["role"] == "breach")
    assert breaches == expected["breach_pairs"]


def test_un_shaped_graph_validates_and_check_finds_what_the_generator_computed(tmp_path):
    graph = tmp_path / "un"
    scale = ["--states", "30", "--recommendations", "500", "--returns", "500"]  # the 197-State bench: run.py --only-un
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "generate.py"), "--un", "--out", str(graph), *scale],
        capture_output=True,
        check=True,
    )
    expected = json.loads(graph.with_suffix(".expected.json").read_text())
    assert expected["by_rule"]["non-refoulement"] > 0 and expected["by_rule"]["periodic-reporting"] > 0
    nt = str(graph.with_suffix(".nt"))
    validated = subprocess.run([sys.executable, "-m", "kgtool", "validate", nt], capture_output=True, text=True)
    assert validated.returncode == 0, validated.stdout[-3000:]
    completed = subprocess.run(
        [sys.executable, "-m", "kgtool", "check", nt, "--as-of", expected["as_of"], "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
    )
    findings = json.loads(completed.stdout)["findings"]
    assert sorted([f["state"], f["obligation"]["iri"]] for f in findings) == expected["finding_list"]
    breaches = sum(1 for f in findings for e in f["evidence"] if e["role"] == "breach")
    assert breaches == expected["breach_pairs"]


def test_benchmark_smoke():
    completed = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--smoke"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert json.loads(completed.stdout.strip().splitlines()[-1]) == {"ok": True, "sizes": [10000]}


def test_a_new_results_file_keeps_the_notes_written_by_hand(tmp_path):
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from run import NOTES, with_kept_notes
    finally:
        sys.path.remove(str(ROOT / "bench"))
    results = tmp_path / "RESULTS.md"
    assert with_kept_notes("# new table\n", results, NOTES) == "# new table\n"
    results.write_text(f"# old table\n\n{NOTES}\n\n- by hand\n")
    assert with_kept_notes("# new table\n", results, NOTES) == f"# new table\n\n{NOTES}\n\n- by hand\n"
