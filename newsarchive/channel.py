"""Extraction worker processes and the pipes to them, read and written by the reactor itself.

`concurrent.futures.ProcessPoolExecutor` ran two threads in the crawl process (its manager and
its queue's feeder) and woke the manager through a pipe on every submit: per page, a pickled
work item, hand-offs of the GIL between three threads and a wake-up of the event loop from
another thread. Here each worker has two pipes, both non-blocking and watched by the event loop
(`add_reader`; `add_writer` only while a job does not fit in the pipe): a job goes out as one
frame, its result comes back as one frame, in order. bench/bench_channel.py (canned results,
16 jobs in flight): the crawl side's CPU per job 0.13 ms against 0.19 with the executor; in
paired 1,000-page crawls the crawl process spent ~0.3 ms less per page (bench/README.md).

Up to PER_WORKER jobs are sent ahead to a worker, so that it keeps working while the reactor is
busy elsewhere (a store batch takes ~30-50 ms; the executor's threads fed the worker meanwhile).

Frames are `multiprocessing.Connection`'s (a 4-byte big-endian length, or -1 and 8 bytes), so
the worker reads and writes with plain blocking `recv_bytes`/`send_bytes`.

A worker that dies (SIGKILL, the OOM killer, a crash in lxml) closes its result pipe: every job
it held fails with `WorkerDied`, and the next job starts a new worker. A worker exits when its
job pipe reaches end of file: the crawl closed it or died (a worker stuck in a page when its
crawl is killed notices within half a second: `_watch_parent`).
"""

from __future__ import annotations

import logging
import os
import pickle
import threading
import time
from collections import deque
from collections.abc import Callable
from multiprocessing import get_context
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported where used: workers never load asyncio (see pages.py)
    import asyncio

logger = logging.getLogger(__name__)

PER_WORKER = 8  # jobs sent ahead to a worker (see Channel)
_PIPE_BYTES = 1 << 20  # Linux's default pipe-max-size: a bench page and its result fit whole
_F_SETPIPE_SZ = 1031  # fcntl.F_SETPIPE_SZ (Python 3.10+ names it; Linux only)


class WorkerDied(Exception):
    """The worker holding this job exited, was killed or was shut down."""


def _frame(payload: bytes) -> bytes:
    n = len(payload)
    head = n.to_bytes(4, "big", signed=True) if n < 0x7FFFFFFF else (
        b"\xff\xff\xff\xff" + n.to_bytes(8, "big"))
    return head + payload


def _grow(fd: int) -> None:
    try:
        import fcntl

        fcntl.fcntl(fd, _F_SETPIPE_SZ, _PIPE_BYTES)
    except (ImportError, OSError):  # not Linux, or over the limit: the default size works too
        pass


