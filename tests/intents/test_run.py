"""`defai intent run` end to end: plan, confirm, then the risk gate and the graph on the paper venue."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agent.cli.main import app
from agent.intents import parse
from agent.intents.run import RunReport, open_deps, run_intent
from agent.ledger import Ledger
from agent.risk.policy import RiskPolicy
from agent.settings import Settings
from connectors.errors import ConfigError


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path)


async def _run(text: str, settings: Settings, confirm: bool = True) -> tuple[RunReport, list[object]]:
    asked: list[object] = []

    def answer(plan: object) -> bool:
        asked.append(plan)
        return confirm

    return await run_intent(parse(text), settings, network="paper", confirm=answer), asked


async def test_confirmed_swap_goes_through_the_gate_and_fills(settings: Settings) -> None:
    report, asked = await _run("swap 1,000 USDC for ETH", settings)
    assert len(asked) == 1 and report.confirmed
    assert [v["status"] for v in report.verdicts] == ["approved"]
    (fill,) = report.fills
    assert (fill.asset_in, fill.amount_in, fill.asset_out) == ("USDC", Decimal(1000), "ETH")
    assert Ledger(settings.ledger_path).fill_for(fill.client_id) is not None


async def test_declined_plan_sends_nothing(settings: Settings) -> None:
    report, asked = await _run("swap 1,000 USDC for ETH", settings, confirm=False)
    assert len(asked) == 1 and not report.confirmed and report.fills == [] and report.verdicts == []


async def test_clarification_never_reaches_confirmation(settings: Settings) -> None:
    report, asked = await _run("swap ETH", settings)
    assert asked == [] and report.plan.question and report.fills == []


async def test_blocked_plan_never_reaches_confirmation(settings: Settings) -> None:
    report, asked = await _run("swap 5 ETH for USDC", settings)  # the paper account holds only USDC
    assert asked == [] and not report.plan.executable and "not enough" in report.plan.warnings[0]


async def test_risk_gate_rejection_is_reported_not_executed(tmp_path: Path) -> None:
    strict = Settings(
        data_dir=tmp_path, risk=RiskPolicy(max_notional_per_action_usd=Decimal(500), resize_to_limits=False)
    )
    report, _ = await _run("swap 1,000 USDC for ETH", strict)
    assert report.confirmed and report.fills == []
    assert [v["status"] for v in report.verdicts] == ["rejected"]


async def test_real_networks_need_live_mode(settings: Settings) -> None:
    with pytest.raises(ConfigError, match="real money"):
        async with open_deps("ethereum", settings):
            pass
    with pytest.raises(ConfigError, match="unknown network"):
        async with open_deps("moon", settings):
            pass


def test_cli_parse_json_prints_one_line_per_text() -> None:
    result = CliRunner().invoke(app, ["intent", "parse", "wrap 3 eth", "tell me a joke", "--json"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert lines[0] == {"kind": "wrap", "amount": 3} and lines[1]["kind"] == "clarify"


def test_cli_run_json_on_paper(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEFAI_DATA_DIR", str(tmp_path))
    monkeypatch.setattr("agent.cli.common._settings", None)
    result = CliRunner().invoke(app, ["intent", "run", "sell 500 USDC for ETH", "--paper", "--yes", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output.strip().splitlines()[-1])
    assert doc["intent"]["sell"] == "USDC" and doc["fills"][0]["amount_in"] == "500"


def test_cli_run_without_yes_in_json_mode_does_not_send(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEFAI_DATA_DIR", str(tmp_path))
    monkeypatch.setattr("agent.cli.common._settings", None)
    result = CliRunner().invoke(app, ["intent", "run", "sell 500 USDC for ETH", "--json"])
    assert result.exit_code == 1
    doc = json.loads(result.stdout.strip().splitlines()[-1])
    assert doc["confirmed"] is False and doc["fills"] == []


@pytest.mark.chain
async def test_devnet_swap_fills_at_its_quote(devnet: object, settings: Settings) -> None:
    report = await run_intent(
        parse("swap 1 WETH to USDC"), settings, network="devnet", confirm=lambda p: True
    )
    (fill,) = report.fills
    assert fill.tx_hash and fill.tx_hash.startswith("0x")
    assert fill.amount_in == Decimal(1)
    assert fill.amount_out == report.quotes[fill.client_id].amount_out
    assert report.to_json()["fills"][0]["quoted_amount_out"] == str(fill.amount_out)


async def test_dca_creates_a_bounded_job_in_the_daemon_store(settings: Settings) -> None:
    from agent.daemon.jobs import JobStore

    report, asked = await _run("buy 25 USDC of ETH every week, 10 times", settings)
    assert len(asked) == 1 and report.job is not None and report.fills == []
    with JobStore(f"sqlite:///{settings.jobs_path}") as jobs:
        (job,) = jobs.list(settings.portfolio)
    assert job.id == report.job["id"] and job.spec.source == "intent"
    assert job.spec.actions[0]["sell"] == "USDC" and job.spec.actions[0]["amount"] == "25"
    assert job.schedule.endswith("604800s") or "7d" in job.schedule


async def test_dca_job_goes_to_the_configured_job_store(tmp_path: Path) -> None:
    from agent.daemon.jobs import JobStore

    url = f"sqlite:///{tmp_path / 'jobs-elsewhere.sqlite'}"
    settings = Settings(data_dir=tmp_path / "data", daemon={"job_store": url})
    report, _ = await _run("buy 25 USDC of ETH every week, 10 times", settings)
    assert report.job is not None
    with JobStore(url) as jobs:
        assert [j.id for j in jobs.list(settings.portfolio)] == [report.job["id"]]
    assert not settings.jobs_path.exists()


async def test_declined_dca_creates_no_job(settings: Settings) -> None:
    report, _ = await _run("buy 25 USDC of ETH every week, 10 times", settings, confirm=False)
    assert report.job is None and not settings.jobs_path.exists()


@pytest.mark.chain
async def test_devnet_swap_of_native_eth_wraps_first(devnet: object, settings: Settings) -> None:
    report = await run_intent(parse("swap 1 ETH to USDC"), settings, network="devnet", confirm=lambda p: True)
    wrap, swap = report.fills
    assert wrap.kind == "wrap" and wrap.amount_in == Decimal(1)
    assert swap.asset_in == "WETH" and swap.amount_in == Decimal(1) and swap.amount_out > 0
