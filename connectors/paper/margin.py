"""Maintenance margin of paper perps: when a position (isolated) or the cross pool is underwater,
and the price at which it would be (its liquidation price). Other positions are held at their mark.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from connectors.paper.account import ZERO, Account, PerpState
from connectors.paper.config import PaperConfig


class Maintenance:
    def __init__(self, config: PaperConfig) -> None:
        self.cfg = config
        self.collateral = config.collateral_asset.upper()
        self._mmr: dict[str, Decimal] = {}  # market -> maintenance rate, from the frozen config

    def mmr(self, market: str) -> Decimal:
        """`config.mmr(market)`, remembered per market (read several times a tick)."""
        rate = self._mmr.get(market)
        if rate is None:
            rate = self._mmr[market] = self.cfg.mmr(market)
        return rate

    def liquidation_price(
        self, acct: Account, pos: PerpState, marks: Mapping[str, Decimal]
    ) -> Decimal | None:
        """Price of this position at which equity meets maintenance margin (others held at their mark).

        Isolated: `margin + s*size*(P - entry) = mmr*size*P`. Cross: the same with the shared pool
        (collateral balance + every cross margin and PnL) and the other positions' maintenance.
        """
        market, size, s = pos.market, pos.size, pos.sign
        mmr = self.mmr(market)
        mark = marks.get(market, pos.entry_price)
        signed = s * size  # the same product twice below: computed once (this runs three times a tick)
        if pos.margin_mode == "isolated":
            e0 = pos.margin + signed * (mark - pos.entry_price)  # `pnl_at`, inline
            m_others = ZERO
        else:
            e0, m_total = self.cross_equity(acct, marks)
            m_others = m_total - mmr * size * mark
        price = (m_others - e0 + signed * mark) / (size * (s - mmr))
        return price if price > 0 else None

    def cross_equity(self, acct: Account, marks: Mapping[str, Decimal]) -> tuple[Decimal, Decimal]:
        """(equity, maintenance) of the cross pool at `marks`."""
        equity, maint = acct.balance(self.collateral), ZERO
        for p in acct.positions.values():
            if p.margin_mode == "cross":
                mark = marks.get(p.market, p.entry_price)
                equity += p.margin + p.pnl_at(mark)
                maint += self.mmr(p.market) * p.size * mark
        return equity, maint

    def underwater(self, acct: Account, pos: PerpState, marks: Mapping[str, Decimal]) -> bool:
        """True when maintenance is not met at `marks` (isolated: this position; cross: the pool)."""
        if pos.margin_mode == "cross":
            equity, maint = self.cross_equity(acct, marks)
            return equity <= maint
        mark = marks.get(pos.market, pos.entry_price)
        return pos.margin + pos.pnl_at(mark) <= self.mmr(pos.market) * pos.size * mark
