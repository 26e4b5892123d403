"""Quotes, cancels, lookups, limit/TP legs and refusals, per venue, through the real ccxt classes."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from connectors.domain import ClosePosition, OpenPosition, Side, Swap
from connectors.errors import RejectedError, UnknownOutcome
from connectors.perps import venue_client_order_id
from connectors.protocol import Connector
from tests.connectors.perps.perps_support import VENUES

CID = "dfa-feedfacecafebeef00112233"
LIMIT = {
    "hyperliquid": Decimal(67000),
    "binanceusdm": Decimal(67000),
    "bybit": Decimal(51000),
    "okx": Decimal(43000),
}
REF = {
    "hyperliquid": Decimal("67693.9"),
    "binanceusdm": Decimal("67501.1"),
    "bybit": Decimal("51444.4"),
    "okx": Decimal("43466.35"),
}


def btc(_venue: str, **kw: object) -> OpenPosition:
    kw.setdefault("margin_mode", "cross")
    kw.setdefault("side", Side.LONG)
    return OpenPosition(market="BTC", size=Decimal("0.01"), leverage=Decimal(3), **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize("venue", VENUES)
async def test_quote_walks_the_book_and_adds_taker_fee(make_venue, venue):
    v = make_venue(venue)
    quote = await v.connector.quote(btc(venue))
    book = await v.connector.order_book("BTC")
    spec = await v.connector.market("BTC")
    assert quote.amount_out == Decimal("0.01") and quote.asset_out == "BTC" and quote.asset_in == spec.settle
    assert book.asks[0].price <= (quote.amount_in - quote.fee) / quote.amount_out <= book.asks[-1].price
    assert quote.fee == (quote.amount_in - quote.fee) * spec.taker_fee
    assert quote.price == quote.amount_in / quote.amount_out
    short = await v.connector.quote(btc(venue, side=Side.SHORT))
    assert book.bids[-1].price <= (short.amount_in + short.fee) / short.amount_out <= book.bids[0].price
    assert short.price < (short.amount_in + short.fee) / short.amount_out  # the fee lowers what a seller gets
    assert v.creates() == []


@pytest.mark.parametrize("venue", VENUES)
async def test_cancel_by_client_id_sends_the_venue_client_id(make_venue, venue):
    v = make_venue(venue)
    await v.connector.cancel_order("BTC", client_id=CID)
    coid = venue_client_order_id(v.connector.profile, CID)
    cancels = [
        r
        for r in v.transport.requests
        if r.method in ("POST", "DELETE") and "cancel" in (r.path + json.dumps(r.params)).lower()
    ]
    cancels += v.transport.sent("DELETE", "/fapi/v1/order")
    assert cancels and coid in json.dumps(cancels[-1].params)


@pytest.mark.parametrize("venue", VENUES)
async def test_order_status_none_when_missing_and_state_when_found(make_venue, venue):
    v = make_venue(venue)
    assert await v.connector.order_status("BTC", client_id=CID) is None
    v.queue(v.extra_route("order_found_filled"))
    state = await v.connector.order_status("BTC", client_id=CID)
    assert state is not None and state.status == "closed" and state.filled == Decimal("0.01")
    assert state.client_order_id == venue_client_order_id(v.connector.profile, CID)


@pytest.mark.parametrize("venue", VENUES)
async def test_limit_order_sends_its_price_and_take_profit_leg(make_venue, venue):
    v = make_venue(venue)
    limit, tp = LIMIT[venue], LIMIT[venue] + 5000
    await v.connector.execute(
        btc(venue, order_type="limit", limit_price=limit, take_profit=tp), client_id=CID
    )
    sent = json.dumps([r.params for r in v.transport.requests if r.method in ("POST", "DELETE")])
    assert f'"{limit}' in sent and f'"{tp}' in sent
    assert venue_client_order_id(v.connector.profile, CID, "tp") in sent


@pytest.mark.parametrize("venue", VENUES)
async def test_protection_on_the_wrong_side_is_refused_before_sending(make_venue, venue):
    v = make_venue(venue)
    with pytest.raises(RejectedError, match=r"stop-loss .* wrong side"):
        await v.connector.execute(btc(venue, stop_loss=REF[venue] + 1000), client_id=CID)
    assert v.creates() == []


@pytest.mark.parametrize("venue", VENUES)
async def test_a_reversing_order_is_refused_before_anything_is_sent(make_venue, venue):
    """One order of held + size flips only in one-way mode; in hedge mode it would open a second side."""
    v = make_venue(venue)
    with pytest.raises(RejectedError, match="reversing in one order is not supported"):
        await v.connector.execute(btc(venue, side=Side.SHORT, reverse=True), client_id=CID)
    assert v.creates() == []


async def test_adding_with_a_different_margin_mode_is_refused(make_venue):
    v = make_venue("binanceusdm")  # the recorded account holds a cross-margin BTC long
    with pytest.raises(RejectedError, match="already has a cross-margin long position"):
        await v.connector.execute(btc("binanceusdm", margin_mode="isolated"), client_id=CID)
    assert v.creates() == [] and v.transport.sent("POST", "/fapi/v1/marginType") == []


@pytest.mark.parametrize("venue", VENUES)
async def test_protocol_lookup(make_venue, venue):
    v = make_venue(venue)
    assert isinstance(v.connector, Connector)
    assert v.connector.supports(btc(venue)) and v.connector.supports(ClosePosition(market="BTC"))
    assert not v.connector.supports(Swap(sell="USDC", buy="ETH", amount=Decimal(1)))
    assert not v.connector.supports(btc(venue, venue="elsewhere"))
    with pytest.raises(UnknownOutcome, match="market"):
        await v.connector.lookup(CID)
    assert await v.connector.lookup(CID, market="BTC") is None
    fill = await v.connector.execute(btc(venue), client_id=CID)
    assert await v.connector.lookup(CID) == fill


@pytest.mark.parametrize(
    ("venue", "market", "first"),
    [
        ("hyperliquid", "BTC", "-0.0512"),
        ("binanceusdm", "BTC", "-0.050978"),
        ("okx", "BTC", "-0.02193382"),
        ("bybit", "LTC", None),
    ],
)
async def test_funding_payments(make_venue, venue, market, first):
    """Hyperliquid, Binance and OKX replies are authored; Bybit's are recorded executions."""
    v = make_venue(venue)
    payments = await v.connector.funding_payments(market)
    spec = await v.connector.market(market)
    assert payments and all(p.asset == spec.settle and p.symbol == spec.symbol for p in payments)
    assert [p.at for p in payments] == sorted(p.at for p in payments)
    if first is not None:
        assert payments[0].amount == Decimal(first)


