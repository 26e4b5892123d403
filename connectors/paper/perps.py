"""Perpetual futures on the paper account: open/add/reduce/close, margin, funding, liquidation.

Margin is posted in `config.collateral_asset` (USDC by default). Isolated positions risk only their own
margin; cross positions share the collateral balance plus every cross position's margin and PnL.
Funding settles into the position's margin (`size x mark x rate`, longs pay positive rates).
Realized PnL on fills is price PnL only (fees and funding are reported separately).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from connectors.domain import ClosePosition, Fill, OpenPosition, Position, Side, SizeUnit, validated
from connectors.errors import InsufficientFunds, RejectedError
from connectors.paper.account import ZERO, Account, PerpState
from connectors.paper.config import BPS, PaperConfig
from connectors.paper.margin import Maintenance

ONE = Decimal(1)


@dataclass(slots=True)
class _Leg:
    """One leg of an order on the account: base units traded, collateral posted (open) or paid out
    (close), fee, realised PnL, a note for the fill."""

    base: Decimal
    collateral: Decimal
    fee: Decimal
    pnl: Decimal
    note: str


class PerpEngine(Maintenance):
    """Perp rules over an `Account`; prices are passed in so the engine never reads the clock. The
    maintenance-margin numbers (liquidation price, underwater) come from `Maintenance`."""

    def __init__(self, venue: str, config: PaperConfig) -> None:
        super().__init__(config)
        self.venue = venue
        # what an opening order's price is multiplied by, per side: slippage against the taker (the
        # config is frozen, so this is worked out once, with the very arithmetic `open` would use)
        self._opening_slip = {side: ONE + side.sign * config.perp_slippage_bps / BPS for side in Side}

    # ---- orders ---------------------------------------------------------------------------------
    def open(
        self, acct: Account, action: OpenPosition, price: Decimal, now: datetime, client_id: str
    ) -> Fill:
        market = action.market.upper()
        side = action.side
        fill_px = price * self._opening_slip[side]
        if action.order_type == "limit":
            assert action.limit_price is not None
            if (fill_px - action.limit_price) * side.sign > 0:
                raise RejectedError(
                    self.venue,
                    f"limit {action.limit_price} is not marketable at "
                    f"{fill_px}; the paper venue does not rest orders",
                )
        if action.size_unit is SizeUnit.CONTRACTS:
            raise RejectedError(self.venue, "the paper venue sizes perps in base units or USD, not contracts")
        size = action.size / fill_px if action.size_unit is SizeUnit.USD else action.size
        pos = acct.positions.get(market)
        if pos is not None and pos.side is not side and action.reverse:
            return self._reverse(acct, action, pos, fill_px, size, now, client_id)
        if pos is not None and pos.side is not side:
            if size > pos.size and not action.reduce_only:
                raise RejectedError(
                    self.venue,
                    f"{side} {size} {market} would flip the open {pos.side} {pos.size}; close it first or send reverse=True",
                )
            closed = min(size, pos.size)
            fill = self.reduce(
                acct,
                pos,
                closed,
                fill_px,
                self.cfg.perp_taker_fee_bps,
                now,
                client_id,
                "open_position",
                "reduce",
            )
            return fill
        if action.reduce_only:
            what = "no open position" if pos is None else f"the open position is {pos.side}"
            raise RejectedError(self.venue, f"reduce-only {side} {market} rejected: {what}")
        leg = self._add_leg(acct, action, pos, fill_px, size, now, client_id)
        return self._fill(client_id, "open_position", market, leg, fill_px, now, opening=True)

    def _add_leg(
        self,
        acct: Account,
        action: OpenPosition,
        pos: PerpState | None,
        fill_px: Decimal,
        size: Decimal,
        now: datetime,
        client_id: str,
    ) -> _Leg:
        """Post margin and fee for `size` base units at `fill_px` and open or grow the position."""
        market, side = action.market.upper(), action.side
        leverage = action.leverage
        if leverage > self.cfg.max_leverage:
            raise RejectedError(
                self.venue, f"leverage {leverage}x exceeds the venue max {self.cfg.max_leverage}x"
            )
        mmr = self.mmr(market)
        if ONE / leverage <= mmr:
            raise RejectedError(
                self.venue,
                f"leverage {leverage}x leaves less margin than the maintenance "
                f"rate {mmr}: it would be liquidated at once",
            )
        if pos is not None and pos.margin_mode != action.margin_mode:
            raise RejectedError(
                self.venue, f"{market} is open in {pos.margin_mode} margin; cannot add {action.margin_mode}"
            )
        if action.stop_loss is not None or action.take_profit is not None:
            self._check_triggers(side, fill_px, action.stop_loss, action.take_profit, market)
        notional = size * fill_px
        margin = notional / leverage
        fee = notional * self.cfg.perp_taker_fee_bps / BPS
        need, have = margin + fee, acct.balance(self.collateral)
        if need > have:
            raise InsufficientFunds(
                self.venue,
                f"insufficient {self.collateral}: need {need} (margin {margin} + fee {fee}), have {have}",
            )
        acct.debit(self.collateral, need)
        if pos is None:
            pos = PerpState(
                market=market,
                side=side,
                size=size,
                entry_price=fill_px,
                margin=margin,
                margin_mode=action.margin_mode,
                leverage=leverage,
                opened_at=now,
                client_id=client_id,
            )
            acct.positions[market] = pos
        else:
            total = pos.size + size
            pos.entry_price = (pos.size * pos.entry_price + size * fill_px) / total
            pos.size = total
            pos.margin += margin
            pos.leverage = leverage
        if action.stop_loss is not None:
            pos.stop_loss = action.stop_loss
        if action.take_profit is not None:
            pos.take_profit = action.take_profit
        # !s: str() writes a Decimal or a side as format() does, at half the cost (one leg per order)
        note = f"{side!s} {size!s} {market} @ {fill_px!s} {action.margin_mode} {leverage!s}x"
        return _Leg(size, margin, fee, ZERO, note)

    def _reverse(
        self,
        acct: Account,
        action: OpenPosition,
        held: PerpState,
        fill_px: Decimal,
        size: Decimal,
        now: datetime,
        client_id: str,
    ) -> Fill:
        """One order of held + `size` against the held side: the held position closes, `size` opens.

        Both legs fill at `fill_px` and pay the taker fee. The fill reports the whole order: `amount_out`
        is the base traded (closed + opened), `amount_in` the new margin, `realized_pnl` the closed
        leg's, `fee` both legs'.
        """
        fee_bps = self.cfg.perp_taker_fee_bps
        closed = self._reduce_leg(acct, held, held.size, fill_px, fee_bps, "close")
        try:
            opened = self._add_leg(acct, action, None, fill_px, size, now, client_id)
        except RejectedError as exc:  # nothing moved: the venue drops this clone of the account
            raise type(exc)(self.venue, f"cannot reverse {held.side} {held.market}: {exc.message}") from exc
        note = f"{closed.note}; then {opened.note}"
        both = _Leg(closed.base + opened.base, opened.collateral, closed.fee + opened.fee, closed.pnl, note)
        return self._fill(client_id, "reverse_position", held.market, both, fill_px, now, opening=True)

    def close(
        self, acct: Account, action: ClosePosition, price: Decimal, now: datetime, client_id: str
    ) -> Fill:
        market = action.market.upper()
        pos = acct.positions.get(market)
        if pos is None:
            raise RejectedError(self.venue, f"no open position in {market}")
        if action.side is not None and action.side is not pos.side:
            raise RejectedError(self.venue, f"{market} position is {pos.side}, not {action.side}")
        fill_px = price * (ONE - pos.sign * self.cfg.perp_slippage_bps / BPS)
        closed = pos.size if action.fraction == 1 else pos.size * action.fraction
        return self.reduce(
            acct, pos, closed, fill_px, self.cfg.perp_taker_fee_bps, now, client_id, "close_position", "close"
        )

    def set_triggers(
        self, pos: PerpState, price: Decimal, stop_loss: Decimal | None, take_profit: Decimal | None
    ) -> None:
        self._check_triggers(pos.side, price, stop_loss, take_profit, pos.market)
        pos.stop_loss, pos.take_profit = stop_loss, take_profit

    def _check_triggers(
        self, side: Side, price: Decimal, stop: Decimal | None, take: Decimal | None, market: str
    ) -> None:
        if stop is not None and (price - stop) * side.sign <= 0:
            where = "below" if side is Side.LONG else "above"
            raise RejectedError(
                self.venue, f"stop_loss {stop} must be {where} the {market} price {price} for a {side}"
            )
        if take is not None and (take - price) * side.sign <= 0:
            where = "above" if side is Side.LONG else "below"
            raise RejectedError(
                self.venue, f"take_profit {take} must be {where} the {market} price {price} for a {side}"
            )

    # ---- settlement -----------------------------------------------------------------------------
    def reduce(
        self,
        acct: Account,
        pos: PerpState,
        closed: Decimal,
        px: Decimal,
        fee_bps: Decimal,
        now: datetime,
        client_id: str,
        kind: str,
        verb: str,
    ) -> Fill:
        """Close `closed` base units at `px`: release margin pro rata, realize PnL, pay the fee."""
        market = pos.market
        leg = self._reduce_leg(acct, pos, closed, px, fee_bps, verb)
        return self._fill(client_id, kind, market, leg, px, now, opening=False)

    def _fill(
        self,
        client_id: str,
        kind: str,
        market: str,
        leg: _Leg,
        price: Decimal,
        now: datetime,
        *,
        opening: bool,
    ) -> Fill:
        """The fill of `leg`: collateral in and base out when opening, base in and collateral out when closing."""
        base, collateral = (market, leg.base), (self.collateral, leg.collateral)
        (asset_in, amount_in), (asset_out, amount_out) = (collateral, base) if opening else (base, collateral)
        fields = {
            "client_id": client_id,
            "venue": self.venue,
            "kind": kind,
            "asset_in": asset_in,
            "amount_in": amount_in,
            "asset_out": asset_out,
            "amount_out": amount_out,
            "price": price,
            "fee": leg.fee,
            "fee_asset": self.collateral,
            "realized_pnl": leg.pnl,
            "order_id": f"paper:{client_id}",
            "note": leg.note,
            "at": now,
        }
        return validated(Fill, fields)

    def _reduce_leg(
        self, acct: Account, pos: PerpState, closed: Decimal, px: Decimal, fee_bps: Decimal, verb: str
    ) -> _Leg:
        """The account side of `reduce`; `collateral` is what was paid out to the collateral balance."""
        full = closed >= pos.size
        closed = pos.size if full else closed
        pnl = pos.sign * closed * (px - pos.entry_price)
        released = pos.margin if full else pos.margin * closed / pos.size
        fee = closed * px * fee_bps / BPS
        pay = released + pnl - fee
        note = f"{verb} {closed!s} of {pos.side!s} {pos.market} @ {px!s}"  # !s: as in `_add_leg`
        if pay < 0:
            covered = min(-pay, acct.balance(self.collateral)) if pos.margin_mode == "cross" else ZERO
            if covered:
                acct.debit(self.collateral, covered)
            shortfall = -pay - covered
            if shortfall:
                acct.insurance_usd -= shortfall
                note += f"; loss beyond margin {shortfall} absorbed by the insurance fund"
            pay = ZERO
        else:
            acct.credit(self.collateral, pay)
        if full:
            del acct.positions[pos.market]
        else:
            pos.size -= closed
            pos.margin -= released
        pos.realized_pnl += pnl
        return _Leg(closed, pay, fee, pnl, note)

    def settle_funding(self, pos: PerpState, rate: Decimal, mark: Decimal) -> Decimal:
        """Charge one funding settlement into the margin; returns what the position paid (+) or got (-)."""
        paid = pos.sign * pos.size * mark * rate
        pos.margin -= paid
        pos.funding_paid += paid
        return paid

    def liquidate(
        self, acct: Account, pos: PerpState, px: Decimal, now: datetime, forfeit_pool: bool = False
    ) -> Fill:
        """Close at `px`; the trader keeps nothing of this margin (cross: of the collateral balance)."""
        pnl = pos.sign * pos.size * (px - pos.entry_price)
        left = pos.margin + pnl
        note = f"liquidated {pos.side} {pos.size} {pos.market} @ {px} ({pos.margin_mode})"
        if pos.margin_mode == "cross":
            left += acct.balance(self.collateral) if forfeit_pool else ZERO
            if forfeit_pool:
                acct.balances.pop(self.collateral, None)
        forfeited = max(left, ZERO)
        if left < 0:
            acct.insurance_usd += left
            note += f"; bankrupt beyond margin by {-left}"
        acct.insurance_usd += forfeited
        del acct.positions[pos.market]
        pos.realized_pnl += pnl
        return Fill(
            client_id=f"{pos.client_id}:liq",
            venue=self.venue,
            kind="liquidation",
            asset_in=pos.market,
            amount_in=pos.size,
            asset_out=self.collateral,
            amount_out=ZERO,
            price=px,
            fee=forfeited,
            fee_asset=self.collateral,
            realized_pnl=pnl,
            order_id=f"paper:{pos.client_id}:liq",
            note=note,
            at=now,
        )

    def position_view(self, acct: Account, pos: PerpState, marks: Mapping[str, Decimal]) -> Position:
        mark = marks.get(pos.market)
        fields = {
            "market": pos.market,
            "side": pos.side,
            "size": pos.size,
            "entry_price": pos.entry_price,
            "leverage": pos.leverage,
            "margin": pos.margin,
            "margin_mode": pos.margin_mode,
            "mark_price": mark,
            "liquidation_price": self.liquidation_price(acct, pos, marks),
            "unrealized_pnl": pos.pnl_at(mark) if mark is not None else ZERO,
            "funding_paid": pos.funding_paid,
            "stop_loss": pos.stop_loss,
            "take_profit": pos.take_profit,
            "venue": self.venue,
        }
        return validated(Position, fields)
