"""OpenPosition / ClosePosition -> sized, idempotent order legs -> a domain Fill (or a Quote)."""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal
from typing import TYPE_CHECKING, Literal

from connectors.domain import ClosePosition, Fill, FillStatus, OpenPosition, Position, Quote, Side, utc_now
from connectors.errors import RejectedError, UnknownOutcome
from connectors.perps.models import OrderBook, OrderState
from connectors.perps.orders import OrderRequest
from connectors.perps.sizing import MarketSpec, OrderSize, SizedOrder, fmt_amount, size_order

if TYPE_CHECKING:
    from connectors.perps.connector import PerpsConnector

PerpAction = OpenPosition | ClosePosition
BPS = Decimal(10_000)


def _order_side(side: Side) -> Literal["buy", "sell"]:
    return "buy" if side is Side.LONG else "sell"


class Executor:
    """Turns perp actions into order legs on a PerpsConnector; every leg keyed by the action client id."""

    def __init__(self, connector: PerpsConnector) -> None:
        self._c = connector
        self._markets_by_client_id: dict[str, str] = {}
        self._fills: dict[str, Fill] = {}

    async def quote(self, action: PerpAction) -> Quote:
        """Expected execution against the current book: `amount_in` is the settle-asset value of the
        exposure with the taker fee (added when buying, netted when selling), `amount_out` base units."""
        spec = await self._c.market(action.market)
        if isinstance(action, OpenPosition):
            side = action.side
            sized = await self._size_open(spec, action)
        else:
            position = await self._position_to_close(spec, action)
            side = position.side.opposite
            sized = await self._size_close(spec, position, action.fraction)
        book = await self._c.order_book(spec.symbol)
        avg, impact = _walk(book, spec, side, sized.contracts, sized.price)
        fee = sized.base * avg * (spec.taker_fee or Decimal(0))
        value = sized.base * avg + (fee if side is Side.LONG else -fee)
        return Quote(
            venue=self._c.name,
            asset_in=spec.settle,
            amount_in=value,
            asset_out=spec.base,
            amount_out=sized.base,
            price=value / sized.base,
            fee=fee,
            fee_asset=spec.settle,
            price_impact_bps=impact,
            route=f"{self._c.name} {spec.symbol} {_order_side(side)} {sized.describe()}",
            at=self._c.now(),
        )

    async def execute(self, action: PerpAction, client_id: str) -> Fill:
        if client_id in self._fills:
            return self._fills[client_id]
        spec = await self._c.market(action.market)
        self._markets_by_client_id[client_id] = spec.symbol
        if isinstance(action, OpenPosition):
            fill = await self._open(spec, action, client_id)
        else:
            fill = await self._close(spec, action, client_id)
        self._fills[client_id] = fill
        return fill

    async def lookup(self, client_id: str, market: str | None) -> Fill | None:
        if client_id in self._fills:
            return self._fills[client_id]
        symbol = market or self._markets_by_client_id.get(client_id)
        if symbol is None:
            raise UnknownOutcome(
                self._c.name,
                "cannot look an order up without its market on this venue; call lookup(client_id, market=...)",
                client_id=client_id,
            )
        spec = await self._c.market(symbol)
        state = await self._c.orders.find(spec, self._c.orders.client_order_id(client_id, "entry"))
        if state is None:
            return None
        return _to_fill(
            self._c.name,
            "open_position" if state.reduce_only is not True else "close_position",
            client_id,
            spec,
            state,
            note="reconciled from venue",
        )

    async def _open(self, spec: MarketSpec, action: OpenPosition, client_id: str) -> Fill:
        sized = await self._size_open(spec, action)
        _check_protection(spec, action, sized.price)
        await self._configure(spec, action)
        side = _order_side(action.side)
        entry = await self._c.orders.submit(
            OrderRequest(
                spec=spec,
                side=side,
                contracts=sized.contracts,
                order_type=action.order_type,
                price=action.limit_price,
                reduce_only=action.reduce_only,
                reference_price=sized.price,
                margin_mode=action.margin_mode,
            ),
            client_id,
            "entry",
        )
        entry = await self._settled(spec, entry)
        fill = _to_fill(self._c.name, "open_position", client_id, spec, entry)  # raises if nothing can fill
        notes = [fill.note] if fill.note else []
        exit_side: Literal["buy", "sell"] = "sell" if side == "buy" else "buy"
        for kind, trigger in (("sl", action.stop_loss), ("tp", action.take_profit)):
            if trigger is None:
                continue
            leg = await self._c.orders.submit(
                OrderRequest(
                    spec=spec,
                    side=exit_side,
                    contracts=sized.contracts,
                    reduce_only=True,
                    trigger_kind="sl" if kind == "sl" else "tp",
                    trigger_price=trigger,
                    margin_mode=action.margin_mode,
                ),
                client_id,
                "sl" if kind == "sl" else "tp",
            )
            notes.append(f"{kind} {trigger} order {leg.order_id or leg.client_order_id}")
        return fill.model_copy(update={"note": "; ".join(notes)})

    async def _configure(self, spec: MarketSpec, action: OpenPosition) -> None:
        """Margin mode and leverage before the entry; never flip the mode under an open position."""
        existing = await self._held(spec)
        if existing is not None and existing.margin_mode != action.margin_mode:
            raise RejectedError(
                self._c.name,
                f"{spec.symbol} already has a {existing.margin_mode}-margin {existing.side} position; "
                f"refusing to add with {action.margin_mode} margin",
            )
        if existing is None:
            await self._c.set_margin_mode(spec.symbol, action.margin_mode, leverage=action.leverage)
            if self._c.profile.margin_mode_sets_leverage:  # one call set both (Hyperliquid, OKX)
                return
        await self._c.set_leverage(spec.symbol, action.leverage, margin_mode=action.margin_mode)

    async def _close(self, spec: MarketSpec, action: ClosePosition, client_id: str) -> Fill:
        position = await self._position_to_close(spec, action)
        sized = await self._size_close(spec, position, action.fraction)
        state = await self._c.orders.submit(
            OrderRequest(
                spec=spec,
                side=_order_side(position.side.opposite),
                contracts=sized.contracts,
                reduce_only=True,
                reference_price=sized.price,
                margin_mode=position.margin_mode,
            ),
            client_id,
            "entry",
        )
        state = await self._settled(spec, state)
        return _to_fill(self._c.name, "close_position", client_id, spec, state)

    async def _size_open(self, spec: MarketSpec, action: OpenPosition) -> SizedOrder:
        if action.order_type == "limit" and action.limit_price is not None:
            price = action.limit_price
        else:
            ticker = await self._c.ticker(spec.symbol)
            price = ticker.reference_price or Decimal(0)
        return size_order(spec, OrderSize(action.size, action.size_unit), price)

    async def _held(self, spec: MarketSpec) -> Position | None:
        """The open position in this market, if any."""
        return next(
            (p for p in await self._c.positions([spec.symbol]) if p.market == spec.symbol.upper()), None
        )

    async def _position_to_close(self, spec: MarketSpec, action: ClosePosition) -> Position:
        position = await self._held(spec)
        if position is None:
            raise RejectedError(self._c.name, f"no open {spec.symbol} position to close")
        if action.side is not None and position.side is not action.side:
            raise RejectedError(
                self._c.name,
                f"asked to close a {action.side} {spec.symbol} position but it is {position.side}",
            )
        return position

    async def _size_close(self, spec: MarketSpec, position: Position, fraction: Decimal) -> SizedOrder:
        contracts = position.size / spec.contract_size * fraction
        if fraction < 1 and spec.amount_step:
            contracts = (contracts / spec.amount_step).to_integral_value(
                rounding=ROUND_DOWN
            ) * spec.amount_step
        if contracts <= 0:
            raise RejectedError(
                self._c.name,
                f"{fraction:.0%} of {fmt_amount(position.size, spec.base)} rounds to zero at {spec.symbol}'s amount step",
            )
        price = (
            position.mark_price or (await self._c.ticker(spec.symbol)).reference_price or position.entry_price
        )
        base = contracts * spec.contract_size
        return SizedOrder(spec=spec, contracts=contracts, base=base, notional=base * price, price=price)

    async def _settled(self, spec: MarketSpec, state: OrderState) -> OrderState:
        """Venues that only acknowledge (ids, no fills) are asked once more for the order's state."""
        if state.status in ("closed", "canceled", "expired", "rejected") and state.average is not None:
            return state
        if state.filled > 0 and state.average is not None:
            return state
        coid = state.client_order_id
        if coid is None:
            return state
        found = await self._c.orders.find(spec, coid)
        if found is None:
            return state.model_copy(update={"status": "unknown"})
        return found


