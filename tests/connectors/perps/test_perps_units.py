"""Sizing, client ids, credentials and error translation: pure pieces of the perps connector."""

from __future__ import annotations

import json
from decimal import Decimal

import ccxt.async_support as ccxt_async
import pytest

from connectors.domain import SizeUnit
from connectors.errors import ConfigError, InsufficientFunds, RejectedError, TransientError
from connectors.perps import (
    PROFILES,
    MarketSpec,
    OrderSize,
    VenueCredentials,
    profile_for,
    size_order,
    venue_client_order_id,
)
from connectors.perps.edge import redact, translate
from connectors.perps.exchange import build_exchange


def spec(**overrides: object) -> MarketSpec:
    values: dict[str, object] = dict(
        venue="binanceusdm",
        symbol="BTC/USDT:USDT",
        base="BTC",
        quote="USDT",
        settle="USDT",
        contract_size=Decimal(1),
        amount_step=Decimal("0.001"),
        price_step=Decimal("0.1"),
        min_amount=Decimal("0.001"),
        min_cost=Decimal(5),
        max_leverage=Decimal(125),
        linear=True,
        active=True,
        taker_fee=Decimal("0.0004"),
    )
    values.update(overrides)
    return MarketSpec(**values)  # type: ignore[arg-type]


def test_size_below_minimum_names_both_units():
    with pytest.raises(RejectedError) as info:
        size_order(spec(amount_step=Decimal("0.00001")), OrderSize.base("0.00001"), Decimal(95000))
    assert "0.00001 BTC ($0.95) is below binanceusdm's minimum of 0.001 BTC ($95.00)" in str(info.value)


def test_size_rounding_to_zero_is_refused():
    with pytest.raises(RejectedError, match=r"0\.0004 BTC \(\$38\.00\) rounds to zero .* 0\.001 BTC"):
        size_order(spec(), OrderSize.base("0.0004"), Decimal(95000))


def test_size_below_min_notional_names_usd_and_base():
    with pytest.raises(
        RejectedError, match=r"below binanceusdm's minimum order value of \$5\.00 \(0\.005 BTC\)"
    ):
        size_order(
            spec(min_amount=None, amount_step=Decimal("0.0001")), OrderSize.base("0.004"), Decimal(1000)
        )


def test_usd_size_converts_through_price_and_contract_size():
    okx = spec(
        venue="okx",
        contract_size=Decimal("0.01"),
        amount_step=Decimal("0.1"),
        min_amount=Decimal("0.1"),
        min_cost=None,
    )
    sized = size_order(okx, OrderSize.usd("1000"), Decimal(40000))  # 0.025 BTC = 2.5 contracts
    assert (sized.contracts, sized.base, sized.notional) == (
        Decimal("2.5"),
        Decimal("0.025"),
        Decimal("1000.0"),
    )
    assert sized.describe() == "2.5 contracts = 0.025 BTC ($1,000.00)"
    contracts = size_order(okx, OrderSize.contracts("3.07"), Decimal(40000))
    assert contracts.contracts == Decimal("3.0") and contracts.base == Decimal("0.030")


def test_order_size_refuses_floats_and_bare_numbers():
    with pytest.raises(TypeError):
        OrderSize(0.1, SizeUnit.BASE)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="OrderSize"):
        size_order(spec(), Decimal("0.1"), Decimal(1))  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        OrderSize.usd("-5")


def test_inverse_markets_are_refused():
    with pytest.raises(RejectedError, match="inverse"):
        size_order(spec(linear=False), OrderSize.base("1"), Decimal(1))


@pytest.mark.parametrize("venue", sorted(PROFILES))
@pytest.mark.parametrize("client_id", ["dfa-0123456789abcdef01234567", "x" * 80, "run:7/äöü"])
def test_client_order_ids_fit_each_venue_and_are_stable(venue, client_id):
    profile = PROFILES[venue]
    ids = {leg: venue_client_order_id(profile, client_id, leg) for leg in ("entry", "sl", "tp")}
    assert all(profile.client_id.accepts(i) for i in ids.values()), ids
    assert len(set(ids.values())) == 3
    assert ids["entry"] == venue_client_order_id(profile, client_id)


def test_hyperliquid_cloid_is_128_bit_hex_and_okx_is_alphanumeric():
    assert len(venue_client_order_id(PROFILES["hyperliquid"], "dfa-1")) == 34
    assert venue_client_order_id(PROFILES["okx"], "dfa-1").isalnum()
    assert venue_client_order_id(PROFILES["bybit"], "dfa-1") == "dfa-1"


def test_unknown_venue_is_a_config_error_but_other_ccxt_venues_work():
    with pytest.raises(ConfigError, match="not a ccxt exchange"):
        profile_for("nosuchvenue")
    assert profile_for("gate").id == "gate"


