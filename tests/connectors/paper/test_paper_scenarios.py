"""The "long BTC 3x with $1000, stop 5%" demo, checked by hand."""

from __future__ import annotations

from datetime import UTC, datetime

from connectors.paper.scenarios import long_with_stop_demo
from tests.connectors.paper.paper_helpers import D


def test_long_with_stop_demo_numbers() -> None:
    r = long_with_stop_demo()
    # $1000 margin x 3 = $3000 notional at 60000 -> 0.05 BTC; taker fee 3000 x 0.0005 = 1.5
    assert (r.size, r.margin, r.open_fee, r.entry_price) == (D("0.05"), D(1000), D("1.5"), D(60_000))
    # liq = (3000 - 1000) / (0.05 x 0.995) = 2000 / 0.04975 = 40201.005...
    assert r.liquidation_price == D(2000) / D("0.04975")
    # three settlements (08:00, 16:00, 00:00) of 0.05 x 60000 x 0.0001 = 0.3 each
    assert [amt for _, amt in r.funding_payments] == [D("0.3")] * 3
    assert r.funding_paid == D("0.9")
    # stop at 60000 x 0.95 = 57000, hit intrabar by the 04:00 bar (open 57635.76, low 56774.06)
    assert r.stop_fill.price == D(57_000) and r.stop_fill.client_id == "demo-long:sl"
    assert r.stop_fill.at == datetime(2025, 1, 2, 5, tzinfo=UTC)
    # pnl 0.05 x -3000 = -150; fee 2850 x 0.0005 = 1.425; cash 10000 - 1001.5 + (999.1 - 150 - 1.425)
    assert r.stop_fill.realized_pnl == D(-150) and r.stop_fill.fee == D("1.425")
    assert r.cash_after == D("9846.175")
    assert r.net_pnl == -(D(150) + D("1.5") + D("1.425") + D("0.9"))
    text = "\n".join(r.lines())
    assert "liquidation price 40201.01" in text and "stop filled at 57000" in text