def _check_protection(spec: MarketSpec, action: OpenPosition, price: Decimal) -> None:
    """A stop-loss must sit on the losing side of the entry and a take-profit on the winning side."""
    long = action.side is Side.LONG
    if action.stop_loss is not None and (action.stop_loss >= price if long else action.stop_loss <= price):
        raise RejectedError(
            spec.venue,
            f"stop-loss {action.stop_loss} is on the wrong side of the {price} entry for a {action.side}",
        )
    if action.take_profit is not None and (
        action.take_profit <= price if long else action.take_profit >= price
    ):
        raise RejectedError(
            spec.venue,
            f"take-profit {action.take_profit} is on the wrong side of the {price} entry for a {action.side}",
        )


def _walk(
    book: OrderBook, spec: MarketSpec, side: Side, contracts: Decimal, ref: Decimal
) -> tuple[Decimal, Decimal]:
    """Average price for `contracts` against the book and its impact (bps) versus `ref`."""
    levels = book.asks if side is Side.LONG else book.bids
    remaining, cost = contracts, Decimal(0)
    for level in levels:
        take = min(remaining, level.amount)
        cost += take * level.price
        remaining -= take
        if remaining <= 0:
            break
    if remaining > 0:
        raise RejectedError(
            spec.venue,
            f"the {spec.symbol} book is too thin for {fmt_amount(contracts * spec.contract_size, spec.base)}",
        )
    avg = cost / contracts
    return avg, abs(avg - ref) / ref * BPS


def _to_fill(
    venue: str, kind: str, client_id: str, spec: MarketSpec, state: OrderState, note: str = ""
) -> Fill:
    if state.status in ("canceled", "expired", "rejected") and state.filled == 0:
        raise RejectedError(
            venue, f"order {state.order_id or state.client_order_id} was {state.status} with nothing filled"
        )
    complete = state.amount is not None and state.filled >= state.amount and state.filled > 0
    if state.status == "open" and state.filled == 0:
        note = "; ".join(x for x in ("resting limit order, nothing filled yet", note) if x)
    elif state.status == "unknown" and state.filled == 0:
        note = "; ".join(x for x in ("accepted by the venue; fill not reported yet (use lookup)", note) if x)
    price = state.average or (state.price if state.filled > 0 else None)
    notional = state.filled * price if price is not None else Decimal(0)
    return Fill(
        client_id=client_id,
        venue=venue,
        kind=kind,
        status=FillStatus.FILLED if complete else FillStatus.PARTIAL,
        asset_in=spec.settle,
        amount_in=notional,
        asset_out=spec.base,
        amount_out=state.filled,
        price=price,
        fee=state.fee,
        fee_asset=state.fee_asset or spec.settle,
        order_id=state.order_id,
        note=note,
        at=state.at or utc_now(),
    )
