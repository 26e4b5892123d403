"""ccxt unified structures -> our Decimal values. Pure functions, no I/O."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from connectors.domain import Position, Side
from connectors.perps.models import (
    BookLevel,
    FundingPayment,
    FundingRate,
    FundingRecord,
    OrderBook,
    OrderState,
    Ticker,
)
from connectors.perps.sizing import MarketSpec, to_decimal

_STATUSES = {"open", "closed", "canceled", "expired", "rejected"}


def ms_to_utc(ms: Any) -> datetime | None:
    value = to_decimal(ms)
    return None if value is None else datetime.fromtimestamp(float(value) / 1000, tz=UTC)


def ticker(raw: dict[str, Any]) -> Ticker:
    return Ticker(
        symbol=raw["symbol"],
        last=to_decimal(raw.get("last")),
        bid=to_decimal(raw.get("bid")),
        ask=to_decimal(raw.get("ask")),
        mark=to_decimal(raw.get("markPrice")),
        index=to_decimal(raw.get("indexPrice")),
        at=ms_to_utc(raw.get("timestamp")),
    )


def order_book(raw: dict[str, Any], spec: MarketSpec) -> OrderBook:
    def levels(rows: list[list[Any]]) -> tuple[BookLevel, ...]:
        return tuple(BookLevel(price=Decimal(str(r[0])), amount=Decimal(str(r[1]))) for r in rows)

    return OrderBook(
        symbol=spec.symbol,
        bids=levels(raw.get("bids") or []),
        asks=levels(raw.get("asks") or []),
        contract_size=spec.contract_size,
        at=ms_to_utc(raw.get("timestamp")),
    )


def funding_rate(raw: dict[str, Any]) -> FundingRate:
    interval = raw.get("interval")
    hours = (
        to_decimal(str(interval).removesuffix("h"))
        if isinstance(interval, str) and interval.endswith("h")
        else None
    )
    return FundingRate(
        symbol=raw["symbol"],
        rate=to_decimal(raw.get("fundingRate")) or Decimal(0),
        interval_hours=hours,
        next_funding=ms_to_utc(raw.get("fundingTimestamp") or raw.get("nextFundingTimestamp")),
        mark=to_decimal(raw.get("markPrice")),
    )


def funding_records(rows: list[dict[str, Any]]) -> list[FundingRecord]:
    out = []
    for r in rows:
        at = ms_to_utc(r.get("timestamp"))
        rate = to_decimal(r.get("fundingRate"))
        if at is not None and rate is not None:
            out.append(FundingRecord(symbol=r["symbol"], rate=rate, at=at))
    return sorted(out, key=lambda rec: rec.at)


def funding_payments(rows: list[dict[str, Any]]) -> list[FundingPayment]:
    out = []
    for r in rows:
        at = ms_to_utc(r.get("timestamp"))
        amount = to_decimal(r.get("amount"))
        if at is not None and amount is not None:
            out.append(
                FundingPayment(symbol=r.get("symbol") or "", amount=amount, asset=r.get("code") or "", at=at)
            )
    return sorted(out, key=lambda p: p.at)


def balances(raw: dict[str, Any]) -> dict[str, Decimal]:
    """Total balance per asset (upper-cased), zero balances dropped."""
    totals = raw.get("total") or {}
    out = {}
    for asset, value in totals.items():
        amount = to_decimal(value)
        if amount:
            out[str(asset).upper()] = amount
    return out


def position(raw: dict[str, Any], spec: MarketSpec | None, venue: str) -> Position | None:
    """A ccxt position as our Position (size in base units), or None when flat."""
    contracts = to_decimal(raw.get("contracts"))
    if not contracts:
        return None
    contract_size = to_decimal(raw.get("contractSize")) or (spec.contract_size if spec else Decimal(1))
    side_raw = raw.get("side")
    if side_raw not in ("long", "short"):
        side_raw = "long" if contracts > 0 else "short"
    mode = raw.get("marginMode")
    return Position(
        market=str(raw["symbol"]).upper(),
        side=Side(side_raw),
        size=abs(contracts) * contract_size,
        entry_price=to_decimal(raw.get("entryPrice")) or Decimal(0),
        leverage=to_decimal(raw.get("leverage")) or Decimal(1),
        margin=to_decimal(raw.get("initialMargin") or raw.get("collateral")) or Decimal(0),
        margin_mode=mode if mode in ("isolated", "cross") else "cross",
        mark_price=to_decimal(raw.get("markPrice")),
        liquidation_price=to_decimal(raw.get("liquidationPrice")),
        unrealized_pnl=to_decimal(raw.get("unrealizedPnl")) or Decimal(0),
        stop_loss=to_decimal(raw.get("stopLossPrice")),
        take_profit=to_decimal(raw.get("takeProfitPrice")),
        venue=venue,
    )


def order_state(raw: dict[str, Any], spec: MarketSpec | None, venue: str) -> OrderState:
    """A ccxt order; contract amounts are converted to base units with the market's contract size."""
    size = spec.contract_size if spec else Decimal(1)
    amount = to_decimal(raw.get("amount"))
    filled = to_decimal(raw.get("filled")) or Decimal(0)
    status = raw.get("status")
    fee = raw.get("fee") or {}
    side = raw.get("side")
    return OrderState(
        venue=venue,
        symbol=raw.get("symbol") or (spec.symbol if spec else ""),
        order_id=None if raw.get("id") is None else str(raw["id"]),
        client_order_id=raw.get("clientOrderId"),
        side=side if side in ("buy", "sell") else None,
        type=raw.get("type"),
        status=status if status in _STATUSES else "unknown",
        amount=None if amount is None else amount * size,
        filled=filled * size,
        average=to_decimal(raw.get("average")),
        price=to_decimal(raw.get("price")),
        trigger_price=to_decimal(raw.get("triggerPrice")),
        reduce_only=raw.get("reduceOnly"),
        fee=to_decimal(fee.get("cost")) or Decimal(0),
        fee_asset=fee.get("currency") or "",
        at=ms_to_utc(raw.get("timestamp")),
    )
