"""`defai jobs ...` in-process, and one TOML file feeding both Settings and [daemon]."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agent.cli.main import app
from agent.daemon.app import load_run_config
from connectors.errors import ConfigError


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DEFAI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DEFAI_PORTFOLIO", "main")
    monkeypatch.setenv("DEFAI_CONFIG", "")  # restored after the test (load_settings sets it)
    monkeypatch.delenv("DEFAI_CONFIG")
    return tmp_path


def test_jobs_add_list_pause_resume_remove(env: Path) -> None:
    cli = CliRunner()
    added = cli.invoke(
        app,
        [
            "jobs",
            "add",
            "--strategy",
            "rebalance",
            "--every",
            "1h",
            "--params",
            '{"targets": {"ETH": 0.5}}',
            "--json",
        ],
    )
    assert added.exit_code == 0, added.output
    assert json.loads(added.stdout)["id"] == "strategy:rebalance"
    assert cli.invoke(app, ["jobs", "pause", "strategy:rebalance"]).exit_code == 0
    rows = json.loads(cli.invoke(app, ["jobs", "list", "--json"]).stdout)
    assert [(r["id"], r["paused"], r["source"]) for r in rows] == [("strategy:rebalance", True, "cli")]
    assert cli.invoke(app, ["jobs", "resume", "strategy:rebalance"]).exit_code == 0
    assert json.loads(cli.invoke(app, ["jobs", "list", "--json"]).stdout)[0]["paused"] is False
    assert cli.invoke(app, ["jobs", "remove", "strategy:rebalance"]).exit_code == 0
    assert json.loads(cli.invoke(app, ["jobs", "list", "--json"]).stdout) == []


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["jobs", "pause", "nope"], "no job with id 'nope'"),
        (["jobs", "add", "--strategy", "nope", "--every", "1h"], "unknown strategy"),
        (["jobs", "add", "--strategy", "rebalance", "--every", "1h", "--params", "{"], "not valid JSON"),
        (["jobs", "add", "--strategy", "rebalance", "--params", '{"targets": "ETH:0.5"}'], "exactly one"),
    ],
)
def test_jobs_errors_are_one_clear_line(env: Path, args: list[str], needle: str) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2
    assert needle in " ".join(result.output.split())


def test_one_toml_feeds_settings_and_daemon(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = env / "agent.toml"
    config.write_text(
        'portfolio = "alpha"\n[risk]\nmax_slippage_bps = 30\n'
        '[daemon]\nhttp_port = 0\n[[daemon.strategies]]\nname = "rebalance"\nevery = "1h"\n'
        "params = { targets = { ETH = 0.5 } }\n"
    )
    monkeypatch.delenv("DEFAI_PORTFOLIO")
    settings, daemon = load_run_config(config)
    assert settings.portfolio == "alpha" and settings.risk.max_slippage_bps == 30
    assert daemon.http_port == 0 and daemon.strategies[0].params == {"targets": {"ETH": 0.5}}
    monkeypatch.setenv("DEFAI_PORTFOLIO", "beta")  # the environment still wins over the file
    assert load_run_config(config)[0].portfolio == "beta"
    with pytest.raises(ConfigError, match="not found"):
        load_run_config(env / "missing.toml")


@pytest.mark.parametrize("job_store", [None, "elsewhere/jobs.sqlite"])
def test_settings_and_daemon_agree_on_the_job_store(env: Path, job_store: str | None) -> None:
    from agent.settings import job_store_url

    config = env / "agent.toml"
    url = f"sqlite:///{env / job_store}" if job_store else None
    config.write_text('portfolio = "alpha"\n' + (f'[daemon]\njob_store = "{url}"\n' if url else ""))
    settings, daemon = load_run_config(config)
    expected = url or f"sqlite:///{(settings.data_dir / 'jobs.sqlite').resolve()}"
    assert job_store_url(settings) == daemon.job_store_url(settings.data_dir) == expected