SETTINGS = {  # venue -> (method, path, params the venue must receive) for 3x isolated on ETH
    "hyperliquid": (
        "POST",
        "/exchange",
        {"action": {"type": "updateLeverage", "asset": 1, "isCross": False, "leverage": 3}},
    ),
    "binanceusdm": ("POST", "/fapi/v1/leverage", {"symbol": "ETHUSDT", "leverage": "3"}),
    "bybit": (
        "POST",
        "/v5/position/set-leverage",
        {"symbol": "ETHUSDT", "buyLeverage": "3", "sellLeverage": "3"},
    ),
    "okx": (
        "POST",
        "/api/v5/account/set-leverage",
        {"instId": "ETH-USDT-SWAP", "lever": 3, "mgnMode": "isolated"},
    ),
}
MARGIN = {
    "binanceusdm": ("POST", "/fapi/v1/marginType", {"symbol": "ETHUSDT", "marginType": "ISOLATED"}),
    "bybit": ("POST", "/v5/account/set-margin-mode", {"setMarginMode": "ISOLATED_MARGIN"}),
}


@pytest.mark.parametrize("venue", VENUES)
async def test_leverage_and_margin_mode_requests(make_venue, venue):
    v = make_venue(venue)
    await v.connector.set_margin_mode("ETH", "isolated", leverage=Decimal(3))
    await v.connector.set_leverage("ETH", Decimal(3), margin_mode="isolated")
    method, path, expected = SETTINGS[venue]
    assert v.transport.sent(method, path, expected), v.transport.sent(method, path)
    if venue in MARGIN:
        method, path, expected = MARGIN[venue]
        assert v.transport.sent(method, path, expected)
    with pytest.raises(RejectedError, match="whole number"):
        await v.connector.set_leverage("ETH", Decimal("2.5"))


async def test_hyperliquid_open_signs_one_leverage_action_with_the_margin_mode(make_venue):
    v = make_venue("hyperliquid")
    await v.connector.execute(btc("hyperliquid", margin_mode="isolated"), client_id=CID)
    updates = v.transport.sent("POST", "/exchange", {"action": {"type": "updateLeverage"}})
    assert [u.params["action"] for u in updates] == [
        {"type": "updateLeverage", "asset": 0, "isCross": False, "leverage": 3}
    ]
