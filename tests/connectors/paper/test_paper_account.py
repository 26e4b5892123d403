"""The account's clone: every state change works on one, so it must copy every field, deeply enough."""

from __future__ import annotations

from dataclasses import fields

from connectors.domain import Side
from connectors.paper.account import Account, PerpState
from tests.connectors.paper.paper_helpers import HOUR, T0, D


def _account() -> Account:
    """Every field set, and set apart from its neighbours (a field copied into another shows)."""
    pos = PerpState(
        "BTC-PERP",
        Side.SHORT,
        D("0.5"),
        D(60_000),
        D(3_000),
        "cross",
        D(10),
        T0,
        "P",
        funding_paid=D("1.5"),
        realized_pnl=D(-2),
        stop_loss=D(63_000),
        take_profit=D(50_000),
    )
    return Account(
        balances={"USDC": D(100)},
        positions={"BTC-PERP": pos},
        supplied={"ETH": D(2)},
        borrowed={"USDT": D(30)},
        last_step=T0,
        last_accrual=T0 - HOUR,
        insurance_usd=D(7),
        unreported=["P:liq"],
    )


def test_a_clone_equals_its_account_field_by_field() -> None:
    acct = _account()
    twin = acct.clone()
    for f in fields(Account):
        assert getattr(twin, f.name) == getattr(acct, f.name), f.name
    (pos,) = twin.positions.values()
    assert pos.sign == -1 and pos == acct.positions["BTC-PERP"]


def test_a_clone_shares_nothing_it_could_change() -> None:
    acct = _account()
    twin = acct.clone()
    twin.credit("USDC", D(1))
    twin.supplied["ETH"] = D(0)
    twin.borrowed.clear()
    twin.unreported.append("x")
    twin.positions["BTC-PERP"].margin += D(1)
    twin.positions.clear()
    assert acct == _account()
