"""`defai perps markets --offline-fixture` runs the real ccxt class over recorded replies."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from agent.cli.main import app

EXPECTED = {
    "hyperliquid": ("BTC/USDC:USDC", "1", "10"),
    "binanceusdm": ("BTC/USDT:USDT", "1", "5"),
    "bybit": ("BTC/USDT:USDT", "1", "5"),
    "okx": ("BTC/USDT:USDT", "0.01", "-"),
}


@pytest.mark.parametrize("venue", sorted(EXPECTED))
def test_markets_json_offline(venue):
    result = CliRunner().invoke(app, ["perps", "markets", "--venue", venue, "--offline-fixture", "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["symbol"]: r for r in json.loads(result.output)["markets"]}
    symbol, contract_size, min_cost = EXPECTED[venue]
    assert rows[symbol]["contract_size"] == contract_size and rows[symbol]["min_cost_usd"] == min_cost
    assert len(rows) == 3


def test_markets_table_offline():
    result = CliRunner().invoke(
        app, ["perps", "markets", "--venue", "okx", "--offline-fixture"], terminal_width=140
    )
    assert result.exit_code == 0, result.output
    assert "BTC/USDT:USDT" in result.output and "0.01 BTC" in result.output
