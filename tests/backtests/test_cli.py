"""`defai backtest` (options on the group itself) and `defai backtest sweep` (a subcommand)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from agent.cli.main import app
from backtests.sweep import SweepSpec, parse_grid, run_sweep

runner = CliRunner()


def test_backtest_json_has_the_contract_keys(walk_csv: Path) -> None:
    out = runner.invoke(
        app,
        [
            "backtest",
            "--strategy",
            "sma_cross",
            "--data",
            str(walk_csv),
            "--param",
            "fast=5",
            "--param",
            "slow=20",
            "--param",
            "mode=long_short",
            "--cash",
            "10000",
            "--fee",
            "0.0005",
            "--json",
        ],
    )
    assert out.exit_code == 0, out.output
    got = json.loads(out.stdout[out.stdout.find("{") :])
    stats = got["stats"]
    for key in (
        "trades",
        "return_pct",
        "final_equity",
        "max_drawdown_pct",
        "sharpe",
        "sortino",
        "calmar",
        "cagr_pct",
        "win_rate_pct",
        "profit_factor",
        "exposure_pct",
        "fees_paid",
        "funding_paid",
        "buy_hold_return_pct",
    ):
        assert key in stats, key
    assert isinstance(got["trades"], list) and len(got["trades"]) == stats["trades"] > 0
    assert {"entry_time", "exit_time", "entry_price", "exit_price", "pnl", "side"} <= set(got["trades"][0])
    assert "next bar's open" in got["fill_model"]


def test_backtest_report_and_window(walk_csv: Path, tmp_path: Path) -> None:
    out = runner.invoke(
        app,
        [
            "backtest",
            "-s",
            "sma_cross",
            "-d",
            str(walk_csv),
            "-p",
            "fast=5",
            "-p",
            "slow=20",
            "--from",
            "2024-01-05",
            "--to",
            "2024-01-12",
            "--report",
            str(tmp_path / "r.html"),
        ],
    )
    assert out.exit_code == 0, out.output
    assert (tmp_path / "r.html").exists() and (tmp_path / "r.png").exists()
    assert "2024-01-05T00:00:00+00:00" in out.stdout and "2024-01-11T23:00:00+00:00" in out.stdout


def test_backtest_errors_are_one_clear_line(walk_csv: Path, tmp_path: Path) -> None:
    out = runner.invoke(app, ["backtest", "-s", "sma_cross", "-d", str(tmp_path / "nope.csv")])
    assert out.exit_code == 1 and "data file not found" in out.output
    out = runner.invoke(app, ["backtest", "-s", "sma_cross", "-d", str(walk_csv), "-p", "fast"])
    assert out.exit_code != 0 and "key=value" in out.output
    out = runner.invoke(app, ["backtest", "-s", "sma_cross", "-d", str(walk_csv), "-p", "mode=sideways"])
    assert out.exit_code == 1 and "mode" in out.output


def test_sweep_ranks_the_grid_and_skips_bad_combinations(walk_csv: Path) -> None:
    spec = SweepSpec(
        "sma_cross", [str(walk_csv)], parse_grid(["fast=5:15:5", "slow=10,30"]), metric="return_pct"
    )
    notes: list[str] = []
    seen: list[int] = []
    outcome = run_sweep(spec, workers=1, local=True, note=notes.append, progress=lambda d, t: seen.append(d))
    ranked = outcome.ranked()
    assert len(ranked) == 4 and outcome.skipped == 2  # fast >= slow is rejected by the strategy
    returns = [r["stats"]["return_pct"] for r in ranked]
    assert returns == sorted(returns, reverse=True)
    assert seen[-1] == 6
    assert "process pool" in outcome.backend


def test_walk_forward_reports_out_of_sample(walk_csv: Path) -> None:
    spec = SweepSpec(
        "sma_cross", [str(walk_csv)], parse_grid(["fast=3,5"]), fixed={"slow": "20"}, walk_forward=2
    )
    outcome = run_sweep(spec, workers=1, local=True)
    assert [f["fold"] for f in outcome.folds] == [1, 2]
    for f in outcome.folds:
        assert f["params"]["fast"] in ("3", "5") and "return_pct" in f["out_of_sample"]
        assert f["out_of_sample"]["bars"] in (133, 134)


def test_sweep_cli_runs_on_a_process_pool(walk_csv: Path) -> None:
    out = runner.invoke(
        app,
        [
            "backtest",
            "sweep",
            "--strategy",
            "sma_cross",
            "--data",
            str(walk_csv),
            "--grid",
            "fast=5,10",
            "--param",
            "slow=20",
            "--workers",
            "2",
            "--local",
            "--json",
        ],
    )
    assert out.exit_code == 0, out.output
    got = json.loads(out.stdout[out.stdout.find("{") :])
    assert got["runs"] == 2 and len(got["top"]) == 2


def test_grid_parsing_errors() -> None:
    import pytest

    assert parse_grid(["x=0.1:0.3:0.1"]) == {"x": ["0.1", "0.2", "0.3"]}
    for bad in ("fast", "fast=1:2", "fast=5:1:1", "fast=a:b:c"):
        with pytest.raises(ValueError, match="--grid"):
            parse_grid([bad])


def test_public_api_is_curated() -> None:
    import backtests

    assert set(backtests.__all__) == {
        "BacktestResult",
        "Bars",
        "DataError",
        "DataSet",
        "FillModel",
        "TimeSeries",
        "Trade",
        "load_candles",
        "load_dataset",
        "load_funding",
        "load_series",
        "run_backtest",
        "run_backtest_async",
    }
    assert all(hasattr(backtests, name) for name in backtests.__all__)


def test_gas_option_reaches_the_stats_and_the_fill_model(walk_csv: Path) -> None:
    args = ["backtest", "-s", "sma_cross", "-d", str(walk_csv), "-p", "fast=5", "-p", "slow=20"]
    out = runner.invoke(app, [*args, "--gas-usd", "2", "--json"])
    assert out.exit_code == 0, out.output
    got = json.loads(out.stdout[out.stdout.find("{") :])
    assert got["stats"]["gas_paid"] == 2 * 2 * got["stats"]["trades"]
    assert "gas $2 per on-chain action" in json.dumps(got)
