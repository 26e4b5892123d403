"""The kill switch persists across processes-worth of reopening, on SQLite and on Postgres."""

from __future__ import annotations

import sqlite3

import pytest

from agent.risk import KillSwitch, TradingState


@pytest.fixture(params=["sqlite", "postgres"])
def open_switch(request, tmp_path):
    if request.param == "sqlite":
        return lambda: KillSwitch(tmp_path / "risk.sqlite")
    url, schema = request.getfixturevalue("postgres_url"), request.getfixturevalue("pg_schema")
    return lambda: KillSwitch(url, schema=schema)


def test_never_set_is_active_with_no_history(open_switch):
    assert open_switch().status() == (TradingState.ACTIVE, "", None)


def test_a_halt_survives_a_restart_and_reaches_a_running_reader(open_switch):
    daemon_view, cli = open_switch(), open_switch()
    assert daemon_view.state is TradingState.ACTIVE
    cli.set(TradingState.HALTED, "operator halt")
    assert daemon_view.state is TradingState.HALTED  # the already-open reader sees it next access
    state, reason, since = open_switch().status()  # "after a restart"
    assert (state, reason) == (TradingState.HALTED, "operator halt") and since is not None
    cli.set(TradingState.REDUCING)
    cli.set(TradingState.ACTIVE, "resumed")
    assert open_switch().status()[:2] == (TradingState.ACTIVE, "resumed")


def test_an_unknown_state_is_refused(open_switch):
    with pytest.raises(ValueError):
        open_switch().set("paused")  # type: ignore[arg-type]


def test_close_releases_the_connection(open_switch, request):
    switch = open_switch()
    switch.set(TradingState.HALTED, "operator halt")
    switch.close()
    switch.close()  # twice is fine
    if request.node.callspec.params["open_switch"] == "sqlite":
        with pytest.raises(sqlite3.ProgrammingError):
            switch.state  # noqa: B018
    else:
        assert switch.state is TradingState.HALTED  # Postgres reconnects on next use
    assert open_switch().state is TradingState.HALTED


def test_one_switch_shared_by_threads(open_switch):
    from concurrent.futures import ThreadPoolExecutor

    switch = open_switch()

    def flip(i: int) -> TradingState:
        switch.set(TradingState.REDUCING if i % 2 else TradingState.HALTED, f"flip {i}")
        return switch.state

    with ThreadPoolExecutor(4) as pool:
        assert set(pool.map(flip, range(40))) <= {TradingState.REDUCING, TradingState.HALTED}
    assert open_switch().status()[1].startswith("flip ")
