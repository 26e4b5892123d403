"""Read tools: holdings across venues, prices, and what a venue would do for an action."""

from __future__ import annotations

from decimal import Decimal

from agent.risk.exposure import WRAPPED_NATIVE, usd_price
from agent.tools.context import ToolContext
from agent.tools.models import (
    Balance,
    NoInput,
    Portfolio,
    PositionInfo,
    Prices,
    PricesInput,
    QuoteInfo,
    QuoteInput,
    VenueHoldings,
)
from connectors.domain import Holdings, MarketView, Quote


def _venue_holdings(name: str, book: Holdings, view: MarketView) -> tuple[VenueHoldings, Decimal]:
    balances, total = [], Decimal(0)
    for asset, amount in sorted(book.balances.items()):
        price = usd_price(asset, view)
        value = None if price is None else (amount * price).quantize(Decimal("0.01"))
        total += value or Decimal(0)
        balances.append(Balance(asset=asset, amount=amount, value_usd=value))
    positions = []
    for p in book.positions:
        total += p.margin + p.unrealized_pnl
        positions.append(
            PositionInfo(
                market=p.market,
                side=p.side.value,
                size=p.size,
                entry_price=p.entry_price,
                mark_price=p.mark_price,
                leverage=p.leverage,
                unrealized_pnl_usd=p.unrealized_pnl,
                liquidation_price=p.liquidation_price,
            )
        )
    for asset, amount in book.supplied.items():
        total += amount * (usd_price(asset, view) or Decimal(0))
    for asset, amount in book.borrowed.items():
        total -= amount * (usd_price(asset, view) or Decimal(0))
    holdings = VenueHoldings(
        venue=name,
        balances=balances,
        positions=positions,
        supplied=dict(book.supplied),
        borrowed=dict(book.borrowed),
        health_factor=book.health_factor,
    )
    return holdings, total


async def snapshot_all(ctx: ToolContext) -> dict[str, Holdings]:
    return {name: await venue.snapshot() for name, venue in ctx.deps.venues.items()}


async def market_view(ctx: ToolContext, symbols: list[str]) -> MarketView:
    wanted = {s.upper() for s in symbols}
    wanted |= {WRAPPED_NATIVE[s] for s in wanted if s in WRAPPED_NATIVE}
    return await ctx.deps.market.market_view(sorted(wanted), 1)


async def get_portfolio(ctx: ToolContext, args: NoInput) -> Portfolio:
    """Balances, perp positions and lending on every venue, valued in USD."""
    books = await snapshot_all(ctx)
    symbols = {a for b in books.values() for a in (*b.balances, *b.supplied, *b.borrowed)}
    symbols |= {p.market for b in books.values() for p in b.positions}
    view = await market_view(ctx, sorted(symbols))
    venues, total = [], Decimal(0)
    for name, book in sorted(books.items()):
        holdings, value = _venue_holdings(name, book, view)
        venues.append(holdings)
        total += value
    return Portfolio(
        portfolio=ctx.deps.portfolio,
        mode="live" if ctx.settings.live else "paper",
        trading_state=ctx.deps.kill_switch.state.value,
        total_value_usd=total.quantize(Decimal("0.01")),
        venues=venues,
        at=view.at,
    )


async def get_prices(ctx: ToolContext, args: PricesInput) -> Prices:
    """Current USD prices; unknown symbols are listed in `missing` rather than failing the call."""
    symbols = [s.upper() for s in args.symbols]
    if not symbols:
        books = await snapshot_all(ctx)
        symbols = sorted({a for b in books.values() for a in b.balances})
    view = await market_view(ctx, symbols)
    prices = {s: p for s in symbols if (p := usd_price(s, view)) is not None}
    return Prices(prices_usd=prices, missing=[s for s in symbols if s not in prices], at=view.at)


def quote_info(q: Quote) -> QuoteInfo:
    return QuoteInfo(
        venue=q.venue,
        asset_in=q.asset_in,
        amount_in=q.amount_in,
        asset_out=q.asset_out,
        amount_out=q.amount_out,
        price=q.price,
        fee=q.fee,
        fee_asset=q.fee_asset,
        price_impact_bps=q.price_impact_bps,
        route=q.route,
    )


async def quote(ctx: ToolContext, args: QuoteInput) -> QuoteInfo:
    """What the venue would give for the action now. Nothing is executed."""
    return quote_info(await ctx.deps.venue_for(args.action).quote(args.action))
