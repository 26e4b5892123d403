"""Gas in a replay: every on-chain action pays it, it shows in trades, fees and the fill-model text."""

from __future__ import annotations

from pathlib import Path

import pytest

from backtests import DataError, run_backtest_async


async def test_each_swap_pays_gas_and_the_numbers_add_up(walk_csv: Path) -> None:
    params = {"fast": "5", "slow": "20", "mode": "long_only"}
    plain = await run_backtest_async("sma_cross", [walk_csv], params, fee="0.001")
    gas = await run_backtest_async("sma_cross", [walk_csv], params, fee="0.001", gas_usd="3")
    assert not gas.errors and len(gas.trades) == len(plain.trades) >= 5
    assert [t.entry_time for t in gas.trades] == [t.entry_time for t in plain.trades]
    swaps = 2 * len(gas.trades)  # one in, one out per trade (the last one closes at the end of data)
    assert gas.stats["gas_paid"] == pytest.approx(3 * swaps)
    assert plain.stats["gas_paid"] == 0
    assert gas.stats["fees_paid"] == pytest.approx(sum(t.fees for t in gas.trades), rel=1e-9)
    assert gas.stats["fees_paid"] > plain.stats["fees_paid"] + 3 * swaps - 1
    assert gas.stats["final_equity"] == pytest.approx(10_000 + sum(t.pnl for t in gas.trades), rel=1e-9)
    assert gas.stats["final_equity"] < plain.stats["final_equity"]
    assert "gas $3 per on-chain action" in gas.fill_model and "no gas is charged" in plain.fill_model


async def test_perps_pay_no_gas(walk_csv: Path) -> None:
    params = {"fast": "5", "slow": "20", "mode": "long_short"}
    res = await run_backtest_async("sma_cross", [walk_csv], params, fee="0.001", gas_usd="3")
    plain = await run_backtest_async("sma_cross", [walk_csv], params, fee="0.001")
    assert res.stats["gas_paid"] == 0 and res.stats["final_equity"] == plain.stats["final_equity"]


@pytest.mark.parametrize("bad", ["-1", "abc", "20000"])
async def test_bad_gas_is_refused_by_name(walk_csv: Path, bad: str) -> None:
    with pytest.raises(DataError, match="gas_usd"):
        await run_backtest_async("sma_cross", [walk_csv], {"fast": "5", "slow": "20"}, gas_usd=bad)
