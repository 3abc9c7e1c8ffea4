"""Run HermiT, an OWL 2 DL reasoner, through owlready2 on a set of triples.

The triples go to a temporary N-Triples file that owlready2 loads into a world of its own; owlready2 writes
that world out again for HermiT and reads back HermiT's classification. Everything lives in one temporary
directory, removed afterwards (also when Java fails). HermiT knows only the OWL 2 datatype map: ``xsd:date``,
``xsd:gYear`` and ``xsd:gYearMonth`` are outside it, so data is reasoned over with
``ignore_unsupported_datatypes`` (HermiT then ignores those values, not the individuals that carry them).
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from kgtool.errors import MissingRuntimeError, ReasonerError
from kgtool.reasoning.graphs import ntriples

OWL = "http://www.w3.org/2002/07/owl#"
_UNSUPPORTED = re.compile(r"The datatype '([^']+)' is not part of the OWL 2 datatype map")


@dataclass
class UnsupportedDatatypeError(ReasonerError):
    """HermiT refused a datatype outside the OWL 2 datatype map (only without ``ignore_unsupported_datatypes``)."""

    datatype: str = ""


@dataclass(frozen=True)
class HermitResult:
    """What HermiT says about one set of triples: consistent or not, and its classification if consistent."""

    consistent: bool
    triples: int
    seconds: float
    classes: frozenset[str] = field(default_factory=frozenset)
    subclass_of: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    equivalent: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    unsatisfiable: tuple[str, ...] = ()


def hermit_version() -> str:
    """Return the version of the HermiT jar bundled with owlready2 (from its manifest), or 'unknown'."""
    import zipfile

    import owlready2.reasoning

    classpath = getattr(owlready2.reasoning, "_HERMIT_CLASSPATH", "")
    jar = Path(classpath.split(os.pathsep)[-1])
    try:
        with zipfile.ZipFile(jar) as archive:
            manifest = archive.read("META-INF/MANIFEST.MF").decode("utf-8", "replace")
    except (OSError, KeyError, zipfile.BadZipFile):
        return "unknown"
    for line in manifest.splitlines():
        if line.startswith(("Implementation-Version:", "Bundle-Version:")):
            return line.split(":", 1)[1].strip()
    return "unknown"


def _java_error(message: str) -> ReasonerError:
    match = _UNSUPPORTED.search(message)
    if match:
        datatype = match.group(1)
        return UnsupportedDatatypeError(f"HermiT does not support the datatype {datatype}", datatype)
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    cause = next((line for line in lines if "Exception" in line or "Error" in line), lines[-1] if lines else "")
    return ReasonerError(f"HermiT failed: {cause}")


def _named(entity: object) -> str | None:
    import owlready2

    if isinstance(entity, owlready2.ThingClass):
        return entity.iri
    return None


def _pairs(world: object, query: str) -> frozenset[tuple[str, str]]:
    pairs = set()
    for left, right in world.sparql(query):
        a, b = _named(left), _named(right)
        if a is not None and b is not None and a != b:
            pairs.add((a, b))
    return frozenset(pairs)


def run_hermit(triples: Sequence[ox.Triple], java: str, *, ignore_unsupported_datatypes: bool = True) -> HermitResult:
    """Check consistency and classify with HermiT; return the result (raise ReasonerError if HermiT fails)."""
    import owlready2

    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kgtool-hermit-") as tmp:
        path = Path(tmp) / "input.nt"
        path.write_bytes(ntriples(triples))
        world = owlready2.World()
        saved_tempdir = tempfile.tempdir
        try:
            world.get_ontology(path.as_uri()).load(format="ntriples")
            owlready2.JAVA_EXE = java
            # owlready2 writes HermiT's input with tempfile and leaves it behind when Java fails: keep it in tmp.
            tempfile.tempdir = tmp
            try:
                owlready2.sync_reasoner_hermit(
                    world,
                    infer_property_values=False,
                    debug=0,
                    ignore_unsupported_datatypes=ignore_unsupported_datatypes,
                )
            except owlready2.OwlReadyInconsistentOntologyError:
                return HermitResult(False, len(triples), time.perf_counter() - start)
            except owlready2.OwlReadyJavaError as error:
                raise _java_error(str(error)) from None
            except OSError as error:
                raise MissingRuntimeError(f"cannot run the Java runtime {java}: {error.strerror or error}") from None
            finally:
                tempfile.tempdir = saved_tempdir
            classes = frozenset(
                c.iri for c in world.classes() if isinstance(c, owlready2.ThingClass) and not c.iri.startswith(OWL)
            )
            unsatisfiable = tuple(sorted(c.iri for c in world.inconsistent_classes() if c is not owlready2.Nothing))
            subclass_of = _pairs(world, "SELECT ?a ?b WHERE { ?a rdfs:subClassOf ?b }")
            equivalent = _pairs(world, "SELECT ?a ?b WHERE { ?a owl:equivalentClass ?b }")
            result = HermitResult(
                consistent=True,
                triples=len(triples),
                seconds=time.perf_counter() - start,
                classes=classes,
                subclass_of=subclass_of,
                equivalent=equivalent,
                unsatisfiable=unsatisfiable,
            )
        finally:
            world.close()
    return result
