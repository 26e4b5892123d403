"""Fees, impact, margin and lending parameters of the simulated venue (frozen, typed, no extras)."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field, model_validator

from connectors.domain.assets import Frozen

BPS = Decimal(10_000)
SECONDS_PER_YEAR = Decimal(365 * 24 * 3600)


class LendingMarket(Frozen):
    """One lending asset. APYs are yearly growth (0.05 = 5%); thresholds are fractions of USD value."""

    supply_apy: Decimal = Field(default=Decimal(0), ge=0, le=10)
    borrow_apy: Decimal = Field(default=Decimal(0), ge=0, le=10)
    ltv: Decimal = Field(ge=0, lt=1, description="max debt per unit of collateral value")
    liquidation_threshold: Decimal = Field(ge=0, lt=1)
    liquidation_bonus: Decimal = Field(default=Decimal("0.05"), ge=0, le=Decimal("0.5"))
    borrowable: bool = True

    @model_validator(mode="after")
    def _ordered(self) -> LendingMarket:
        if self.ltv > self.liquidation_threshold:
            raise ValueError(
                f"ltv {self.ltv} must not exceed liquidation_threshold {self.liquidation_threshold}"
            )
        return self


def default_lending() -> dict[str, LendingMarket]:
    """Aave-v3-like parameters for the common assets (rates are round illustrative numbers)."""
    d = Decimal
    stable = LendingMarket(
        supply_apy=d("0.03"), borrow_apy=d("0.05"), ltv=d("0.75"), liquidation_threshold=d("0.78")
    )
    eth = LendingMarket(
        supply_apy=d("0.02"), borrow_apy=d("0.03"), ltv=d("0.80"), liquidation_threshold=d("0.825")
    )
    btc = LendingMarket(
        supply_apy=d("0.005"), borrow_apy=d("0.02"), ltv=d("0.70"), liquidation_threshold=d("0.75")
    )
    return {"USDC": stable, "USDT": stable, "DAI": stable, "ETH": eth, "WETH": eth, "BTC": btc, "WBTC": btc}


class PaperConfig(Frozen):
    """How the paper venue prices things. All `*_bps` are basis points (1 bp = 0.01%).

    Spot impact model: `impact_bps = 10_000 * notional_usd / spot_depth_usd` (a trade the size of the
    depth would move the price 100%; `spot_depth_usd=None` turns impact off), plus a fixed
    `spot_slippage_bps`; the taker fee is charged on top in the sold asset.
    """

    spot_fee_bps: Decimal = Field(default=Decimal(30), ge=0, le=1000)
    spot_slippage_bps: Decimal = Field(default=Decimal(5), ge=0, le=1000)
    spot_depth_usd: Decimal | None = Field(default=Decimal(10_000_000), gt=0, description="None: no impact")
    perp_taker_fee_bps: Decimal = Field(default=Decimal(5), ge=0, le=1000)
    perp_maker_fee_bps: Decimal = Field(default=Decimal(2), ge=-100, le=1000)
    perp_slippage_bps: Decimal = Field(default=Decimal(0), ge=0, le=1000)
    maintenance_margin_rate: Decimal = Field(default=Decimal("0.005"), gt=0, lt=1)
    maintenance_margin_rates: dict[str, Decimal] = Field(default_factory=dict)
    max_leverage: Decimal = Field(default=Decimal(100), gt=0, le=200)
    collateral_asset: str = "USDC"
    stablecoins: tuple[str, ...] = ("USDC", "USDT", "DAI", "USD", "USDC.E", "BUSD")
    aliases: dict[str, str] = Field(default_factory=lambda: {"WETH": "ETH", "WBTC": "BTC"})
    lending: dict[str, LendingMarket] = Field(default_factory=default_lending)
    lending_close_factor: Decimal = Field(default=Decimal("0.5"), gt=0, le=1)
    gas_usd: Decimal = Field(
        default=Decimal(0),
        ge=0,
        le=10_000,
        description="USD per on-chain action (swap, wrap, transfer, lending), paid in `collateral_asset`; "
        "perps pay none",
    )

    def mmr(self, market: str) -> Decimal:
        return self.maintenance_margin_rates.get(market.upper(), self.maintenance_margin_rate)
