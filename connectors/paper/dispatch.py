"""How the paper venue applies one action to an account: swaps, wraps, transfers, lending, perps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from connectors.domain import (
    Action,
    Borrow,
    ClosePosition,
    Fill,
    OpenPosition,
    Repay,
    Supply,
    Swap,
    Transfer,
    Unwrap,
    Withdraw,
    Wrap,
)
from connectors.errors import InsufficientFunds, RejectedError
from connectors.paper.account import ZERO, Account
from connectors.paper.config import PaperConfig
from connectors.paper.lending import LendingEngine
from connectors.paper.perps import PerpEngine
from connectors.paper.pricing import Pricer, plan_swap

ON_CHAIN = (Swap, Wrap, Unwrap, Transfer, Supply, Withdraw, Borrow, Repay)
"""Actions that are transactions on a chain (perps trade on an exchange and pay no gas)."""


@dataclass(frozen=True)
class Dispatcher:
    """Mutates the given account (a clone the venue commits afterwards) and returns the fill."""

    name: str
    config: PaperConfig
    pricer: Pricer
    lending: LendingEngine
    perps: PerpEngine

    def apply(
        self, acct: Account, action: Action, client_id: str, now: datetime, ts: float
    ) -> tuple[Fill, Decimal]:
        """The fill and its price impact in bps (`ts` is `now` in epoch seconds). On-chain actions also
        pay `config.gas_usd` in the cash asset: from the balance held before the action, else out of what
        the action itself brings in (a swap into cash); when neither covers it, nothing happens
        (InsufficientFunds)."""
        gas = self.config.gas_usd
        if not gas or not isinstance(action, ON_CHAIN):  # the cheap test first (isinstance on a model is not)
            return self._apply(acct, action, client_id, now, ts)
        cash = self.config.collateral_asset.upper()
        upfront = acct.balance(cash) >= gas
        if upfront:
            acct.debit(cash, gas)
        fill, impact = self._apply(acct, action, client_id, now, ts)
        if not upfront:
            have = acct.balance(cash)
            if have < gas:  # the venue discards this clone of the account: nothing moved
                raise InsufficientFunds(
                    self.name,
                    f"insufficient {cash} for gas: need {gas} (gas_usd per on-chain action), have {have}",
                )
            acct.debit(cash, gas)
        return fill.model_copy(update={"gas_usd": gas}), impact

    def _apply(
        self, acct: Account, action: Action, client_id: str, now: datetime, ts: float
    ) -> tuple[Fill, Decimal]:
        if isinstance(action, OpenPosition):
            price = self.pricer.require(action.market.upper(), ts, self.name)
            return self.perps.open(acct, action, price, now, client_id), ZERO
        if isinstance(action, ClosePosition):
            price = self.pricer.require(action.market.upper(), ts, self.name)
            return self.perps.close(acct, action, price, now, client_id), ZERO
        if isinstance(action, Swap):
            sell, buy = action.sell.upper(), action.buy.upper()
            plan = plan_swap(
                action,
                acct.balance(sell),
                self.pricer.require(sell, ts, self.name),
                self.pricer.require(buy, ts, self.name),
                self.config,
                self.name,
            )
            acct.debit(sell, plan.amount_in)
            acct.credit(buy, plan.amount_out)
            fill = Fill(
                client_id=client_id,
                venue=self.name,
                kind="swap",
                asset_in=sell,
                amount_in=plan.amount_in,
                asset_out=buy,
                amount_out=plan.amount_out,
                price=plan.price,
                fee=plan.fee,
                fee_asset=sell,
                order_id=f"paper:{client_id}",
                note=f"impact+slippage {plan.cost_bps} bps",
                at=now,
            )
            return fill, plan.cost_bps
        if isinstance(action, Wrap | Unwrap):
            src, dst = ("ETH", "WETH") if isinstance(action, Wrap) else ("WETH", "ETH")
            return self._move(acct, client_id, action.kind, src, dst, action.amount, now), ZERO
        if isinstance(action, Transfer):
            fill = self._move(acct, client_id, "transfer", action.asset.upper(), None, action.amount, now)
            return fill.model_copy(update={"note": f"to {action.to}"}), ZERO
        if isinstance(action, Supply | Withdraw | Borrow | Repay):  # interest accrued to now by the step
            handler = {
                Supply: self.lending.supply,
                Withdraw: self.lending.withdraw,
                Borrow: self.lending.borrow,
                Repay: self.lending.repay,
            }[type(action)]
            return handler(acct, action, now, client_id), ZERO  # type: ignore[operator]
        raise RejectedError(self.name, f"unsupported action {type(action).__name__}")

    def _move(
        self,
        acct: Account,
        client_id: str,
        kind: str,
        src: str,
        dst: str | None,
        amount: Decimal | str,
        now: Any,
    ) -> Fill:
        have = acct.balance(src)
        qty = have if amount == "all" else Decimal(amount)
        if qty <= 0 or qty > have:
            raise InsufficientFunds(self.name, f"insufficient {src}: need {qty}, have {have}")
        acct.debit(src, qty)
        if dst is not None:
            acct.credit(dst, qty)
        return Fill(
            client_id=client_id,
            venue=self.name,
            kind=kind,
            asset_in=src,
            amount_in=qty,
            asset_out=dst or "",
            amount_out=qty if dst else ZERO,
            price=Decimal(1) if dst else None,
            order_id=f"paper:{client_id}",
            note=kind,
            at=now,
        )
