"""An Aave-like money market on the paper account: supply, withdraw, borrow, repay, interest, HF.

Interest compounds continuously in clock time: over `dt` seconds a balance grows by
`(1 + APY) ** (dt / 365 days)`, so the configured APY is exactly the one-year growth whatever the
step size (per-second and per-step compounding give the same result). Health factor =
`sum(collateral_usd x liquidation_threshold) / debt_usd`; borrows must stay within
`sum(collateral_usd x ltv)` and withdrawals must leave HF >= 1.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from connectors.domain import Borrow, Fill, Repay, Supply, Withdraw
from connectors.errors import InsufficientFunds, RejectedError
from connectors.paper.account import ZERO, Account
from connectors.paper.config import SECONDS_PER_YEAR, LendingMarket, PaperConfig
from connectors.paper.pricing import Pricer

ONE = Decimal(1)


class LendingEngine:
    """Lending rules over an `Account`; amounts in the asset's units, values in USD."""

    def __init__(self, venue: str, config: PaperConfig, pricer: Pricer) -> None:
        self.venue = venue
        self.cfg = config
        self.pricer = pricer
        self.markets = {k.upper(): v for k, v in config.lending.items()}

    def market(self, asset: str) -> LendingMarket:
        found = self.markets.get(asset)
        if found is None:
            raise RejectedError(
                self.venue, f"no lending market for {asset} (have: {', '.join(sorted(self.markets))})"
            )
        return found

    # ---- interest -------------------------------------------------------------------------------
    def accrue(self, acct: Account, now: datetime) -> None:
        """Grow supplied and borrowed balances from `acct.last_accrual` to `now`."""
        last = acct.last_accrual
        if last is not None and now <= last:  # a clock at or behind the last accrual never re-pays interest
            return
        acct.last_accrual = now
        if last is None or not (acct.supplied or acct.borrowed):
            return
        years = Decimal((now - last).total_seconds()) / SECONDS_PER_YEAR
        for book, rate_of in ((acct.supplied, "supply_apy"), (acct.borrowed, "borrow_apy")):
            for asset, amount in book.items():
                apy: Decimal = getattr(self.markets[asset], rate_of)
                if apy:
                    book[asset] = amount * (ONE + apy) ** years

    # ---- actions --------------------------------------------------------------------------------
    def supply(self, acct: Account, action: Supply, now: datetime, client_id: str) -> Fill:
        asset = action.asset.upper()
        self.market(asset)
        have = acct.balance(asset)
        amount = have if action.amount == "all" else action.amount
        self._need(asset, amount, have)
        acct.debit(asset, amount)
        acct.supplied[asset] = acct.supplied.get(asset, ZERO) + amount
        hf = self.health_factor(acct, now)
        return self._fill("supply", client_id, now, hf, asset_in=asset, amount_in=amount)

    def withdraw(self, acct: Account, action: Withdraw, now: datetime, client_id: str) -> Fill:
        asset = action.asset.upper()
        have = acct.supplied.get(asset, ZERO)
        amount = have if action.amount == "all" else action.amount
        if amount <= 0 or amount > have:
            raise InsufficientFunds(self.venue, f"insufficient supplied {asset}: need {amount}, have {have}")
        self._remove(acct.supplied, asset, amount)
        hf = self._healthy_after(acct, now, f"withdrawing {amount} {asset}")
        acct.credit(asset, amount)
        return self._fill("withdraw", client_id, now, hf, asset_out=asset, amount_out=amount)

    def borrow(self, acct: Account, action: Borrow, now: datetime, client_id: str) -> Fill:
        asset = action.asset.upper()
        if action.amount == "all":
            raise RejectedError(self.venue, f"borrow needs an amount of {asset}, not 'all'")
        market = self.market(asset)
        if not market.borrowable:
            raise RejectedError(self.venue, f"{asset} cannot be borrowed on this venue")
        amount = action.amount
        price = self.pricer.require(asset, now.timestamp(), self.venue)
        capacity, debt = self.borrow_capacity(acct, now), self.debt_usd(acct, now)
        if debt + amount * price > capacity:
            raise RejectedError(
                self.venue,
                f"borrowing {amount} {asset} (${amount * price:.2f}) exceeds "
                f"borrow capacity: ${capacity - debt:.2f} left of ${capacity:.2f}",
            )
        acct.borrowed[asset] = acct.borrowed.get(asset, ZERO) + amount
        hf = self._healthy_after(acct, now, f"borrowing {amount} {asset}")
        acct.credit(asset, amount)
        return self._fill("borrow", client_id, now, hf, asset_out=asset, amount_out=amount)

    def _healthy_after(self, acct: Account, now: datetime, what: str) -> Decimal | None:
        """The health factor `acct` is left with; refuses the action when it is below 1."""
        hf = self.health_factor(acct, now)
        if hf is not None and hf < ONE:
            raise RejectedError(self.venue, f"{what} would leave health factor {hf:.4f} < 1")
        return hf

    def repay(self, acct: Account, action: Repay, now: datetime, client_id: str) -> Fill:
        asset = action.asset.upper()
        debt = acct.borrowed.get(asset, ZERO)
        if debt <= 0:
            raise RejectedError(self.venue, f"no {asset} debt to repay")
        amount = debt if action.amount == "all" else min(action.amount, debt)
        self._need(asset, amount, acct.balance(asset))
        acct.debit(asset, amount)
        self._remove(acct.borrowed, asset, amount)
        hf = self.health_factor(acct, now)
        return self._fill("repay", client_id, now, hf, asset_in=asset, amount_in=amount)

    # ---- risk -----------------------------------------------------------------------------------
    def collateral_usd(self, acct: Account, now: datetime, weight: str) -> Decimal:
        total = ZERO
        for asset, amount in acct.supplied.items():
            price = self.pricer.usd(asset, now.timestamp())
            if price is not None:
                total += amount * price * getattr(self.markets[asset], weight)
        return total

    def borrow_capacity(self, acct: Account, now: datetime) -> Decimal:
        return self.collateral_usd(acct, now, "ltv")

    def debt_usd(self, acct: Account, now: datetime) -> Decimal:
        ts = now.timestamp()
        return sum((a * self.pricer.require(k, ts, self.venue) for k, a in acct.borrowed.items()), ZERO)

    def health_factor(self, acct: Account, now: datetime) -> Decimal | None:
        """sum(collateral x liquidation threshold) / debt, in USD; None when there is no debt."""
        if not acct.borrowed:
            return None
        debt = self.debt_usd(acct, now)
        if debt <= 0:
            return None
        return self.collateral_usd(acct, now, "liquidation_threshold") / debt

    def liquidate_if_unhealthy(self, acct: Account, now: datetime) -> Fill | None:
        """One liquidation call when HF < 1: repay up to close-factor of the largest debt, seize collateral
        worth that plus the bonus from the largest collateral (what a keeper would do each block)."""
        hf = self.health_factor(acct, now)
        if hf is None or hf >= ONE or not acct.supplied:
            return None
        ts = now.timestamp()
        debts = {k: a * self.pricer.require(k, ts, self.venue) for k, a in acct.borrowed.items()}
        debt_asset = max(debts, key=lambda k: debts[k])
        colls = {k: a * p for k, a in acct.supplied.items() if (p := self.pricer.usd(k, ts)) is not None}
        if not colls:
            return None
        coll_asset = max(colls, key=lambda k: colls[k])
        bonus = ONE + self.markets[coll_asset].liquidation_bonus
        p_debt = debts[debt_asset] / acct.borrowed[debt_asset]
        p_coll = colls[coll_asset] / acct.supplied[coll_asset]
        repay = min(
            acct.borrowed[debt_asset] * self.cfg.lending_close_factor, colls[coll_asset] / bonus / p_debt
        )
        seize = min(repay * p_debt * bonus / p_coll, acct.supplied[coll_asset])
        self._remove(acct.borrowed, debt_asset, repay)
        self._remove(acct.supplied, coll_asset, seize)
        return Fill(
            client_id=f"lending:liq:{debt_asset}:{now.isoformat()}",
            venue=self.venue,
            kind="liquidation",
            asset_in=coll_asset,
            amount_in=seize,
            asset_out=debt_asset,
            amount_out=repay,
            price=repay and seize / repay,
            note=f"health factor {hf:.4f} < 1: {repay} {debt_asset} debt repaid by seizing "
            f"{seize} {coll_asset} supplied",
            at=now,
        )

    # ---- helpers --------------------------------------------------------------------------------
    def _need(self, asset: str, amount: Decimal, have: Decimal) -> None:
        if amount <= 0 or amount > have:
            raise InsufficientFunds(self.venue, f"insufficient {asset}: need {amount}, have {have}")

    @staticmethod
    def _remove(book: dict[str, Decimal], asset: str, amount: Decimal) -> None:
        left = book.get(asset, ZERO) - amount
        if left <= 0:
            book.pop(asset, None)
        else:
            book[asset] = left

    def _fill(
        self,
        kind: str,
        client_id: str,
        now: datetime,
        hf: Decimal | None,
        *,
        asset_in: str = "",
        amount_in: Decimal = ZERO,
        asset_out: str = "",
        amount_out: Decimal = ZERO,
    ) -> Fill:
        """A lending fill; its note gives `hf`, the health factor the action left."""
        note = f"{kind}; health factor {'none (no debt)' if hf is None else f'{hf:.4f}'}"
        return Fill(
            client_id=client_id,
            venue=self.venue,
            kind=kind,
            asset_in=asset_in,
            amount_in=amount_in,
            asset_out=asset_out,
            amount_out=amount_out,
            order_id=f"paper:{client_id}",
            note=note,
            at=now,
        )
