"""`defai perps paper-demo`: the intent's "$1000" is notional, so 3x posts $333.33 of margin."""

import json
from decimal import Decimal

from typer.testing import CliRunner

from agent.cli.main import app


def test_long_btc_3x_with_1000_stop_5pct_reports_margin_liq_funding_and_stop():
    out = CliRunner().invoke(app, ["perps", "paper-demo", "long BTC 3x with $1000, stop 5%", "--json"])
    assert out.exit_code == 0, out.output
    report = json.loads(out.output)
    assert Decimal(report["notional_usd"]) == 1000
    assert Decimal(report["margin"]).quantize(Decimal("0.01")) == Decimal("333.33")
    assert Decimal(report["stop_price"]) == 57000
    # 3 funding settlements of 0.0001 on $1000 notional = $0.30
    assert Decimal(report["funding_paid"]).quantize(Decimal("0.01")) == Decimal("0.30")
    # stop fill: 1000/60000 BTC * (57000 - 60000) = -50 USDC realised
    assert Decimal(report["stop_fill"]["realized_pnl"]).quantize(Decimal("0.01")) == Decimal("-50.00")
    assert Decimal(report["liquidation_price"]) < 57000


def test_unclear_or_unsupported_text_is_refused_with_the_question():
    out = CliRunner().invoke(app, ["perps", "paper-demo", "short ETH"])
    assert out.exit_code == 2
