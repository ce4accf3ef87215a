"""One run at a time per output folder: an advisory lock on OUT/.lock.

The lock is held by an open file descriptor, so the kernel releases it when
the process dies, even by SIGKILL: a crashed run never leaves a stale lock.
It is re-entrant within a process: the CLI takes it before starting Prefect
(so a second run refuses at once, without a flow run of its own), and the
flow, which takes it too when called directly, then finds it held.
"""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path


class OutputLocked(RuntimeError):
    """Another run is writing to the same output folder."""


_held: dict[Path, int] = {}  # lock files this process holds, and how many times


@contextmanager
def output_lock(out_dir: Path, wait: bool = False, poll_s: float = 0.5, timeout_s: float = 3600.0):
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / ".lock"
    key = path.resolve()
    if key in _held:
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + timeout_s
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = os.pread(fd, 200, 0).decode(errors="replace").strip() or "another process"
                if not wait or time.monotonic() > deadline:
                    raise OutputLocked(f"{out_dir} is being written by {holder}; "
                                       "retry when it ends, or pass --wait") from None
                time.sleep(poll_s)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"run pid {os.getpid()}".encode(), 0)
        _held[key] = 1
        try:
            yield
        finally:
            del _held[key]
    finally:
        os.close(fd)  # releases the lock
