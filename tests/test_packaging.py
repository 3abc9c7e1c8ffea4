"""The wheel ships the knowledge (ontology, graph, shapes, queries, templates, kinds) under kgtool/_resources/."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_contains_every_resource_file(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("kgtool-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for kind in ("ontology", "graph", "shapes", "queries", "templates", "kinds"):
        files = [p for p in (ROOT / kind).rglob("*") if p.is_file()]
        assert files, kind
        for path in files:
            assert f"kgtool/_resources/{path.relative_to(ROOT).as_posix()}" in names
    assert "kgtool/cli/main.py" in names
