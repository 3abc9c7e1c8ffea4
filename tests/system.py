"""System packages some tests need: a test that lacks one skips, naming it and the command that installs it.

`.ci/run` sets ``KGTOOL_REQUIRE_SYSTEM_PACKAGES=1``, which turns those skips into failures, so CI runs every test.
"""

from __future__ import annotations

import os
import shutil

import pytest

REQUIRE = "KGTOOL_REQUIRE_SYSTEM_PACKAGES"


def require(program: str | None, what: str, install: str) -> str:
    """Return the path of ``program`` (a name on the PATH or a path); skip (or, under CI, fail) without it."""
    found = shutil.which(program) if program else None
    if found is None:
        missing(what, install)
    return found


def missing(what: str, install: str) -> None:
    """Skip the test because ``what`` is missing (fail when REQUIRE is set), naming how to install it."""
    message = f"{what} is missing: install it with `{install}` (or run `sudo .ci/run`, which installs it)"
    if os.environ.get(REQUIRE) == "1":
        pytest.fail(f"{message}; {REQUIRE}=1 requires every system package", pytrace=False)
    pytest.skip(message)