# --- in the worker process ----------------------------------------------------------------------
def _serve(jobs: Any, results: Any, work: Callable[[Any], Any],
           init: Callable[..., None], init_args: tuple[Any, ...]) -> None:
    init(*init_args)
    threading.Thread(target=_watch_parent, args=(os.getppid(),), daemon=True).start()
    while True:
        try:
            data = jobs.recv_bytes()
        except (EOFError, OSError):
            return  # the crawl closed the pipe, or died
        try:
            out = pickle.dumps((True, work(pickle.loads(data))), pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # noqa: BLE001 - handed to the caller, as an executor does
            try:
                out = pickle.dumps((False, exc), pickle.HIGHEST_PROTOCOL)
            except Exception:  # noqa: BLE001 - an exception that cannot be pickled
                out = pickle.dumps((False, RuntimeError(repr(exc))), pickle.HIGHEST_PROTOCOL)
        try:
            _write_all(results.fileno(), _frame(out))
        except OSError:
            return


def _write_all(fd: int, data: bytes) -> None:
    # One write for head and payload where the pipe has room (`send_bytes` makes two for
    # anything over 16 KB: the reactor would wake up for the 4-byte head alone).
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _watch_parent(parent: int) -> None:
    # A worker busy in a page does not read its job pipe; reparenting means its crawl died.
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(0)


# --- in the crawl process -----------------------------------------------------------------------
class Worker:
    """One worker process; jobs sent and results read on the running event loop."""

    def __init__(self, work: Callable[[Any], Any], init: Callable[..., None],
                 init_args: tuple[Any, ...], on_free: Callable[[Worker], None]) -> None:
        # spawn, not fork: the reactor process has threads and open sockets and SQLite files.
        ctx = get_context("spawn")
        jobs_r, jobs_w = ctx.Pipe(duplex=False)
        results_r, results_w = ctx.Pipe(duplex=False)
        self.proc = ctx.Process(target=_serve, args=(jobs_r, results_w, work, init, init_args),
                                name="newsarchive-extract", daemon=True)
        self.proc.start()
        jobs_r.close()  # the child's ends: a dead child is end of file here
        results_w.close()
        self._conns = (jobs_w, results_r)
        self.wfd, self.rfd = jobs_w.fileno(), results_r.fileno()
        for fd in (self.wfd, self.rfd):
            _grow(fd)
            os.set_blocking(fd, False)
        self.sent: deque[asyncio.Future[Any]] = deque()  # results come back in this order
        self.dead: str | None = None
        self._out = bytearray()
        self._in = bytearray()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._on_free = on_free

    @property
    def pid(self) -> int | None:
        return self.proc.pid

    def send(self, frame: bytes, future: asyncio.Future[Any]) -> None:
        if self._loop is None:
            import asyncio

            self._loop = asyncio.get_running_loop()
            self._loop.add_reader(self.rfd, self._readable)
        self.sent.append(future)
        if self._out:
            self._out += frame
            return
        try:
            n = os.write(self.wfd, frame)
        except BlockingIOError:
            n = 0
        except OSError:  # the worker is gone: its result pipe's end of file says so
            return
        if n < len(frame):
            self._out += memoryview(frame)[n:]
            self._loop.add_writer(self.wfd, self._writable)

    def _writable(self) -> None:
        try:
            n = os.write(self.wfd, self._out)
        except BlockingIOError:
            return
        except OSError:
            n = len(self._out)
        del self._out[:n]
        if not self._out and self._loop is not None:
            self._loop.remove_writer(self.wfd)

    def _readable(self) -> None:
        try:
            data = os.read(self.rfd, _PIPE_BYTES)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:
            self.stop(None)
            return
        buf = self._in
        buf += data
        while len(buf) >= 4:
            n, head = int.from_bytes(buf[:4], "big", signed=True), 4
            if n == -1:
                if len(buf) < 12:
                    break
                n, head = int.from_bytes(buf[4:12], "big"), 12
            if len(buf) < head + n:
                break
            ok, value = pickle.loads(buf[head:head + n])
            del buf[:head + n]
            future = self.sent.popleft()
            if not future.done():  # not given up on (a cancelled crawl)
                if ok:
                    future.set_result(value)
                else:
                    future.set_exception(value)
            self._on_free(self)

    def stop(self, reason: str | None, kill: bool = False) -> None:
        """Stop the worker (kill it, or let it finish reading); its jobs fail with `reason`
        (default: how it died)."""
        if self.dead is not None:
            return
        if kill and self.proc.is_alive():
            self.proc.kill()
        if self._loop is not None:
            self._loop.remove_reader(self.rfd)
            self._loop.remove_writer(self.wfd)
        for conn in self._conns:
            conn.close()  # the job pipe's end of file tells a live worker to exit
        self.proc.join(1.0)
        if reason is None:
            code = self.proc.exitcode
            reason = "extraction worker died" + (f" (exit code {code})" if code else "")
        self.dead = reason
        while self.sent:
            future = self.sent.popleft()
            if not future.done():
                future.set_exception(WorkerDied(reason))
        self._on_free(self)

    def close(self) -> None:
        """Shut down at the end of a crawl: the worker finishes its job and exits."""
        self.stop("extraction workers shut down")
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(1.0)


class Channel:
    """`count` workers fed from one queue, each holding at most PER_WORKER jobs; a dead worker
    is replaced when the next job is dispatched (`replaced` counts them)."""

    def __init__(self, count: int, work: Callable[[Any], Any], init: Callable[..., None],
                 init_args: tuple[Any, ...]) -> None:
        self.count = max(1, count)
        self._spawn_args = (work, init, init_args)
        self.workers: list[Worker] = []
        self._queue: deque[tuple[bytes, asyncio.Future[Any]]] = deque()
        self.replaced = 0
        self.closed = False

    def start(self) -> None:
        while len(self.workers) < self.count:
            self.workers.append(Worker(*self._spawn_args, on_free=self._dispatch))

    def submit(self, job: Any, future: asyncio.Future[Any]) -> None:
        if self.closed:
            raise RuntimeError("the extraction workers are shut down")
        self._queue.append((_frame(pickle.dumps(job, pickle.HIGHEST_PROTOCOL)), future))
        self._dispatch(None)

    def holder(self, future: asyncio.Future[Any]) -> Worker | None:
        return next((w for w in self.workers if future in w.sent), None)

    def _dispatch(self, _free: Worker | None) -> None:
        if self.closed:
            return
        if any(w.dead for w in self.workers):
            for worker in self.workers:
                if worker.dead:
                    self.replaced += 1
                    logger.warning("extraction worker restarted: %s", worker.dead)
            self.workers = [w for w in self.workers if not w.dead]
        if self._queue:
            self.start()
        while self._queue:
            worker = min(self.workers, key=lambda w: len(w.sent))
            if len(worker.sent) >= PER_WORKER:
                return
            frame, future = self._queue.popleft()
            if not future.done():  # given up on while queued
                worker.send(frame, future)

    def close(self) -> None:
        self.closed = True
        for worker in self.workers:
            worker.close()
        for _, future in self._queue:
            if not future.done():
                future.set_exception(WorkerDied("extraction workers shut down"))
        self._queue.clear()
