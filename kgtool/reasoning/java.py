"""Find the Java runtime HermiT runs on: ``KGTOOL_JAVA``, then ``JAVA_HOME``, then ``java`` on the PATH."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from kgtool.errors import MissingRuntimeError

JAVA_ENV = "KGTOOL_JAVA"


def find_java() -> str:
    """Return the path of the java executable, or raise MissingRuntimeError (exit 2) saying where it looked."""
    configured = os.environ.get(JAVA_ENV)
    if configured:
        found = shutil.which(configured)
        if found is None:
            raise MissingRuntimeError(
                f"no Java runtime at {JAVA_ENV}={configured}: HermiT needs Java 8 or later; "
                f"set {JAVA_ENV} to a java executable"
            )
        return found
    java_home = os.environ.get("JAVA_HOME")
    if java_home:
        candidate = Path(java_home) / "bin" / "java"
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which("java")
    if found is None:
        raise MissingRuntimeError(
            f"no Java runtime found (not in {JAVA_ENV}, JAVA_HOME or PATH): HermiT needs Java 8 or later; "
            f"install a JRE or set {JAVA_ENV} to a java executable"
        )
    return found
