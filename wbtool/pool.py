"""Reading many returned files with bounded time and memory per file.

A returned file can be anything: a fuzzed workbook that makes a parser spin, a zip
bomb, a file that crashes native code.  Each file is therefore read in a worker
process whose address space is capped (RLIMIT_AS) and which is given a deadline;
a worker that dies or overruns is killed and replaced, the file becomes a
``file-unreadable`` finding, and the batch goes on.

Workers are long-lived: starting a process per file would cost more than reading
the file.  The parent sends one file at a time to each worker — a path for files
on disk, the bytes only for files that live inside a zip or an email — and gets a
``ReadResult`` back.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from collections import deque
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Callable, Sequence

from .read import read_file, unreadable
from .model import ReadResult, ReturnedFile

Progress = Callable[[int, int], None]
Reader = Callable[[ReturnedFile, "str | None"], ReadResult]

DEFAULT_TIMEOUT = 20.0
DEFAULT_MEMORY_MB = 1024
MAX_WORKERS = 4
STARTUP_TIMEOUT = 60.0
_READY = "ready"


def read_all(
    files: Sequence[ReturnedFile],
    *,
    password: str | None = None,
    workers: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    memory_mb: int = DEFAULT_MEMORY_MB,
    progress: Progress | None = None,
    reader: Reader = read_file,
) -> list[ReadResult]:
    """Read every file, in the order given; one bad file never stops the batch.

    ``timeout`` (seconds) and ``memory_mb`` bound each file.  ``reader`` is the
    function a worker applies to a file; it must be importable by name (tests use it
    to simulate files that hang or crash a parser).
    """
    files = list(files)
    if not files:
        return []
    size = max(1, min(workers or min(os.cpu_count() or 1, MAX_WORKERS), len(files)))
    batch = _Batch(files, password, timeout, progress)
    pool: list[_Worker] = []
    try:
        pool = [_Worker.start(reader, memory_mb) for _ in range(size)]
        while batch.unfinished:
            for worker in pool:
                if worker.job is None and batch.pending:
                    batch.dispatch(worker)
            for index, worker in enumerate(pool):
                if not batch.collect(worker):
                    worker.stop()
                    if batch.pending:  # no fresh worker just to say goodbye to it
                        pool[index] = _Worker.start(reader, memory_mb)
            batch.wait([worker for worker in pool if worker.job is not None])
    finally:
        for worker in pool:
            worker.stop()
    return batch.results()


class _Batch:
    """The files of one ``read_all`` call and what has become of them."""

    def __init__(self, files: list[ReturnedFile], password, timeout: float, progress: Progress | None):
        self.files = files
        self.password = password
        self.timeout = timeout
        self.progress = progress
        self.pending = deque(range(len(files)))
        self.done: dict[int, ReadResult] = {}

    @property
    def unfinished(self) -> bool:
        return len(self.done) < len(self.files)

    def dispatch(self, worker: _Worker) -> None:
        index = self.pending.popleft()
        worker.job = index
        worker.deadline = time.monotonic() + self.timeout
        try:
            worker.conn.send((self.files[index], self.password))
        except (OSError, ValueError):  # the worker died while idle; collect() reports the file
            pass

    def wait(self, busy: list[_Worker]) -> None:
        if not busy:
            return
        remaining = min(worker.deadline for worker in busy) - time.monotonic()
        wait([worker.conn for worker in busy], timeout=max(0.0, remaining))

    def collect(self, worker: _Worker) -> bool:
        """Take the worker's result if it has one; False if the worker must be replaced."""
        index = worker.job
        if index is None:
            return worker.stopped or worker.process.is_alive()
        try:
            if worker.conn.poll():
                self._finish(index, worker.conn.recv())
                worker.job = None
                return True
        except (EOFError, OSError):
            self._finish(index, unreadable(self.files[index], "读取时占用内存过多或程序崩溃"))
            worker.job = None
            return False
        if time.monotonic() >= worker.deadline:
            self._finish(index, unreadable(self.files[index], f"读取超时，超过 {self.timeout:g} 秒仍未读完"))
            worker.job = None
            return False
        return True

    def _finish(self, index: int, result: ReadResult) -> None:
        self.done[index] = result
        if self.progress is not None:
            self.progress(len(self.done), len(self.files))

    def results(self) -> list[ReadResult]:
        return [self.done[index] for index in range(len(self.files))]


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: Connection
    job: int | None = None
    deadline: float = 0.0
    stopped: bool = False

    @classmethod
    def start(cls, reader: Reader, memory_mb: int) -> _Worker:
        context = _context()
        parent_end, child_end = context.Pipe()
        process = context.Process(target=_serve, args=(child_end, reader, memory_mb), daemon=True)
        process.start()
        child_end.close()
        worker = cls(process, parent_end)
        # A worker that cannot even start (an unimportable main module, no memory at
        # all) is the program's fault, not a file's: say so instead of blaming every file.
        try:
            ready = parent_end.poll(STARTUP_TIMEOUT) and parent_end.recv() == _READY
        except (EOFError, OSError):
            ready = False
        if not ready:
            worker.job = -1  # force a kill in stop()
            worker.stop()
            raise RuntimeError("reader worker process failed to start")
        return worker

    def stop(self) -> None:
        """Ask an idle worker to leave, kill a busy or stuck one; always reap it (no zombies)."""
        if self.stopped:
            return
        self.stopped = True
        if self.process.is_alive() and self.job is None:
            try:
                self.conn.send(None)
            except (OSError, ValueError):
                pass
            self.process.join(timeout=1.0)
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()
        self.process.close()


def _context():
    """forkserver: workers fork from a clean server that has the readers imported already.

    Forking the caller itself would copy whatever threads and locks it holds (the
    CLI's progress bar, a test runner), which is how forked children deadlock.
    """
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload(["wbtool.read"])
    return context


def _serve(conn: Connection, reader: Reader, memory_mb: int) -> None:
    """A worker: read the files the parent sends, one at a time, until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _silence_stderr()
    _cap_memory(memory_mb)
    conn.send(_READY)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        file, password = job
        conn.send(reader(file, password))


def _silence_stderr() -> None:
    """Native parsers print panics and allocation failures with long backtraces on
    stderr; the user gets a finding instead, so the worker's stderr goes nowhere."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)


def _cap_memory(memory_mb: int) -> None:
    try:
        import resource
    except ImportError:  # not on POSIX: time is still bounded, memory is not
        return
    limit = memory_mb * 1024 * 1024
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ValueError, OSError):
        pass
