"""Risk limits, from settings or a policy file. USD figures are Decimal."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

DEFAULT_ASSETS = ("ETH", "WETH", "USDC", "USDT", "DAI", "WBTC", "BTC", "SOL")
STABLECOINS = frozenset({"USDC", "USDT", "DAI", "USD"})


class RiskPolicy(BaseModel):
    """Every limit the gate enforces. `None` on an allowlist means "any"."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_notional_per_action_usd: Decimal = Decimal(25_000)
    max_notional_per_day_usd: Decimal = Decimal(100_000)
    max_leverage: Decimal = Decimal(10)
    max_slippage_bps: int = Field(default=100, ge=0, le=5000)
    max_position_usd_per_market: Decimal = Decimal(50_000)
    daily_loss_limit_usd: Decimal = Decimal(5_000)
    min_health_factor: Decimal = Decimal("1.5")
    assumed_liquidation_threshold: Decimal = Field(
        default=Decimal("0.8"), description="used to estimate HF when the venue reports none"
    )
    allowed_assets: tuple[str, ...] | None = DEFAULT_ASSETS
    allowed_venues: tuple[str, ...] | None = None
    allowed_contracts: tuple[str, ...] | None = Field(
        default=None, description="allowed transfer recipients / contract addresses (checksummed)"
    )
    approval_threshold_usd: Decimal = Decimal(10_000)
    approval_timeout_s: float = Field(default=300, gt=0)
    resize_to_limits: bool = Field(default=True, description="shrink an oversize action instead of rejecting")
