from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from agent.daemon import JobNotFound, JobStore, Schedule, StrategyJob
from connectors.domain import Swap
from connectors.errors import ConfigError

BUY = Swap(sell="USDC", buy="ETH", amount=Decimal("100"), reason="weekly DCA")


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'jobs.sqlite'}"


def test_jobs_persist_across_store_instances(url: str) -> None:
    with JobStore(url) as jobs:
        jobs.add_strategy(StrategyJob(name="rebalance", every="1h"), portfolio="main")
        dca = jobs.add_actions(
            [BUY], Schedule(cron="0 9 * * 1"), portfolio="main", label="dca", source="intent"
        )
    with JobStore(url) as jobs:
        listed = {j.id: j for j in jobs.list()}
    assert set(listed) == {"strategy:rebalance", dca.id}
    assert dca.id.startswith("intent:")
    assert listed[dca.id].spec.parsed_actions() == [BUY]
    assert listed[dca.id].schedule == "cron '0 9 * * mon' UTC"
    assert listed[dca.id].next_run_at is not None and listed[dca.id].next_run_at.weekday() == 0
    assert listed["strategy:rebalance"].spec.thread_id == "main:strategy:rebalance"


def test_pause_resume_remove(url: str) -> None:
    with JobStore(url) as jobs:
        info = jobs.add_actions([BUY], Schedule(every="1d"), portfolio="main", job_id="dca:eth")
        assert not info.paused
        assert jobs.pause("dca:eth").paused
    with JobStore(url) as jobs:
        assert jobs.get("dca:eth").paused
        resumed = jobs.resume("dca:eth")
        assert not resumed.paused and resumed.next_run_at is not None
        assert resumed.next_run_at > datetime.now(UTC)
        jobs.remove("dca:eth")
        assert jobs.list() == []
        for op in (jobs.pause, jobs.resume, jobs.remove, jobs.get):
            with pytest.raises(JobNotFound, match="dca:eth"):
                op("dca:eth")


def test_duplicate_and_bad_ids_are_refused(url: str) -> None:
    with JobStore(url) as jobs:
        jobs.add_actions([BUY], Schedule(every="1d"), portfolio="main", job_id="dca:eth")
        with pytest.raises(ConfigError, match="already exists"):
            jobs.add_actions([BUY], Schedule(every="1d"), portfolio="main", job_id="dca:eth")
        with pytest.raises(ConfigError, match="job id"):
            jobs.add_actions([BUY], Schedule(every="1d"), portfolio="main", job_id="bad id!")
        with pytest.raises(ConfigError, match="at least one action"):
            jobs.add_actions([], Schedule(every="1d"), portfolio="main")
        with pytest.raises(ValueError, match="portfolio"):
            jobs.add_actions([BUY], Schedule(every="1d"), portfolio="a/b")


def test_list_filters_by_portfolio_and_end_date(url: str) -> None:
    end = datetime.now(UTC) + timedelta(days=30)
    with JobStore(url) as jobs:
        jobs.add_actions([BUY], Schedule(every="7d"), portfolio="main", end_at=end)
        jobs.add_actions([BUY], Schedule(every="7d"), portfolio="other")
        assert [j.portfolio for j in jobs.list("other")] == ["other"]
        assert len(jobs.list()) == 2
        with pytest.raises(ConfigError, match="timezone-aware"):
            jobs.add_actions([BUY], Schedule(every="7d"), portfolio="main", end_at=datetime(2030, 1, 1))
