"""The query workers of `kgtool serve`: processes that run one query at a time and can be killed.

pyoxigraph can neither cancel a query nor bound its time, and a Python thread cannot be stopped, so a query that
runs too long (a cartesian product, sent by any web page open in the user's browser) would hold a core until
the server stops. Each query therefore runs in a worker process holding its own in-memory copy of the graph,
loaded from an N-Quads file the server writes once (:func:`dump_dataset`). The server sends a worker the query
text and the Accept header over a pipe and waits up to the time limit; past it, it kills the worker (SIGKILL),
starts a fresh one and answers 503. A worker that crashes (a segfault, the memory limit) is replaced the same
way and the request answered 500. A request that finds no worker free waits for one, within the same time
limit: the pool never grows.

Workers are started with the "spawn" method (a new interpreter: the server process is threaded and is never
forked), with SIGINT blocked, so that Ctrl-C in a terminal, which reaches the whole process group, stops only
the server, which then stops its workers.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import resource
import signal
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path

import pyoxigraph as ox

from kgtool.errors import InputError
from kgtool.store import EmbeddedStore
from kgtool.web.serve import ProtocolError, Response, error_response, execute, one_line

_CONTEXT = multiprocessing.get_context("spawn")
#: How often a request waiting for a free worker checks whether any worker is left at all.
_WAIT_STEP = 0.25


def dump_dataset(store: EmbeddedStore, path: Path) -> None:
    """Write every quad of the store (all graphs) to ``path`` as N-Quads, for the workers to load."""
    ox.serialize(store.quads(), output=str(path), format=ox.RdfFormat.N_QUADS)


def default_memory_limit(workers: int) -> int:
    """Return the default memory limit of one worker in MB: half the machine's memory, shared by the workers."""
    try:
        total = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError):
        return 0
    return max(total // 2 // max(workers, 1) // (1024 * 1024), 512)


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "it stopped answering"
    if code < 0:
        try:
            return f"killed by signal {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"


@dataclass(eq=False)
class _Worker:
    """One worker process and the server's end of its pipe."""

    process: BaseProcess
    conn: Connection
    retired: bool = field(default=False)


class WorkerPool:
    """``size`` worker processes answering queries on the dataset in ``data_file``.

    ``allowed_hosts`` are the hosts a SERVICE clause may call (none by default); ``memory_limit`` (MB, 0 for
    none) bounds each worker's address space, so that a query that piles up rows (an ORDER BY over a cartesian
    product grows by about 270 MB a second) ends its worker, not the machine.
    """

    def __init__(
        self, data_file: Path, size: int = 2, allowed_hosts: Iterable[str] = (), memory_limit: int = 0
    ) -> None:
        self.data_file = data_file
        self.size = size
        self.allowed_hosts = tuple(allowed_hosts)
        self.memory_limit = memory_limit
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._workers: set[_Worker] = set()
        self._slots = 0  # workers running or being started
        self._closed = False

    # -- life cycle ----------------------------------------------------------------------------------------
    def start(self) -> None:
        """Start the workers and wait until each has loaded the data; an InputError when one cannot."""
        workers = []
        with self._lock:
            self._slots = self.size
        for _ in range(self.size):
            workers.append(self._launch())
        for worker in workers:
            self._await_ready(worker)
        for worker in workers:
            self._idle.put(worker)

    def close(self) -> None:
        """Stop every worker (SIGKILL: they hold nothing but a copy of the data) and wait for them to end."""
        with self._lock:
            self._closed = True
            workers = list(self._workers)
            self._workers.clear()
        for worker in workers:
            with contextlib.suppress(OSError):
                worker.process.kill()
        for worker in workers:
            worker.process.join(5)
            worker.conn.close()

    def _launch(self) -> _Worker:
        parent_end, child_end = _CONTEXT.Pipe()
        process = _CONTEXT.Process(
            target=_worker_main,
            args=(child_end, str(self.data_file), self.allowed_hosts, self.memory_limit),
            name="kgtool-serve-worker",
            daemon=True,
        )
        # The child inherits the blocked SIGINT through fork and exec, so it never sees a terminal's Ctrl-C,
        # not even while its interpreter starts (this thread only: the server's own handler is unaffected).
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            process.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)
        child_end.close()
        worker = _Worker(process, parent_end)
        with self._lock:
            self._workers.add(worker)
            if self._closed:
                process.kill()
        return worker

    def _await_ready(self, worker: _Worker) -> None:
        """Wait for a new worker's first message: it has loaded the data, or it says why it could not."""
        try:
            while not worker.conn.poll(0.1):
                if not worker.process.is_alive():
                    break
            message = worker.conn.recv()
        except (EOFError, OSError):
            worker.process.join(5)
            message = ("failed", f"the worker process ended while loading the data ({self._exit_reason(worker)})")
        if message[0] != "ready":
            self._retire(worker, replace=False)
            raise InputError(f"a query worker could not start: {message[1]}")

    def _exit_reason(self, worker: _Worker) -> str:
        description = _describe_exit(worker.process.exitcode)
        if worker.process.exitcode == -signal.SIGABRT and self.memory_limit:
            description += f", which is what exceeding the memory limit of {self.memory_limit} MB per worker does"
        return description

    def _retire(self, worker: _Worker, replace: bool = True) -> None:
        """Kill a worker and wait for it to end; start a fresh one in the background when ``replace``."""
        with self._lock:
            if worker.retired:
                return
            worker.retired = True
            self._workers.discard(worker)
            closed = self._closed
            if not replace or closed:
                self._slots -= 1
        with contextlib.suppress(OSError):
            worker.process.kill()
        worker.process.join(5)
        worker.conn.close()
        if replace and not closed:
            threading.Thread(target=self._replace, name="kgtool-serve-restart", daemon=True).start()

    def _replace(self) -> None:
        try:
            worker = self._launch()
            self._await_ready(worker)  # retires it, and frees its slot, when it fails
        except InputError as error:
            if not self._closed:
                sys.stderr.write(f"kgtool serve: {error}\n")
            return
        except Exception as error:  # e.g. too many processes: the slot is lost, the server goes on
            with self._lock:
                self._slots -= 1
            if not self._closed:
                sys.stderr.write(f"kgtool serve: a query worker could not start: {one_line(str(error))}\n")
            return
        self._idle.put(worker)

    # -- queries -------------------------------------------------------------------------------------------
    def run(self, text: str, accept: str | None, timeout: float) -> Response:
        """Run one query in a free worker within ``timeout`` seconds (waiting for a worker included).

        A ProtocolError when it cannot: 503 when the time ran out (the worker running the query is killed and
        replaced), 500 when the worker crashed (replaced too).
        """
        deadline = time.monotonic() + timeout
        worker = self._acquire(deadline, timeout)
        try:
            worker.conn.send((text, accept))
            if not worker.conn.poll(max(deadline - time.monotonic(), 0.0)):
                self._retire(worker)
                raise ProtocolError(
                    HTTPStatus.SERVICE_UNAVAILABLE,
                    f"the query ran longer than the time limit of {timeout:g} s and was stopped "
                    "(kgtool serve --timeout or KGTOOL_TIMEOUT sets the limit)",
                )
            response, retire = worker.conn.recv()
        except (EOFError, OSError):
            if self._closed:  # the server stopped its workers
                raise ProtocolError(HTTPStatus.SERVICE_UNAVAILABLE, "the server is stopping") from None
            worker.process.join(5)
            what = self._exit_reason(worker)
            self._retire(worker)
            raise ProtocolError(
                HTTPStatus.INTERNAL_SERVER_ERROR,
                f"the query crashed its worker process ({what}); a fresh worker was started",
            ) from None
        if retire:
            self._retire(worker)
        else:
            self._idle.put(worker)
        return response

    def _acquire(self, deadline: float, timeout: float) -> _Worker:
        """Take a free, live worker, waiting for one until ``deadline``."""
        while True:
            if self._closed:
                raise ProtocolError(HTTPStatus.SERVICE_UNAVAILABLE, "the server is stopping")
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ProtocolError(
                    HTTPStatus.SERVICE_UNAVAILABLE,
                    f"no query worker became free within the time limit of {timeout:g} s "
                    f"({self.size} worker(s), all busy); try again later",
                    (("Retry-After", "5"),),
                )
            try:
                worker = self._idle.get(timeout=min(remaining, _WAIT_STEP))
            except queue.Empty:
                if self._slots <= 0:
                    raise ProtocolError(
                        HTTPStatus.SERVICE_UNAVAILABLE,
                        "no query worker is running (they could not be restarted; see the server's output)",
                    ) from None
                continue
            if not worker.process.is_alive():  # killed from outside while idle
                self._retire(worker)
                continue
            return worker


