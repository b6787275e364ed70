"""Reading many returned files with bounded time and memory per file.

A returned file can be anything: a fuzzed workbook that makes a parser spin, a zip
bomb, a file that crashes native code.  Each file is therefore read in a worker
process whose address space is capped (RLIMIT_AS) and which is given a deadline;
a worker that dies or overruns is killed and replaced, the file becomes a
``file-unreadable`` finding, and the batch goes on.

Workers are long-lived: starting a process per file would cost more than reading
the file.  A round trip per file would too (a typical workbook reads in well under
a millisecond), so the parent sends each worker a chunk of files — paths: files on
disk, and those taken out of zips and emails into the run's work folder; bytes only
for a file a caller handed over in memory — and the worker answers with one
``ReadResult`` per file as soon as it has it.  The parent therefore always knows
which file a dead or stuck worker was on: the first unanswered file of its chunk.
That file becomes the finding, the rest of the chunk goes back to the queue, and
the deadline restarts at every answer, so it bounds each file, not the chunk.

Small batches still go through the pool: a file that hangs native code cannot be
stopped in-process, and the pool's start (a fraction of a second) is the price of
that guarantee.

The same fork server also starts ``in_background`` processes: work of our own (the
Word report) that runs beside the caller's on the second core, without the readers'
caps, since its input is not a returned file.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import tempfile
import threading
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Callable, Sequence, TypeVar

from .model import DEFAULT_TIME_ZONE, Progress, ReadResult, ReturnedFile, time_zone as zone_named

# ``reader(file, password, time_zone=…)``: the read options travel with every file.
Reader = Callable[..., ReadResult]
T = TypeVar("T")

DEFAULT_TIMEOUT = 20.0
DEFAULT_MEMORY_MB = 1024
MAX_WORKERS = 4
STARTUP_TIMEOUT = 60.0
# Files per message: enough to make the round trip negligible, few enough that the
# workers finish together (chunks shrink as the queue empties).
MAX_CHUNK = 32
# A file handed over in memory travels as bytes: keep one message modest.
MAX_CHUNK_BYTES = 16 * 1024 * 1024
_READY = "ready"
# What the fork server imports before it forks anything: the readers of returns,
# and of the master workbook (read back for its 定稿 whenever merge runs again).
PRELOAD = ("wbtool.io.read", "wbtool.io.master_read")

# ``read_all`` and ``read_here`` take the same arguments and give the same results:
# ``pipeline`` takes either (``read=``), so library callers and tests can read in process.
ReadAll = Callable[..., "list[ReadResult]"]


def read_all(
    files: Sequence[ReturnedFile],
    *,
    password: str | None = None,
    time_zone: str = DEFAULT_TIME_ZONE,
    workers: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    memory_mb: int = DEFAULT_MEMORY_MB,
    progress: Progress | None = None,
    reader: Reader | None = None,
    scratch: str | Path | None = None,
) -> list[ReadResult]:
    """Read every file, in the order given; one bad file never stops the batch.

    ``password`` and ``time_zone`` (the units' zone, an IANA name: the catalogue's)
    are the read options, handed to the reader with every file.  ``timeout``
    (seconds) and ``memory_mb`` bound each file.  ``reader`` is the
    function a worker applies to a file; it must be importable by name (tests use it
    to simulate files that hang or crash a parser); by default ``io.read.read_file``.
    ``progress(done, total)`` is called once per file read.  ``scratch`` is the
    folder for the temporary files the workers make (LibreOffice's copies of a .doc):
    the run's work folder, so that no unit's text lands in a shared $TMPDIR; by
    default the system's.  A ``time_zone`` that names no zone raises ``ValueError``
    before anything is read.
    """
    # The readers are imported here, not at the top: the ``wbtool`` command imports
    # this module first thing to start the server, and needs the readers only now.
    from .io.read import read_file

    reader = reader or read_file
    zone_named(time_zone)
    files = list(files)
    if not files:
        return []
    size = max(1, min(workers or min(os.cpu_count() or 1, MAX_WORKERS), len(files)))
    batch = _Batch(files, (password, time_zone), timeout, progress)
    pool: list[_Worker] = []
    try:
        pool = _Worker.start_many(reader, memory_mb, size, scratch)
        while batch.unfinished:
            for index, worker in enumerate(pool):
                if not worker.jobs and batch.pending:
                    if worker.stopped:  # replaced only once there is work for it: no worker started just to stop
                        worker = pool[index] = _Worker.start(reader, memory_mb, scratch)
                    batch.dispatch(worker, len(pool))
            ready = batch.wait([worker for worker in pool if worker.jobs])
            for worker in pool:
                if not batch.collect(worker, worker.conn in ready):
                    worker.stop(kill=True)
    finally:
        for worker in pool:
            worker.stop()
    return batch.results()


def read_here(
    files: Sequence[ReturnedFile],
    *,
    password: str | None = None,
    time_zone: str = DEFAULT_TIME_ZONE,
    progress: Progress | None = None,
    reader: Reader | None = None,
    **_limits,
) -> list[ReadResult]:
    """``read_all`` in this process, without its time and memory bounds.

    For callers that trust their files (a notebook over files it made, tests of the
    checks): no process is started.  A file that hangs a parser hangs the caller.
    """
    from .io.read import read_file

    reader = reader or read_file
    zone_named(time_zone)
    results = []
    for done, file in enumerate(files, start=1):
        results.append(reader(file, password, time_zone=time_zone))
        if progress is not None:
            progress(done, len(files))
    return results


def warm_up() -> None:
    """Start booting the workers' fork server now, without waiting for it.

    The server imports the readers (a few tenths of a second, the bulk of the pool's
    start); a caller that has other work first — collecting the returns — lets that
    happen meanwhile.  Harmless where there is no fork server, and when repeated.
    """
    if _context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()


def in_background(func: Callable[..., T], *args) -> Callable[[], T]:
    """Start ``func(*args)`` in a process of its own; returns the function that waits for its value.

    For work that can run beside the caller's on the second core (the Word report
    while the master workbook is written).  The process forks from the readers'
    server, so it starts in milliseconds with the modules in place.  ``func`` and
    ``args`` must pickle; an exception ``func`` raises is raised again by the
    waiting function.  A process that cannot start or dies without an answer is not
    the work's fault: the waiting function then runs ``func(*args)`` in the caller.
    """
    executor = None
    try:
        executor = ProcessPoolExecutor(max_workers=1, mp_context=_context(), initializer=die_with, initargs=(os.getpid(),))
        future = executor.submit(func, *args)
    except (OSError, RuntimeError, BrokenProcessPool):
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)
        return lambda: func(*args)

    def result() -> T:
        try:
            return future.result()
        except BrokenProcessPool:
            return func(*args)
        finally:
            executor.shutdown()

    return result


def call_capped(func: Callable[..., T], *args, timeout: float = DEFAULT_TIMEOUT, memory_mb: int = DEFAULT_MEMORY_MB) -> T:
    """``func(*args)`` in a process of its own, under the readers' caps on memory and time.

    For every library that opens an untrusted file outside the readers: an imported
    notice, openpyxl in ``check --markup`` (one merged range ``G1:XFD1048576`` took
    24 GB), calamine on a master in ``report`` (a cell at XFD1048576 allocates 512 GB
    and aborts; a damaged .xls raises pyo3's ``PanicException``, not an ``Exception``,
    which becomes ``CapExceeded``).  ``func`` and ``args`` must pickle; an exception
    ``func`` raises is raised again here.  The process dies with the command.
    Overrunning the deadline, or dying (out of memory, a crash in native code),
    raises ``CapExceeded`` whose message is a Chinese sentence.
    """
    context = _context()
    parent_end, child_end = context.Pipe(duplex=False)
    process = context.Process(target=_call, args=(child_end, memory_mb, func, args, os.getpid()), daemon=True)
    process.start()
    child_end.close()
    try:
        if not parent_end.poll(timeout):
            raise CapExceeded(f"读取超时，超过 {timeout:g} 秒仍未读完")
        ok, value = parent_end.recv()
    except (EOFError, OSError):
        raise CapExceeded("读取时占用内存过多或程序崩溃") from None
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        parent_end.close()
        process.close()
    if ok:
        return value
    raise value


class CapExceeded(RuntimeError):
    """A capped call ran out of time or memory, or died; ``str(exc)`` says which, in Chinese."""


def _call(conn: Connection, memory_mb: int, func: Callable, args: tuple, parent: int | None = None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if parent is not None:
        die_with(parent)
    _silence_stderr()
    _cap_memory(memory_mb)
    try:
        result = (True, func(*args))
    except Exception as exc:  # noqa: BLE001 — handed to the caller as it is
        result = (False, exc)
    except BaseException as exc:  # noqa: BLE001 — pyo3's PanicException is not an Exception
        result = (False, CapExceeded(f"文件已损坏或格式无法识别（{type(exc).__name__}）"))
    try:
        conn.send(result)
    except Exception:  # noqa: BLE001 — an exception that does not pickle
        conn.send((False, CapExceeded(f"处理时出错（{type(result[1]).__name__}）")))


class _Batch:
    """The files of one ``read_all`` call and what has become of them."""

    def __init__(self, files: list[ReturnedFile], options: tuple, timeout: float, progress: Progress | None):
        self.files = files
        self.options = options  # (password, time zone): sent with every chunk
        self.timeout = timeout
        self.progress = progress
        self.pending = deque(range(len(files)))
        self.done: dict[int, ReadResult] = {}

    @property
    def unfinished(self) -> bool:
        return len(self.done) < len(self.files)

    def dispatch(self, worker: _Worker, workers: int) -> None:
        """Send an idle worker its next chunk (only idle: it is then blocked reading, never writing)."""
        wanted = max(1, min(MAX_CHUNK, len(self.pending) // (2 * workers)))
        chunk, size = [], 0
        while self.pending and len(chunk) < wanted:
            file = self.files[self.pending[0]]
            size += len(file.data) if file.data is not None else 0
            if chunk and size > MAX_CHUNK_BYTES:
                break
            chunk.append((self.pending.popleft(), file))
        worker.jobs.extend(index for index, _ in chunk)
        worker.deadline = time.monotonic() + self.timeout
        try:
            worker.conn.send((self.options, chunk))
        except (OSError, ValueError):  # the worker died while idle; collect() reports the file
            pass

    def wait(self, busy: list[_Worker]) -> list:
        """The connections of busy workers that have something to say (an answer or their end)."""
        if not busy:
            return []
        remaining = min(worker.deadline for worker in busy) - time.monotonic()
        return wait([worker.conn for worker in busy], timeout=max(0.0, remaining))

    def collect(self, worker: _Worker, readable: bool) -> bool:
        """Take one answer if the worker has sent one; False if the worker must be replaced.

        One answer per wake-up: an answer already waiting behind it makes the next
        ``wait`` return at once, and asking the pipe again here (``poll``) would cost
        the parent a system call and a selector per file, CPU the workers need.
        """
        if not worker.jobs:
            return worker.stopped or worker.process.is_alive()
        try:
            if readable:
                index, result = worker.conn.recv()
                worker.jobs.remove(index)  # always the first: a worker answers in order
                worker.deadline = time.monotonic() + self.timeout
                self._finish(index, result)
        except (EOFError, OSError):
            self._give_up(worker, "读取时占用内存过多或程序崩溃")
            return False
        if worker.jobs and time.monotonic() >= worker.deadline:
            self._give_up(worker, f"读取超时，超过 {self.timeout:g} 秒仍未读完")
            return False
        return True

    def _give_up(self, worker: _Worker, reason: str) -> None:
        """The worker's current file is the culprit; the rest of its chunk goes back to the queue."""
        culprit = worker.jobs.popleft()
        self.pending.extendleft(reversed(worker.jobs))
        worker.jobs.clear()
        from .io.read import unreadable

        self._finish(culprit, unreadable(self.files[culprit], reason, transient=True))

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
    jobs: deque[int] = field(default_factory=deque)  # sent, not yet answered, in order
    deadline: float = 0.0
    stopped: bool = False

    @classmethod
    def start(cls, reader: Reader, memory_mb: int, scratch: str | Path | None = None) -> _Worker:
        return cls.start_many(reader, memory_mb, 1, scratch)[0]

    @classmethod
    def start_many(cls, reader: Reader, memory_mb: int, count: int, scratch: str | Path | None = None) -> list[_Worker]:
        """Start ``count`` workers and wait until all are ready: they boot side by side."""
        context = _context()
        workers = []
        try:
            for _ in range(count):
                parent_end, child_end = context.Pipe()
                serve_args = (child_end, reader, memory_mb, os.getpid(), None if scratch is None else str(scratch))
                process = context.Process(target=_serve, args=serve_args, daemon=True)
                process.start()
                child_end.close()
                workers.append(cls(process, parent_end))
            for worker in workers:
                worker._await_ready()
        except BaseException:
            for worker in workers:
                worker.stop(kill=True)
            raise
        return workers

    def _await_ready(self) -> None:
        # A worker that cannot even start (an unimportable main module, no memory at
        # all) is the program's fault, not a file's: say so instead of blaming every file.
        try:
            ready = self.conn.poll(STARTUP_TIMEOUT) and self.conn.recv() == _READY
        except (EOFError, OSError):
            ready = False
        if not ready:
            raise RuntimeError("reader worker process failed to start")

    def stop(self, *, kill: bool = False) -> None:
        """Ask an idle worker to leave, kill a busy or stuck one; always reap it (no zombies)."""
        if self.stopped:
            return
        self.stopped = True
        if self.process.is_alive() and not self.jobs and not kill:
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

    The server preloads the readers, so every worker starts with them in place.
    (multiprocessing also re-runs the caller's main script in every worker: the
    ``wbtool`` command's script imports only ``wbtool.__main__``, light on purpose.)
    """
    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload(list(PRELOAD))
    return context


def die_with(parent: int) -> None:
    """End this process when ``parent`` (the command) dies, however it dies (SIGKILL too).

    Workers and the report process are children of the fork server, not of the
    command, and a worker stuck in native code, or one blocked on a queue whose
    other end it holds itself, would otherwise outlive it holding the caller's
    stderr.  Two watches: the kernel's parent-death signal (Linux; fires when the
    fork server, which leaves with the command, goes) and a thread that polls the
    command's pid twice a second (everywhere).
    """
    _parent_death_signal()

    def watch() -> None:
        while True:
            time.sleep(WATCH_INTERVAL)
            if not _alive(parent):
                os._exit(1)

    threading.Thread(target=watch, name="wbtool-parent-watch", daemon=True).start()


WATCH_INTERVAL = 0.5


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def _parent_death_signal() -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _serve(conn: Connection, reader: Reader, memory_mb: int, parent: int | None = None, scratch: str | None = None) -> None:
    """A worker: read the chunks the parent sends, answering file by file, until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    if scratch is not None:
        tempfile.tempdir = scratch  # the process is ours: every library's temporary file goes there
    if parent is not None:
        die_with(parent)
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
        (password, zone), chunk = job
        for index, file in chunk:
            conn.send((index, reader(file, password, time_zone=zone)))


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
