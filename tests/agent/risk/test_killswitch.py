"""The kill switch persists across processes-worth of reopening, on SQLite and on Postgres."""

from __future__ import annotations

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