def _worker_main(conn: Connection, data_file: str, allowed_hosts: tuple[str, ...], memory_limit: int) -> None:
    """Run a worker: load the dataset, say so, then answer (query, accept) messages until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Whatever the engine might print when it aborts (out of memory: a message and a backtrace) is noise for
    # the user: the server reports the crash in one line.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    try:
        if memory_limit:
            limit = memory_limit * 1024 * 1024
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        store = EmbeddedStore()
        store.extend(ox.parse(path=data_file, format=ox.RdfFormat.N_QUADS))
    except BaseException as error:  # told to the server, which says it in one line
        conn.send(("failed", one_line(f"{type(error).__name__}: {error}")))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            text, accept = conn.recv()
        except (EOFError, OSError):
            return  # the server stopped
        retire = False
        try:
            response = execute(store, text, accept, allowed_hosts)
        except ProtocolError as error:
            response = error_response(error.status, error.message, error.headers)
        except MemoryError:
            response = error_response(
                HTTPStatus.INTERNAL_SERVER_ERROR,
                f"the query needed more than the memory limit of {memory_limit} MB per worker",
            )
            retire = True
        except Exception as error:  # a defect: one line, and a fresh worker to be safe
            response = error_response(
                HTTPStatus.INTERNAL_SERVER_ERROR, f"internal error: {type(error).__name__}: {error}"
            )
            retire = True
        try:
            conn.send((response, retire))
        except (OSError, MemoryError):
            return
        if retire:
            return
