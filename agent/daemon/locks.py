"""Ownership locks: one daemon per portfolio and one scheduler per job store.

An OS file lock (fcntl) is released by the kernel when its process dies, even on SIGKILL, so a
restart after a crash never waits for a stale lock; a live owner is refused with a clear message.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from connectors.errors import FrameworkError


class AlreadyRunning(FrameworkError):
    """Another live process owns what this one wants (a portfolio or a job store)."""

    def __init__(self, what: str, path: Path, owner: dict[str, object], hint: str = "") -> None:
        pid = owner.get("pid", "?")
        since = owner.get("since", "?")
        super().__init__(
            f"{what} is already owned by daemon pid {pid} on {owner.get('host', '?')} (since {since}); "
            f"stop that daemon first{hint} (lock file {path})"
        )
        self.what = what
        self.path = path
        self.owner = owner


class FileLock:
    """An exclusive, non-blocking, crash-safe lock on `path`, recording the owner's pid."""

    def __init__(self, path: Path, what: str, hint: str = "") -> None:
        self.path = Path(path)
        self.what = what
        self.hint = hint
        self._fd: int | None = None

    def acquire(self) -> FileLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            owner = read_owner(self.path)
            os.close(fd)
            raise AlreadyRunning(self.what, self.path, owner, self.hint) from None
        info = {"pid": os.getpid(), "host": socket.gethostname(), "since": datetime.now(UTC).isoformat()}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(info).encode(), 0)
        os.fsync(fd)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            os.close(self._fd)
            self._fd = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def __enter__(self) -> FileLock:
        return self.acquire()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()


def read_owner(path: Path) -> dict[str, object]:
    """The owner recorded in a lock file ({} when none or unreadable)."""
    try:
        data = json.loads(Path(path).read_text() or "{}")
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def portfolio_lock(data_dir: Path, portfolio: str) -> FileLock:
    return FileLock(data_dir / "locks" / f"portfolio-{portfolio}.lock", f"portfolio '{portfolio}'")


def job_store_lock(data_dir: Path, url: str) -> FileLock:
    """A lock per job store: next to a SQLite file, else keyed by the URL's host/database (no password)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    hint = ", or give this daemon its own [daemon].job_store (one scheduler per job store)"
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        db = Path(parsed.database or "").resolve()
        return FileLock(db.with_name(db.name + ".lock"), f"job store {db}", hint)
    key = f"{parsed.get_backend_name()}-{parsed.host or 'local'}-{parsed.port or ''}-{parsed.database or ''}"
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in key)
    shown = parsed.render_as_string(hide_password=True)
    return FileLock(data_dir / "locks" / f"jobstore-{safe}.lock", f"job store {shown}", hint)
