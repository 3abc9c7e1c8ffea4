"""``KGTOOL_TIMEOUT``: how long one command may run, read in one place.

When it is set (seconds), it bounds the whole command, not each request: against a server, every request
gets what is left of it (a server that hangs costs the command ``KGTOOL_TIMEOUT``, not that much per request);
on the embedded store, a watchdog stops a read command that runs longer (pyoxigraph cannot cancel a query, so
the process ends with a one-line message; a read command has nothing to leave half-written). Unset, a
request to a server may take ``DEFAULT_REQUEST_TIMEOUT`` and embedded queries run as long as they need.
"""

from __future__ import annotations

import functools
import os
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from kgtool.errors import EXIT_INPUT, InputError

#: What one request to a server may take when KGTOOL_TIMEOUT is not set.
DEFAULT_REQUEST_TIMEOUT = 120.0


def command_timeout() -> float | None:
    """Return KGTOOL_TIMEOUT in seconds, or None when it is not set; a bad value is an InputError."""
    value = os.environ.get("KGTOOL_TIMEOUT", "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not seconds > 0 or seconds == float("inf"):
        raise InputError(f"KGTOOL_TIMEOUT must be a positive number of seconds, got {value!r}")
    return seconds


class Deadline:
    """The end of a command's time: ``remaining()`` seconds are left (None: no bound)."""

    def __init__(self, seconds: float | None) -> None:
        self.seconds = seconds
        self._end = None if seconds is None else time.monotonic() + seconds

    @classmethod
    def from_environment(cls) -> Deadline:
        """Return the deadline KGTOOL_TIMEOUT sets, counted from now."""
        return cls(command_timeout())

    def remaining(self) -> float | None:
        """Return the seconds left (at least 0), or None when there is no bound."""
        return None if self._end is None else max(self._end - time.monotonic(), 0.0)

    def cap(self, timeout: float) -> tuple[float, bool]:
        """Return the timeout a request may use, and whether the deadline (not ``timeout``) set it."""
        left = self.remaining()
        if left is None or left >= timeout:
            return timeout, False
        return left, True


def stop_after_timeout(function: Callable[..., Any]) -> Callable[..., Any]:
    """Run a read command under KGTOOL_TIMEOUT on the embedded store: past it, one line on stderr and exit 2.

    A command on a server (``source.endpoint``) is bounded by its requests' deadline instead.
    """

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        seconds = command_timeout()
        source = kwargs.get("source")
        if seconds is None or getattr(source, "endpoint", None):
            return function(*args, **kwargs)
        timer = threading.Timer(seconds, _stop, args=(seconds,))
        timer.daemon = True
        timer.start()
        try:
            return function(*args, **kwargs)
        finally:
            timer.cancel()

    return wrapper


def _stop(seconds: float) -> None:
    """End the process: the engine is still evaluating a query and cannot be interrupted."""
    sys.stdout.flush()
    sys.stderr.write(f"kgtool: error: stopped after {seconds:g} s (KGTOOL_TIMEOUT): the command ran too long\n")
    sys.stderr.flush()
    os._exit(EXIT_INPUT)
