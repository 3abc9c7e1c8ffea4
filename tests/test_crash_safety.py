"""An import killed with SIGKILL leaves the store as before; two imports at once both commit or one fails cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import generate_graph, run

pytestmark = pytest.mark.fuzz


def _kgtool(*args: str) -> list[str]:
    return [sys.executable, "-m", "kgtool", *args]


def _environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("KGTOOL_")}


def _snapshot(store: Path) -> str:
    result = run("export", "--store", str(store), "--format", "nq")
    assert result.exit_code == 0, result.stderr
    return result.stdout


def _imports(store: Path) -> list[str]:
    result = run("imports", "--store", str(store), "--format", "json")
    assert result.exit_code == 0, result.stderr
    import json

    return [record["id"] for record in json.loads(result.stdout)]


def test_kill_9_at_three_moments_of_a_million_triple_import_leaves_the_store_as_before(tmp_path):
    data = generate_graph(tmp_path, 1_000_000)
    store = tmp_path / "store"
    assert run("imports", "--store", str(store)).stdout == "no imports\n"
    before = _snapshot(store)

    # A clean import into a copy of the store times the whole import, so the kills fall at fractions of it.
    reference = tmp_path / "reference"
    assert run("imports", "--store", str(reference)).stdout == "no imports\n"
    started = time.monotonic()
    completed = subprocess.run(
        _kgtool("import", str(data), "--store", str(reference)), capture_output=True, text=True, env=_environment()
    )
    duration = time.monotonic() - started
    assert completed.returncode == 0, completed.stderr

    # Early in staging, in the middle (staging or validation), and late (validation, before the commit).
    for fraction in (0.15, 0.45, 0.75):
        process = subprocess.Popen(
            _kgtool("import", str(data), "--store", str(store)),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=_environment(),
        )
        time.sleep(duration * fraction)
        assert process.poll() is None, f"the import ended before the kill at {fraction:.0%} of {duration:.1f} s"
        process.send_signal(signal.SIGKILL)
        process.wait()
        assert process.returncode == -signal.SIGKILL
        assert _snapshot(store) == before, f"killed at {fraction:.0%} of {duration:.1f} s"
        assert _imports(store) == []

    # The store still takes an import after the kills.
    small = tmp_path / "small.nt"
    small.write_text("<https://example.org/s> <https://example.org/p> <https://example.org/o> .\n", encoding="utf-8")
    assert run("import", str(small), "--store", str(store)).exit_code == 0
    assert len(_imports(store)) == 1


def test_two_concurrent_imports_into_one_store_both_commit_or_one_fails_cleanly(tmp_path):
    data = generate_graph(tmp_path, 30_000)
    store = tmp_path / "store"
    assert run("imports", "--store", str(store)).stdout == "no imports\n"
    before = _snapshot(store)
    processes = [
        subprocess.Popen(
            _kgtool("import", str(data), "--store", str(store)),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_environment(),
        )
        for _ in range(2)
    ]
    outcomes = [(p.wait(), *p.communicate()) for p in processes]
    committed = [out for code, out, _err in outcomes if code == 0]
    refused = [err for code, _out, err in outcomes if code != 0]
    assert committed, outcomes
    for code, _out, err in outcomes:
        if code != 0:
            assert code == 2
            assert err == f"kgtool: error: {store}: the store is in use by another kgtool process\n"
    assert len(_imports(store)) == len(committed) == 2 - len(refused)
    assert _snapshot(store) != before