def test_credentials_from_env_never_show_secrets():
    env = {
        "DEFAI_PERPS__OKX__API_KEY": "k-123456",
        "DEFAI_PERPS__OKX__SECRET": "s-abcdef",
        "DEFAI_PERPS__OKX__PASSWORD": "p-xyz123",
    }
    creds = VenueCredentials.from_env("okx", env)
    text = repr(creds) + str(creds) + json.dumps(creds.model_dump(mode="json"))
    assert not any(secret in text for secret in env.values())
    assert creds.ccxt_config() == {"apiKey": "k-123456", "secret": "s-abcdef", "password": "p-xyz123"}
    with pytest.raises(ConfigError, match="DEFAI_PERPS__HYPERLIQUID__PRIVATE_KEY"):
        VenueCredentials.from_env("hyperliquid", {}).require(PROFILES["hyperliquid"].credentials)


def test_keystore_credentials_decrypt(tmp_path):
    from eth_account import Account

    key = "0x" + "11" * 32
    path = tmp_path / "agent.json"
    path.write_text(json.dumps(Account.encrypt(key, "pw", iterations=2)))
    env = {
        "DEFAI_PERPS__HYPERLIQUID__KEYSTORE": str(path),
        "DEFAI_PERPS__HYPERLIQUID__KEYSTORE_PASSWORD": "pw",
    }
    assert VenueCredentials.from_env("hyperliquid", env).ccxt_config()["privateKey"] == key
    env["DEFAI_PERPS__HYPERLIQUID__KEYSTORE_PASSWORD"] = "wrong"
    with pytest.raises(ConfigError, match="cannot decrypt"):
        VenueCredentials.from_env("hyperliquid", env)


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (ccxt_async.RequestTimeout("t"), TransientError),
        (ccxt_async.RateLimitExceeded("429"), TransientError),
        (ccxt_async.DDoSProtection("ddos"), TransientError),
        (ccxt_async.ExchangeNotAvailable("down"), TransientError),
        (ccxt_async.NetworkError("net"), TransientError),
        (ccxt_async.InsufficientFunds("margin"), InsufficientFunds),
        (ccxt_async.InvalidOrder("bad"), RejectedError),
        (ccxt_async.BadRequest("bad"), RejectedError),
        (ccxt_async.AuthenticationError("key"), RejectedError),
    ],
)
def test_ccxt_errors_translate_by_what_the_caller_does_next(exc, expected):
    error = translate("okx", exc, "placing order")
    assert type(error) is expected and error.venue == "okx"


def test_redaction_drops_signed_queries_keys_and_secrets():
    text = redact(
        "GET https://x/fapi?signature=abc&timestamp=1 key 0x" + "ab" * 32 + " mysecret1", ["mysecret1"]
    )
    assert "signature" not in text and "ab" * 32 not in text and "mysecret1" not in text


async def test_built_exchanges_keep_ccxt_rate_limiter_on():
    for venue in PROFILES:
        exchange = build_exchange(PROFILES[venue])
        try:
            assert exchange.enableRateLimit is True
        finally:
            await exchange.close()


async def test_trading_without_credentials_names_the_variables_before_any_request():
    from connectors.domain import OpenPosition, Side
    from connectors.perps import PerpsConnector

    connector = PerpsConnector.from_env("okx", environ={})
    try:
        action = OpenPosition(market="BTC", side=Side.LONG, size=Decimal("0.01"))
        with pytest.raises(ConfigError, match=r"DEFAI_PERPS__OKX__API_KEY.*DEFAI_PERPS__OKX__PASSWORD"):
            await connector.execute(action, client_id="dfa-1")
    finally:
        await connector.close()


def test_ccxt_debug_request_logs_never_reach_handlers(caplog):
    import logging

    build_exchange(PROFILES["binanceusdm"])  # installs the filter
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("ccxt.base.exchange").debug("GET /x, Request: {'X-MBX-APIKEY': 'k-123456'} None")
        logging.getLogger("ccxt.base.exchange").warning("kept")
    assert [r.getMessage() for r in caplog.records] == ["kept"]


def test_public_api_is_curated():
    import connectors.perps as perps

    assert sorted(perps.__all__) == sorted(
        [
            "PROFILES",
            "BookLevel",
            "FundingPayment",
            "FundingRate",
            "FundingRecord",
            "MarketSpec",
            "OrderBook",
            "OrderRequest",
            "OrderSize",
            "OrderState",
            "PerpsConnector",
            "RecordedRequest",
            "ReplayTransport",
            "RetryPolicy",
            "Route",
            "SizedOrder",
            "Ticker",
            "UnexpectedRequest",
            "VenueCredentials",
            "VenueProfile",
            "profile_for",
            "size_order",
            "venue_client_order_id",
        ]
    )
    assert all(hasattr(perps, name) for name in perps.__all__)
