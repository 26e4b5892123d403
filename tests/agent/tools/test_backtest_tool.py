"""run_backtest through the tool: stats plus a report on disk; file access confined to the data folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from agent.tools import ToolContext, ToolFailure, call

SHARED = Path(__file__).resolve().parents[3] / ".." / "shared" / "data" / "binance_2024_2026" / "spot"
ETH = SHARED / "ETH_USDT-1h.feather"


async def test_missing_data_lists_what_is_available(tools: ToolContext) -> None:
    market = tools.settings.data_dir / "market"
    market.mkdir()
    (market / "ETH_USDT-1h.feather").write_bytes(b"")
    with pytest.raises(ToolFailure, match=r"available: ETH_USDT-1h.feather"):
        await call(tools, "run_backtest", {"strategy": "sma_cross"})


async def test_paths_outside_the_market_folder_are_refused(tools: ToolContext) -> None:
    (tools.settings.data_dir / "market").mkdir()
    with pytest.raises(ToolFailure, match=r"no candle file '\.\./\.\./etc/passwd'"):
        await call(tools, "run_backtest", {"strategy": "sma_cross", "data": ["ETH=../../etc/passwd"]})


async def test_unknown_strategy_names_the_choices(tools: ToolContext) -> None:
    with pytest.raises(ToolFailure, match=r"choose one of: .*sma_cross"):
        await call(tools, "run_backtest", {"strategy": "moon", "data": ["x"]})


@pytest.mark.shared_data
@pytest.mark.skipif(not ETH.is_file(), reason="needs ../shared/data (binance_2024_2026 ETH 1h candles)")
async def test_backtest_on_real_candles_writes_a_report(tools: ToolContext) -> None:
    market = tools.settings.data_dir / "market"
    market.mkdir()
    (market / "ETH_USDT-1h.feather").symlink_to(ETH)
    result = await call(
        tools,
        "run_backtest",
        {"strategy": "sma_cross", "data": ["ETH=ETH_USDT-1h.feather"], "start": "2025-01-01", "end": "2025-03-01",
         "params": {"fast": "10", "slow": "30"}},
    )  # fmt: skip
    assert result.report_path is not None and Path(result.report_path).is_file()  # type: ignore[attr-defined]
    stats = result.stats  # type: ignore[attr-defined]
    assert stats["start"].startswith("2025-01-01") and stats["end"].startswith("2025-0")
    assert stats["ticks"] > 0 and "return_pct" in stats, stats


async def test_costs_are_the_callers_and_the_answer_says_how_it_filled(
    tools: ToolContext, tmp_path: Path
) -> None:
    from tests.backtests.conftest import random_walk

    market = tools.settings.data_dir / "market"
    market.mkdir()
    random_walk(300).to_csv(market / "BTC_USDT-1h.csv", index=False)
    args = {"strategy": "sma_cross", "data": ["BTC_USDT-1h.csv"], "params": {"fast": "5", "slow": "20"}}
    plain = await call(tools, "run_backtest", args)
    costly = await call(tools, "run_backtest", {**args, "fee": "0.003", "gas_usd": "2"})
    assert costly.stats["gas_paid"] == 2 * 2 * costly.stats["trades"] > 0  # type: ignore[attr-defined]
    assert costly.stats["final_equity"] < plain.stats["final_equity"]  # type: ignore[attr-defined]
    assert "fee 0.300% of notional" in costly.fill_model and "gas $2" in costly.fill_model  # type: ignore[attr-defined]
    with pytest.raises(ValidationError, match="fee"):
        await call(tools, "run_backtest", {**args, "fee": "5"})
