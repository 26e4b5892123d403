from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from agent.daemon import DaemonConfig, Schedule, StrategyJob, load_daemon_config, parse_duration
from connectors.errors import ConfigError


def test_durations() -> None:
    assert parse_duration("90s") == timedelta(seconds=90)
    assert parse_duration("15m") == timedelta(minutes=15)
    assert parse_duration("1h") == timedelta(hours=1)
    assert parse_duration("500ms") == timedelta(milliseconds=500)
    assert parse_duration(2) == timedelta(seconds=2)
    assert parse_duration("1w") == timedelta(weeks=1)
    for bad in ("soon", "-1s", "0s", "1y"):
        with pytest.raises(ValueError):
            parse_duration(bad)


def test_schedule_needs_exactly_one_of_every_or_cron() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        Schedule()
    with pytest.raises(ValueError, match="exactly one"):
        Schedule(every="1h", cron="0 * * * *")
    with pytest.raises(ValueError, match="bad cron"):
        Schedule(cron="61 * * * *")
    assert Schedule(cron="0 9 * * 1").describe() == "cron '0 9 * * 1' UTC"


@pytest.mark.parametrize(
    ("dow", "expected"),
    [
        ("1", "mon"),
        ("0", "sun"),
        ("7", "sun"),
        ("1-5", "mon,tue,wed,thu,fri"),
        ("*/3", "sun,wed,sat"),
        ("sat", "sat"),
    ],
)
def test_crontab_day_numbers_follow_cron_not_apscheduler(dow: str, expected: str) -> None:
    from agent.daemon.config import _crontab_days

    assert _crontab_days(dow) == expected


def test_toml_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "agent.toml"
    path.write_text(
        """
portfolio = "alpha"
[daemon]
http_port = 0
misfire_grace = "1m"
[[daemon.strategies]]
name = "rebalance"
every = "1h"
params = { targets = { ETH = 0.6, USDC = 0.4 }, band_bps = 200 }
[[daemon.strategies]]
name = "rebalance"
id = "rebalance-nightly"
cron = "0 0 * * *"
"""
    )
    config = load_daemon_config(path)
    assert config.http_port == 0
    assert config.misfire_grace_s == 60
    assert [s.job_id for s in config.strategies] == ["strategy:rebalance", "strategy:rebalance-nightly"]
    assert config.strategies[0].params["targets"] == {"ETH": 0.6, "USDC": 0.4}


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ('[daemon]\nhttp_host = "0.0.0.0"', "loopback"),
        ("[daemon]\nsurprise = 1", "daemon.surprise"),
        (
            '[[daemon.strategies]]\nname = "a"\nevery = "1h"\n[[daemon.strategies]]\nname = "a"\ncron = "0 * * * *"',
            "duplicate",
        ),
        ('[daemon]\nwebhook_url = "ftp://x"', "webhook_url"),
        ("[daemon", "not valid TOML"),
    ],
)
def test_bad_config_names_the_problem(tmp_path: Path, body: str, needle: str) -> None:
    path = tmp_path / "agent.toml"
    path.write_text(body)
    with pytest.raises(ConfigError, match=needle):
        load_daemon_config(path)


def test_missing_file_and_defaults(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_daemon_config(tmp_path / "nope.toml")
    config = load_daemon_config(None)
    assert config == DaemonConfig()
    assert config.job_store_url(tmp_path) == f"sqlite:///{tmp_path.resolve() / 'jobs.sqlite'}"


def test_strategy_job_id_must_be_plain() -> None:
    with pytest.raises(ValueError, match="strategy id"):
        _ = StrategyJob(name="x y", every="1h").job_id
