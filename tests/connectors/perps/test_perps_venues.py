"""Each named venue, end to end through the real ccxt class and recorded replies."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest

from connectors.domain import ClosePosition, FillStatus, OpenPosition, Side, SizeUnit
from connectors.errors import InsufficientFunds, RejectedError, TransientError, UnknownOutcome
from connectors.perps import venue_client_order_id
from tests.connectors.perps.perps_support import API_KEY, API_PASSWORD, API_SECRET, HL_KEY, VENUES

CID = "dfa-0123456789abcdef01234567"

MARKET = {  # venue -> (symbol, contract size, amount step, min amount, min cost)
    "hyperliquid": ("BTC/USDC:USDC", "1", "0.00001", None, "10"),
    "binanceusdm": ("BTC/USDT:USDT", "1", "0.001", "0.001", "5"),
    "bybit": ("BTC/USDT:USDT", "1", "0.001", "0.001", "5"),
    "okx": ("BTC/USDT:USDT", "0.01", "0.1", "0.1", None),
}
POSITION = {  # venue -> (market, side, base size, entry, margin mode) of the recorded open position
    "hyperliquid": ("SOL/USDC:USDC", Side.LONG, "3.34", "112.0945", "cross"),
    "binanceusdm": ("BTC/USDT:USDT", Side.LONG, "0.009", "67445.9", "cross"),
    "bybit": ("LTC/USDT:USDT", Side.LONG, "1.2", "64.59947917", "cross"),
    "okx": ("LTC/USDT:USDT", Side.LONG, "1", "68.24", "cross"),
}
BALANCE = {
    "hyperliquid": ("USDC", "19762.483455"),
    "binanceusdm": ("USDT", "31.022612"),
    "bybit": ("USDT", "3322.25896609"),
    "okx": ("USDC", "2973.521"),
}
STOP = {"hyperliquid": "60000", "binanceusdm": "60000", "bybit": "45000", "okx": "40000"}


def order_fields(venue: str, params: dict[str, Any]) -> dict[str, Any]:
    """Client id, amount, reduce-only flag and trigger price from the request ccxt sent."""
    if venue == "hyperliquid":
        o = params["action"]["orders"][0]
        trigger = o["t"].get("trigger", {}).get("triggerPx")
        return {"cid": o["c"], "amount": o["s"], "reduce_only": o["r"], "trigger": trigger}
    if venue == "binanceusdm":
        cid = params.get("newClientOrderId") or params.get("clientAlgoId")
        return {
            "cid": cid,
            "amount": params["quantity"],
            "reduce_only": params.get("reduceOnly") == "true",
            "trigger": params.get("triggerPrice"),
        }
    if venue == "bybit":
        return {
            "cid": params["orderLinkId"],
            "amount": params["qty"],
            "reduce_only": params.get("reduceOnly") is True,
            "trigger": params.get("triggerPrice"),
        }
    o = params["__list__"][0] if "__list__" in params else params
    return {
        "cid": o["clOrdId"],
        "amount": o["sz"],
        "reduce_only": o.get("reduceOnly") is True,
        "trigger": o.get("slTriggerPx"),
    }


def open_btc(venue: str, **kw: Any) -> OpenPosition:
    """0.01 BTC long at 3x, cross margin (Binance's recorded account already holds a cross BTC long)."""
    kw.setdefault("margin_mode", "cross")
    return OpenPosition(market="BTC", side=Side.LONG, size=Decimal("0.01"), leverage=Decimal(3), **kw)


@pytest.mark.parametrize("venue", VENUES)
async def test_markets_carry_contract_size_and_minimums(make_venue, venue):
    v = make_venue(venue)
    symbol, size, step, min_amount, min_cost = MARKET[venue]
    spec = await v.connector.market("BTC")
    assert spec.symbol == symbol
    assert spec.contract_size == Decimal(size)
    assert spec.amount_step == Decimal(step)
    assert spec.min_amount == (None if min_amount is None else Decimal(min_amount))
    assert spec.min_cost == (None if min_cost is None else Decimal(min_cost))
    assert all(s.symbol.endswith(":" + v.connector.profile.settle) for s in await v.connector.markets())


@pytest.mark.parametrize("venue", VENUES)
async def test_balance_and_positions_parse_to_decimal_base_units(make_venue, venue):
    v = make_venue(venue)
    asset, amount = BALANCE[venue]
    holdings = await v.connector.snapshot()
    assert holdings.balance(asset) == Decimal(amount)
    market, side, size, entry, mode = POSITION[venue]
    position = holdings.position(market)
    assert position is not None, holdings.positions
    assert (position.side, position.size, position.entry_price, position.margin_mode) == (
        side,
        Decimal(size),
        Decimal(entry),
        mode,
    )
    assert position.venue == venue


@pytest.mark.parametrize("venue", VENUES)
async def test_funding_rate_and_history(make_venue, venue):
    v = make_venue(venue)
    history = await v.connector.funding_rate_history("BTC")
    assert len(history) >= 2
    assert [r.at for r in history] == sorted(r.at for r in history)
    assert all(isinstance(r.rate, Decimal) and abs(r.rate) < Decimal("0.01") for r in history)
    current = await v.connector.funding_rate("BTC")
    assert current.symbol == MARKET[venue][0] and isinstance(current.rate, Decimal)


@pytest.mark.parametrize("venue", VENUES)
async def test_open_sends_sized_order_with_client_id_and_reduce_only_stop(make_venue, venue):
    v = make_venue(venue)
    fill = await v.connector.execute(open_btc(venue, stop_loss=Decimal(STOP[venue])), client_id=CID)
    profile = v.connector.profile
    entry_id = venue_client_order_id(profile, CID, "entry")
    stop_id = venue_client_order_id(profile, CID, "sl")
    assert profile.client_id.accepts(entry_id) and profile.client_id.accepts(stop_id)
    if venue == "hyperliquid":
        assert re.fullmatch(r"0x[0-9a-f]{32}", entry_id)
    writes = [order_fields(venue, r.params) for r in v.creates()]
    if venue in ("binanceusdm", "okx"):
        writes += [order_fields(venue, r.params) for r in v.transport.sent(*v.endpoints.trigger_create)]
    contracts = "1" if venue == "okx" else "0.01"  # OKX BTC contracts are 0.01 BTC each
    entry = next(w for w in writes if w["cid"] == entry_id)
    assert (entry["amount"], entry["reduce_only"], entry["trigger"]) == (contracts, False, None)
    stop = next(w for w in writes if w["cid"] == stop_id)
    assert stop["reduce_only"] is True and Decimal(stop["trigger"]) == Decimal(STOP[venue])
    assert Decimal(stop["amount"]) == Decimal(contracts)
    assert len(writes) == 2
    assert fill.client_id == CID and fill.kind == "open_position"


@pytest.mark.parametrize("venue", VENUES)
async def test_close_is_reduce_only_on_the_opposite_side(make_venue, venue):
    v = make_venue(venue)
    market, _side, size, _entry, _mode = POSITION[venue]
    await v.connector.execute(ClosePosition(market=market, fraction=Decimal("0.5")), client_id=CID)
    [sent] = v.creates()
    fields = order_fields(venue, sent.params)
    spec = await v.connector.market(market)
    half = Decimal(size) / 2 / spec.contract_size
    expected = (half / spec.amount_step).to_integral_value(rounding="ROUND_DOWN") * spec.amount_step
    assert Decimal(fields["amount"]) == expected
    assert fields["reduce_only"] is True
    side = {
        "hyperliquid": sent.params.get("action", {}).get("orders", [{}])[0].get("b"),
        "binanceusdm": sent.params.get("side"),
        "bybit": sent.params.get("side"),
        "okx": sent.params.get("__list__", [{}])[0].get("side"),
    }[venue]
    assert side in (False, "SELL", "Sell", "sell")


@pytest.mark.parametrize("venue", VENUES)
async def test_close_refuses_a_side_mismatch(make_venue, venue):
    v = make_venue(venue)
    market = POSITION[venue][0]
    with pytest.raises(RejectedError, match="asked to close a short"):
        await v.connector.execute(ClosePosition(market=market, side=Side.SHORT), client_id=CID)
    assert v.creates() == []


@pytest.mark.parametrize("venue", VENUES)
async def test_insufficient_funds_is_rejected_without_retry(make_venue, venue):
    v = make_venue(venue)
    v.queue(v.extra_route("insufficient_margin"))
    with pytest.raises(InsufficientFunds) as info:
        await v.connector.execute(open_btc(venue), client_id=CID)
    assert isinstance(info.value.__cause__, Exception) and type(info.value.__cause__).__module__.startswith(
        "ccxt"
    )
    assert len(v.creates()) == 1 and v.sleeps == []
    assert API_SECRET_FREE(str(info.value))


@pytest.mark.parametrize("venue", VENUES)
async def test_timeout_then_lookup_finds_order_so_nothing_is_resent(make_venue, venue):
    v = make_venue(venue)
    v.queue(v.fault(v.endpoints.create))
    found = v.extra_route("order_found_filled")
    v.queue(v.missing_lookup(), found)  # before sending: not there; after the timeout: there
    fill = await v.connector.execute(open_btc(venue), client_id=CID)
    assert len(v.creates()) == 1  # the timed-out send only: no duplicate order
    assert len(v.lookups()) >= 2
    assert fill.status is FillStatus.FILLED and fill.amount_out > 0


@pytest.mark.parametrize("venue", VENUES)
async def test_timeout_then_lookup_empty_resends_with_the_same_client_id(make_venue, venue):
    v = make_venue(venue)
    v.queue(v.fault(v.endpoints.create))
    await v.connector.execute(open_btc(venue), client_id=CID)
    creates = v.creates()
    assert len(creates) == 2
    first, second = (order_fields(venue, r.params)["cid"] for r in creates)
    assert first == second == venue_client_order_id(v.connector.profile, CID)
    assert v.sleeps == [0.25]
    order = [(r.method, r.path) for r in v.transport.requests]
    timeout_at = order.index(v.endpoints.create)
    assert v.endpoints.lookup in order[timeout_at + 1 :]  # looked up before resending


@pytest.mark.parametrize("venue", VENUES)
async def test_lookup_failure_after_timeout_is_unknown_outcome(make_venue, venue):
    v = make_venue(venue)
    v.queue(v.missing_lookup(), v.fault(v.endpoints.create))
    for _ in range(3):
        v.queue(v.fault(v.endpoints.lookup, "unavailable"))
    v.transport.routes.insert(0, v.missing_lookup())  # the pre-send lookup still answers
    with pytest.raises(UnknownOutcome) as info:
        await v.connector.execute(open_btc(venue), client_id=CID)
    assert info.value.client_id == CID
    assert len(v.creates()) == 1


@pytest.mark.parametrize("venue", VENUES)
async def test_execute_is_idempotent_within_and_across_processes(make_venue, venue):
    v = make_venue(venue)
    first = await v.connector.execute(open_btc(venue), client_id=CID)
    again = await v.connector.execute(open_btc(venue), client_id=CID)
    assert again == first and len(v.creates()) == 1
    restarted = make_venue(venue)  # a new process: the venue already has the order
    restarted.queue(restarted.extra_route("order_found_filled"))
    fill = await restarted.connector.execute(open_btc(venue), client_id=CID)
    assert restarted.creates() == []
    assert fill.client_id == CID and fill.amount_out > 0


@pytest.mark.parametrize("venue", VENUES)
async def test_order_below_minimum_is_refused_before_any_request(make_venue, venue):
    v = make_venue(venue)
    tiny = OpenPosition(market="BTC", side=Side.LONG, size=Decimal("0.000001"), leverage=Decimal(2))
    with pytest.raises(RejectedError, match=r"0\.000001 BTC \(\$0\.\d\d\)"):
        await v.connector.execute(tiny, client_id=CID)
    usd = OpenPosition(
        market="BTC", side=Side.LONG, size=Decimal("1"), size_unit=SizeUnit.USD, leverage=Decimal(2)
    )
    with pytest.raises(RejectedError, match=r"BTC \(\$1\.00\)|BTC \(\$0\.\d\d\)"):
        await v.connector.execute(usd, client_id=CID)
    assert v.creates() == []


def API_SECRET_FREE(text: str) -> bool:
    return not any(s in text for s in (API_KEY, API_SECRET, API_PASSWORD, HL_KEY, HL_KEY[2:]))


async def test_rate_limit_is_transient_and_retried_with_backoff(make_venue):
    v = make_venue("binanceusdm")
    v.queue(v.extra_route("rate_limited"))
    ticker = await v.connector.ticker("BTC")
    assert ticker.last == Decimal("67501.10") and v.sleeps == [0.25]


async def test_persistent_rate_limit_surfaces_as_transient_error(make_venue):
    v = make_venue("binanceusdm")
    for _ in range(3):
        v.queue(v.extra_route("rate_limited"))
    with pytest.raises(TransientError, match="rate limited") as info:
        await v.connector.ticker("BTC")
    assert "ccxt" in type(info.value.__cause__).__module__
    assert v.sleeps == [0.25, 0.5]


async def test_resend_rejected_as_duplicate_resolves_to_the_first_order(make_venue):
    from connectors.perps import Route

    v = make_venue("binanceusdm")
    duplicate = Route(
        "POST", "/fapi/v1/order", {"code": -4116, "msg": "ClientOrderId is duplicated."}, 400, once=True
    )
    v.queue(
        v.missing_lookup(),
        v.fault(v.endpoints.create),
        v.missing_lookup(),
        duplicate,
        v.extra_route("order_found_filled"),
    )
    fill = await v.connector.execute(open_btc("binanceusdm"), client_id=CID)
    assert len(v.creates()) == 2 and fill.status is FillStatus.FILLED and fill.amount_out == Decimal("0.01")


@pytest.mark.parametrize("venue", VENUES)
async def test_timeouts_until_attempts_run_out_are_an_unknown_outcome(make_venue, venue):
    v = make_venue(venue)
    v.queue(*(v.fault(v.endpoints.create) for _ in range(3)))
    with pytest.raises(UnknownOutcome) as info:
        await v.connector.execute(open_btc(venue), client_id=CID)
    assert info.value.reference == venue_client_order_id(v.connector.profile, CID)
    assert len(v.creates()) == 3 and len(v.lookups()) == 4  # one before sending, one after each timeout


async def test_unfilled_ioc_entry_is_rejected_and_places_no_stop(make_venue):
    from connectors.perps import Route

    v = make_venue("hyperliquid")
    canceled = {
        "status": "ok",
        "response": {
            "type": "order",
            "data": {
                "statuses": [
                    {"error": "Order could not immediately match against any resting orders. asset=0"}
                ]
            },
        },
    }
    v.queue(Route("POST", "/exchange", canceled, match={"action": {"type": "order"}}, once=True))
    with pytest.raises(RejectedError, match="could not immediately match"):
        await v.connector.execute(open_btc("hyperliquid", stop_loss=Decimal(60000)), client_id=CID)
    assert len(v.creates()) == 1  # the entry only: no protective order for a position that does not exist


async def test_entry_cancelled_with_nothing_filled_places_no_stop(make_venue):
    v = make_venue("bybit")
    cancelled = v.extra_route("order_found_filled")
    cancelled.body["result"]["list"][0].update(
        {"orderStatus": "Cancelled", "cumExecQty": "0", "cumExecValue": "0", "avgPrice": ""}
    )
    v.queue(v.missing_lookup(), cancelled)
    with pytest.raises(RejectedError, match="canceled with nothing filled"):
        await v.connector.execute(open_btc("bybit", stop_loss=Decimal(45000)), client_id=CID)
    assert len(v.creates()) == 1
