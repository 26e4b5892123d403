from __future__ import annotations

import os
from pathlib import Path

import pytest

from agent.daemon import AlreadyRunning
from agent.daemon.locks import job_store_lock, portfolio_lock, read_owner


def test_second_owner_is_refused_with_the_owner_pid(tmp_path: Path) -> None:
    first = portfolio_lock(tmp_path, "main").acquire()
    try:
        assert read_owner(first.path)["pid"] == os.getpid()
        with pytest.raises(
            AlreadyRunning, match=rf"portfolio 'main' is already owned by daemon pid {os.getpid()}"
        ):
            portfolio_lock(tmp_path, "main").acquire()
        portfolio_lock(tmp_path, "other").acquire().release()
    finally:
        first.release()
    again = portfolio_lock(tmp_path, "main").acquire()
    again.release()


def test_job_store_lock_lives_next_to_sqlite_or_is_keyed_by_url(tmp_path: Path) -> None:
    db = tmp_path / "jobs.sqlite"
    assert job_store_lock(tmp_path, f"sqlite:///{db}").path == tmp_path / "jobs.sqlite.lock"
    pg = job_store_lock(tmp_path, "postgresql+psycopg://bot:hunter2@db.local:5432/defai")
    assert pg.path.parent == tmp_path / "locks"
    assert "hunter2" not in str(pg.path) and "hunter2" not in pg.what
    with (
        job_store_lock(tmp_path, f"sqlite:///{db}"),
        pytest.raises(AlreadyRunning, match=r"its own \[daemon\]"),
    ):
        job_store_lock(tmp_path, f"sqlite:///{db}").acquire()
