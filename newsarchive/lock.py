"""One crawl at a time per archive: an exclusive `flock` on `<db>.lock`, held for the run.

flock, not a pid file: the kernel drops the lock when the process dies however it dies
(SIGKILL, OOM killer, power cut), so a killed run never leaves a stale lock behind. The file
keeps the holder's pid and start time only so the "locked" message can name them.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path
from types import TracebackType


class ArchiveLocked(RuntimeError):
    """Another process holds the archive's lock."""


def lock_path(db: str | Path) -> Path:
    return Path(f"{db}.lock")


class ArchiveLock:
    """`with ArchiveLock(db):` -- raises ArchiveLocked at once if another run holds it."""

    def __init__(self, db: str | Path) -> None:
        self.path = lock_path(db)
        self._fd: int | None = None

    def acquire(self) -> ArchiveLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "unknown"
            os.close(fd)
            raise ArchiveLocked(
                f"another crawl is running on this archive (lock {self.path} held by {holder}); "
                "exiting") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} since {time.strftime('%Y-%m-%dT%H:%M:%S')}\n"
                  .encode(), 0)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases the flock
            self._fd = None

    def __enter__(self) -> ArchiveLock:
        return self.acquire()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()
