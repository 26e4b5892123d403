"""Per-kind builders: tokens -> a validated intent, or a clarification naming what is missing."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import ValidationError

from agent.intents import features as ft
from agent.intents.lexicon import LENDING_PROTOCOLS
from agent.intents.mentions import (
    Mention,
    Qty,
    Role,
    assign_roles,
    find_mentions,
    floating_qtys,
    is_stable,
    opposite,
    primary_role,
)
from agent.intents.models import (
    BorrowIntent,
    ClarifyIntent,
    DcaIntent,
    Intent,
    RepayIntent,
    SupplyIntent,
    SwapIntent,
    UnwrapIntent,
    WithdrawIntent,
    WrapIntent,
)
from agent.intents.scan import Tok

_STABLE_WORDS = frozenset(
    {"usd", "dollars", "dollar", "cash", "stables", "stablecoins", "stablecoin", "fiat"}
)


def ask(question: str) -> ClarifyIntent:
    return ClarifyIntent(question=question)


def explain(err: ValidationError) -> str:
    """The first validation problem in words, naming the field when there is one."""
    first = err.errors()[0]
    msg = str(first.get("msg", "invalid request")).removeprefix("Value error, ")
    loc = ".".join(str(p) for p in first.get("loc", ()))
    return f"{loc.replace('_', ' ')}: {msg.lower()}" if loc else msg


def pct_string(fraction: Decimal) -> str:
    """0.25 -> '25%', 1/3 -> '33.33%'."""
    pct = (fraction * 100).quantize(Decimal("0.01")).normalize()
    return f"{pct:f}%"


def amount_value(qty: Qty) -> Decimal | str:
    """A Qty as an intent amount: a number, 'all', or '25%'."""
    if qty.kind == "all" or (qty.kind == "frac" and qty.value == 1):
        return "all"
    assert qty.value is not None
    return pct_string(qty.value) if qty.kind == "frac" else qty.value


def _single_floating(toks: list[Tok]) -> Qty | Literal["many"] | None:
    floats = floating_qtys(toks)
    if len(floats) > 1:
        return "many"
    if floats:
        toks[floats[0][0]].used = True
        return floats[0][1]
    return None


def _value_units_folded(mentions: list[Mention]) -> list[Mention]:
    """'1,500 USDC worth of WETH using DAI': with a third asset paying, USDC only states a dollar value."""
    if len({m.symbol for m in mentions}) < 3:
        return mentions
    out = list(mentions)
    for m in mentions:
        unit = mentions[m.link] if m.link is not None else None
        if (
            unit is not None
            and is_stable(unit.symbol)
            and unit.qty is not None
            and unit.qty.kind in ("num", "usd")
        ):
            m.qty, m.marker, m.link = Qty("usd", unit.qty.value), unit.marker, None
            out.remove(unit)
    return out


def trade_sides(
    toks: list[Tok], default_buy_single: bool = False
) -> tuple[dict[Role, Mention], ClarifyIntent | None]:
    """The sell and buy mentions of a trade-like request, or a question."""
    mentions = _value_units_folded(find_mentions(toks))
    symbols = list(dict.fromkeys(m.symbol for m in mentions))
    if len(mentions) >= 2 and len(symbols) == 1:
        return {}, ask(f"You named {symbols[0]} on both sides. What should I trade {symbols[0]} for?")
    if len(symbols) > 2:
        return {}, ask(f"I can trade one pair at a time; which two of {', '.join(symbols)} do you mean?")
    joined = [m.symbol for m in mentions if m.marker in ("and", "&", "plus", "or")]
    if joined:
        return {}, ask(f"One asset per order: which one do you mean, {' or '.join(symbols)}?")
    if len(mentions) > 2:
        merged: dict[str, Mention] = {}
        for m in mentions:
            if m.symbol not in merged or (m.qty and not merged[m.symbol].qty):
                merged[m.symbol] = m
        mentions = list(merged.values())
    primary = primary_role(toks)
    if default_buy_single and len(mentions) == 1 and mentions[0].marker not in ("with", "using", "from"):
        primary = primary or "buy"
    assign_roles(mentions, primary)
    sides: dict[Role, Mention] = {}
    for m in mentions:
        if m.role is None:
            return {}, ask(f"Which asset are you selling and which are you buying ({' / '.join(symbols)})?")
        if m.role in sides:
            names = f"{sides[m.role].symbol} and {m.symbol}"
            return {}, ask(f"Both {names} look like the {m.role} side; which one do you want to {m.role}?")
        sides[m.role] = m
    return sides, None


def trade_amount(
    toks: list[Tok], sides: dict[Role, Mention], primary: Role | None
) -> tuple[Qty, Role, bool] | ClarifyIntent | None:
    """(qty, side it counts, is_usd_value) for a swap-like request."""
    with_qty = [m for m in sides.values() if m.qty is not None]
    role: Role
    if len(with_qty) == 2:
        return ask("Give the amount for one side only: how much to sell, or how much to buy?")
    if with_qty:
        m = with_qty[0]
        assert m.qty is not None and m.role is not None
        qty, role = m.qty, m.role
    else:
        floating = _single_floating(toks)
        if floating == "many":
            return ask("I found several amounts; which one is the trade size?")
        if floating is None:
            return None
        qty = floating
        if qty.kind == "usd":
            role = next((r for r, m in sides.items() if is_stable(m.symbol)), primary or "sell")
        else:
            role = primary if primary is not None and primary in sides else "sell"
    if qty.kind != "usd":
        return qty, role, False
    mine = sides.get(role)
    other = sides.get(opposite(role))
    if mine is not None and is_stable(mine.symbol):
        return Qty("num", qty.value), role, False
    if other is not None and is_stable(other.symbol):
        return Qty("num", qty.value), opposite(role), False
    return qty, role, True


_PRICE_MARKS = frozenset({"at", "@", "limit", "price"})


def limit_price(toks: list[Tok]) -> Tok | None:
    """'sell 2 ETH for USDC at 4000': a bare price after 'at'/'@' asks for a limit order."""
    for i, tok in enumerate(toks):
        if (
            i
            and toks[i - 1].text in _PRICE_MARKS
            and tok.kind == "num"
            and not (tok.used or tok.pct or tok.bps or tok.lev or tok.dur)
            and not (i + 1 < len(toks) and toks[i + 1].kind == "asset")
        ):
            return tok
    return None


def build_swap(toks: list[Tok]) -> Intent:
    slip = ft.slippage_bps(toks)
    venue = ft.venue(toks)
    sides, problem = trade_sides(toks)
    if problem:
        return problem
    primary = primary_role(toks)
    sell, buy = sides.get("sell"), sides.get("buy")
    if sell is None and buy is None:
        return ask("Which asset do you want to swap, and into what?")
    if limit_price(toks) is not None:
        return ask("I only swap at the market price from a sentence: should I swap at market instead?")
    if buy is None:
        assert sell is not None
        if any(t.text in _STABLE_WORDS for t in toks):
            return ask(f"Which stablecoin should I sell {sell.symbol} for: USDC, USDT or DAI?")
        return ask(f"What should I swap your {sell.symbol} into?")
    if sell is None:
        return ask(f"Which asset should I pay with for the {buy.symbol}?")
    found = trade_amount(toks, sides, primary)
    if found is None:
        if {sell.symbol, buy.symbol} == {"ETH", "WETH"}:
            return ask(f"How much {sell.symbol} should I {'wrap' if sell.symbol == 'ETH' else 'unwrap'}?")
        return ask(f"How much {sell.symbol} should I swap for {buy.symbol}?")
    if isinstance(found, ClarifyIntent):
        return found
    qty, role, usd = found
    if qty.kind in ("all", "frac") and role == "buy":
        return ask(f"'{amount_value(qty)}' of {buy.symbol} is unclear: how much {sell.symbol} should I sell?")
    amount = amount_value(qty)
    pair = {sell.symbol, buy.symbol}
    if pair == {"ETH", "WETH"} and not usd:
        cls = WrapIntent if sell.symbol == "ETH" else UnwrapIntent
        return cls(amount=amount)
    try:
        return SwapIntent(
            sell=sell.symbol,
            buy=buy.symbol,
            amount=amount,
            amount_in=role,
            amount_unit="usd" if usd else "asset",
            venue=venue,
            max_slippage_bps=slip,
        )
    except ValidationError as err:
        return ask(f"I can't do that swap: {explain(err)}. What did you mean?")


def build_wrap(toks: list[Tok], unwrap: bool) -> Intent:
    mentions = find_mentions(toks)
    wanted = "WETH" if unwrap else "ETH"
    qty = next((m.qty for m in mentions if m.qty is not None), None)
    if qty is None:
        floating = _single_floating(toks)
        qty = floating if isinstance(floating, Qty) else None
    wrong = [m.symbol for m in mentions if m.symbol not in ("ETH", "WETH")]
    if wrong:
        return ask(
            f"I can only {'unwrap WETH' if unwrap else 'wrap ETH'}; did you mean a swap of {wrong[0]}?"
        )
    if qty is None or qty.kind == "usd":
        return ask(f"How much {wanted} should I {'unwrap' if unwrap else 'wrap'}?")
    amount = amount_value(qty)
    return UnwrapIntent(amount=amount) if unwrap else WrapIntent(amount=amount)


_LENDING = {"supply": SupplyIntent, "withdraw": WithdrawIntent, "borrow": BorrowIntent, "repay": RepayIntent}
_COLLATERAL_MARKS = frozenset({"against", "collateral", "as", "backed", "using", "with"})
_FULL_WORDS = frozenset(
    {"off", "full", "fully", "completely", "entirely", "entire", "whole", "close", "settle", "clear", "kill"}
)


def build_lending(toks: list[Tok], kind: str) -> Intent:
    assets = {t.asset for t in toks if t.kind == "asset"}
    for tok in toks:
        if tok.kind == "asset" and tok.venue in LENDING_PROTOCOLS and len(assets - {tok.asset}) > 0:
            tok.kind = "venue"  # "my aave loan" next to another asset names the protocol
    protocol = ft.venue(toks, LENDING_PROTOCOLS)
    other_venue = ft.venue(toks)
    mentions = [m for m in find_mentions(toks) if m.marker not in _COLLATERAL_MARKS or kind != "borrow"]
    symbols = list(dict.fromkeys(m.symbol for m in mentions))
    verb = kind
    if other_venue and other_venue not in LENDING_PROTOCOLS:
        return ask(
            f"{other_venue} is not a lending protocol I support; where should I {verb} (aave, compound …)?"
        )
    if not symbols:
        return ask(f"Which asset should I {verb}, and how much?")
    if len(symbols) > 1:
        return ask(f"Which asset should I {verb}: {' or '.join(symbols)}?")
    asset = symbols[0]
    qty = next((m.qty for m in mentions if m.qty is not None), None)
    if qty is None:
        floating = _single_floating(toks)
        if floating == "many":
            return ask(f"I found several amounts; how much {asset} should I {verb}?")
        qty = floating
    if qty is None and kind == "repay" and any(t.text in _FULL_WORDS for t in toks):
        qty = Qty("all")
    if qty is None:
        extra = " (a number or 'all')" if kind != "borrow" else ""
        return ask(f"How much {asset} should I {verb}{extra}?")
    if qty.kind == "usd" and not is_stable(asset):
        return ask(f"How much {asset} should I {verb}, in {asset} rather than dollars?")
    try:
        return _LENDING[kind](asset=asset, amount=amount_value(qty), protocol=protocol)
    except ValidationError as err:
        return ask(f"I can't {verb} that: {explain(err)}. How much {asset}?")


def build_dca(toks: list[Tok]) -> Intent:
    sched = ft.schedule(toks)
    venue = ft.venue(toks)
    ft.slippage_bps(toks)  # consumed so a slippage figure is never read as the order size
    sides, problem = trade_sides(toks, default_buy_single=True)
    if problem:
        return problem
    buy = sides.get("buy")
    if buy is None:
        sell = sides.get("sell")
        name = sell.symbol if sell else "it"
        return ask(f"What should each recurring order buy with {name}?")
    found = trade_amount(toks, sides, primary_role(toks) or "buy")
    if found is None:
        return ask(f"How much should each recurring {buy.symbol} order be?")
    if isinstance(found, ClarifyIntent):
        return found
    qty, role, usd = found
    sell = sides.get("sell")
    if sell is None:
        if not usd or buy.symbol == "USDC":
            return ask(f"Which asset should the recurring orders pay with for {buy.symbol}?")
        sell_symbol, role, usd = "USDC", "sell", False
    else:
        sell_symbol = sell.symbol
    if usd:
        return ask(f"How much {sell_symbol} per order (a token amount, not dollars)?")
    if qty.kind in ("all", "frac"):
        return ask("Recurring orders need a fixed amount per order: how much each time?")
    if sched.interval_min is None:
        return ask("How often should the orders run (hourly, daily, weekly …)?")
    count = sched.resolved_count()
    if count is None:
        return ask("How many orders, or for how long (e.g. '10 times' or 'for a month')?")
    assert qty.value is not None
    try:
        return DcaIntent(
            buy=buy.symbol,
            sell=sell_symbol,
            amount=qty.value,
            amount_in=role,
            interval=sched.interval or "",
            count=count,
            venue=venue,
        )
    except ValidationError as err:
        return ask(f"I can't schedule that: {explain(err)}. What did you mean?")
