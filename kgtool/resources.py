"""Locate the knowledge kgtool ships as files: ontology, graph, shapes and queries.

In an installed wheel the folders live in ``kgtool/_resources/``; in a source checkout (editable install)
they are the top-level folders of the repository. Python never restates their content.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_KINDS = ("ontology", "graph", "shapes", "queries", "templates", "kinds")


@cache
def resource_root() -> Path:
    """Return the folder that holds ``ontology/``, ``graph/``, ``shapes/`` and ``queries/``."""
    packaged = Path(__file__).resolve().parent / "_resources"
    if (packaged / "ontology").is_dir():
        return packaged
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "ontology").is_dir():
        return checkout
    raise FileNotFoundError("kgtool's resource folders (ontology/, graph/, shapes/, queries/) are missing")


def resource_dir(kind: str) -> Path:
    """Return the folder of one kind of resource (``ontology``, ``graph``, ``shapes``, ``queries``, ...)."""
    if kind not in _KINDS:
        raise ValueError(f"unknown resource kind {kind!r}; expected one of {', '.join(_KINDS)}")
    return resource_root() / kind


def turtle_files(kind: str) -> list[Path]:
    """Return the Turtle files of one resource folder, sorted by name (not recursive)."""
    return sorted(resource_dir(kind).glob("*.ttl"))


def rule_files() -> list[Path]:
    """Return the compliance-rule files (``shapes/rules/*.ttl``), one rule per file."""
    return sorted((resource_dir("shapes") / "rules").glob("*.ttl"))


def shape_file(name: str) -> Path:
    """Return one file of ``shapes/`` by name, e.g. ``quality.ttl``."""
    return resource_dir("shapes") / name


def query_file(relative: str) -> Path:
    """Return one file of ``queries/`` by its path relative to that folder."""
    return resource_dir("queries") / relative
