"""The real `defai run` in subprocesses: SIGKILL mid-execute, restarts, a second daemon, the kill switch."""

from __future__ import annotations

import json
import signal
import urllib.request
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from agent.daemon import JobStore, Schedule
from agent.ledger import Ledger
from connectors.domain import Swap
from connectors.paper import SqlitePaperStore

REBALANCE = """
[[daemon.strategies]]
name = "rebalance"
every = "2s"
params = { targets = { ETH = 0.5 } }
"""


def venue_state(data_dir: Path) -> tuple[list[str], dict[str, Any]]:
    store = SqlitePaperStore(data_dir / "main.paper.sqlite")
    try:
        saved = store.load("paper")
    finally:
        store.close()
    assert saved is not None
    return [f.client_id for f in saved.fills], saved.account


def ledger_fills(data_dir: Path) -> list[str]:
    return [f.client_id for f in Ledger(data_dir / "main.ledger.sqlite").fills()]


@pytest.mark.parametrize(
    ("point", "targets", "sent_before"),
    [
        ("kill_after_send", "{ ETH = 0.5 }", 1),
        ("kill_before_send", "{ ETH = 0.5 }", 0),
        ("kill_after_send:2", "{ ETH = 0.25, BTC = 0.25 }", 2),  # second of two orders in one tick
    ],
)
def test_sigkill_mid_execute_then_restart_never_sends_twice(
    harness: Any, point: str, targets: str, sent_before: int
) -> None:
    harness.write_config(REBALANCE.replace("{ ETH = 0.5 }", targets))
    proc, _ = harness.start(DEFAI_DAEMON_FAULT=point)
    assert proc.wait(timeout=120) == -signal.SIGKILL

    venue_before, _ = venue_state(harness.data_dir)
    assert len(venue_before) == sent_before  # the venue has the last order, or not yet
    recorded = ledger_fills(harness.data_dir)
    assert recorded == venue_before[:-1]  # the ledger has all but the last order's fill
    unsettled = Ledger(harness.data_dir / "main.ledger.sqlite").unsettled_orders()
    assert len(unsettled) == 1  # ...but had marked it as sent
    if venue_before:
        assert unsettled[0][0] == venue_before[-1]

    proc, log = harness.start()
    recovered = harness.wait_for(log, "tick.recovered")
    assert sorted(recovered["fills"]) == sorted([*recorded, unsettled[0][0]])
    started = harness.wait_for(log, "daemon.started")
    # the next scheduled tick sees the rebalanced book and does nothing
    harness.wait_for(log, "tick.done", lambda e: e["ts"] > started["ts"])
    assert harness.stop(proc) == 0

    venue_fills, account = venue_state(harness.data_dir)
    assert sorted(venue_fills) == sorted(ledger_fills(harness.data_dir)) == sorted(recovered["fills"])
    assert Ledger(harness.data_dir / "main.ledger.sqlite").unsettled_orders() == []
    assert Decimal(account["balances"]["USDC"]) == Decimal("5000.00")  # bought once, not twice


def test_jobs_survive_restart_missed_run_coalesces_and_second_daemon_is_refused(harness: Any) -> None:
    harness.write_config('misfire_grace = "1d"\n' + REBALANCE.replace('"2s"', '"1h"'))
    proc, log = harness.start()
    harness.wait_for(log, "daemon.started")
    assert harness.stop(proc) == 0

    url = f"sqlite:///{harness.data_dir / 'jobs.sqlite'}"
    with JobStore(url, misfire_grace_s=86400) as jobs:  # as if it had been down for 3.5 hourly runs
        jobs.add_actions(
            [Swap(sell="USDC", buy="ETH", amount=Decimal("10"))],
            Schedule(every="1h"),
            portfolio="main",
            job_id="dca:eth",
            source="intent",
            first_run_at=datetime.now(UTC) - timedelta(hours=3, minutes=30),
        )
    proc, log = harness.start()
    started = harness.wait_for(log, "daemon.started")
    assert sorted(started["jobs"]) == ["dca:eth", "strategy:rebalance"]
    done = harness.wait_for(log, "tick.done", lambda e: e["job"] == "dca:eth")
    assert done["fills"] == 1

    second = harness.cli("run", "--config", str(harness.config))
    assert second.returncode == 2
    assert f"portfolio 'main' is already owned by daemon pid {proc.pid}" in " ".join(second.stderr.split())

    with JobStore(url) as jobs:
        listed = {j.id: j for j in jobs.list()}
    assert set(listed) == {"dca:eth", "strategy:rebalance"}
    next_run = listed["dca:eth"].next_run_at
    assert next_run is not None and next_run > datetime.now(UTC)  # nothing else is due
    assert harness.stop(proc) == 0
    ticks = [e for e in harness.events(log) if e.get("event") == "tick.start" and e["job"] == "dca:eth"]
    assert len(ticks) == 1  # 4 missed runs, one execution


def test_halt_takes_effect_within_one_tick(harness: Any) -> None:
    harness.write_config("")
    url = f"sqlite:///{harness.data_dir / 'jobs.sqlite'}"
    harness.data_dir.mkdir(parents=True)
    with JobStore(url) as jobs:
        jobs.add_actions(
            [Swap(sell="USDC", buy="ETH", amount=Decimal("10"))],
            Schedule(every="1s"),
            portfolio="main",
            job_id="dca:fast",
        )
    proc, log = harness.start()
    harness.wait_for(log, "tick.done", lambda e: e["fills"] == 1)

    halted = harness.cli("risk", "halt", "--reason", "test")
    assert halted.returncode == 0, halted.stderr
    after = datetime.now(UTC).isoformat()
    filled_before = len(venue_state(harness.data_dir)[0])
    next_start = harness.wait_for(log, "tick.start", lambda e: e["ts"] > after)
    first = harness.wait_for(log, "tick.done", lambda e: e["ts"] > next_start["ts"])
    assert first["fills"] == 0 and first["rejections"] == 1
    status = json.loads((harness.data_dir / "daemon-main.json").read_text())
    with urllib.request.urlopen(status["http"] + "/healthz", timeout=10) as r:
        health = json.loads(r.read())
    with urllib.request.urlopen(status["http"] + "/metrics", timeout=10) as r:
        metrics = r.read().decode()
    assert harness.stop(proc) == 0
    assert health["trading_state"] == "halted"
    assert 'defai_rejections_total{job="dca:fast"}' in metrics
    assert len(venue_state(harness.data_dir)[0]) == filled_before  # nothing executed after the halt
