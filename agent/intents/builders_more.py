"""Builders for perps (open/close), transfers, income goals and rebalancing."""

from __future__ import annotations

import re
from decimal import Decimal

from pydantic import ValidationError

from agent.intents import features as ft
from agent.intents.builders import _single_floating, amount_value, ask, explain
from agent.intents.lexicon import PERP_VENUES
from agent.intents.mentions import Qty, find_mentions, floating_qtys, is_stable
from agent.intents.models import (
    ClosePositionIntent,
    Intent,
    OpenPositionIntent,
    RebalanceIntent,
    TransferIntent,
    YieldGoalIntent,
)
from agent.intents.scan import Tok

LONG_WORDS = frozenset({"long", "longs", "longing", "bullish"})
SHORT_WORDS = frozenset({"short", "shorts", "shorting", "bearish"})
_MARGIN_WORDS = frozenset({"margin", "collateral"})


def side_of(toks: list[Tok]) -> str | None:
    words = {t.text for t in toks}
    is_long, is_short = bool(words & LONG_WORDS), bool(words & SHORT_WORDS)
    if is_long == is_short:
        return None
    return "long" if is_long else "short"


def build_open(toks: list[Tok], side: str | None) -> Intent:
    lev = ft.leverage(toks)
    exits = ft.exits(toks)
    venue = ft.venue(toks, PERP_VENUES) or ft.venue(toks)
    mentions = find_mentions(toks)
    markets = list(dict.fromkeys(m.symbol for m in mentions if not is_stable(m.symbol)))
    if side is None:
        return ask("Long or short?")
    if not markets:
        return ask(f"Which market should I go {side} on?")
    if len(markets) > 1:
        return ask(f"One position at a time: {side} {' or '.join(markets)}?")
    market = markets[0]
    qtys = [(m.symbol, m.qty) for m in mentions if m.qty is not None]
    if len(qtys) > 1:
        return ask(f"I found several sizes; how large should the {market} {side} be?")
    size: Qty | None
    unit = "base"
    if qtys:
        symbol, size = qtys[0]
        if is_stable(symbol) or (size is not None and size.kind == "usd"):
            unit = "usd"
    else:
        after_market = {m.index + 1 for m in mentions if m.symbol == market}
        floats = floating_qtys(toks)
        floating = _single_floating(toks)
        if floating == "many":
            return ask(f"I found several numbers; how large should the {market} {side} be?")
        size = floating
        unit = "usd"
        if size is not None and size.kind == "num":
            # "short BTC 0.1": a fraction right after the market can only be base units ($0.1 is no order)
            right_after = (
                bool(floats) and floats[0][0] in after_market and size.value is not None and size.value < 1
            )
            if not right_after and not any(
                t.text in ("size", "qty", "quantity", "contracts", "units") for t in toks
            ):
                return ask(f"Is {size.value} in {market} or in dollars?")
            unit = "base"
    if size is None:
        return ask(f"How large should the {market} {side} be (in {market} or in dollars)?")
    if size.kind in ("all", "frac"):
        return ask(
            f"How large should the {market} {side} be, in {market} or in dollars (not a share of the balance)?"
        )
    for i, tok in enumerate(toks):
        if tok.kind == "num" and not tok.used and i and toks[i - 1].text in ("at", "@", "limit"):
            return ask(
                "I only place market orders from a sentence: should I open at market instead of at that price?"
            )
    assert size.value is not None
    value = size.value
    if any(t.text in _MARGIN_WORDS for t in toks) and unit == "usd":
        value *= lev or Decimal(1)
    try:
        return OpenPositionIntent(
            market=market,
            side=side,  # type: ignore[arg-type]
            size=value,
            size_unit=unit,  # type: ignore[arg-type]
            leverage=lev,
            stop_loss=exits.stop_loss,
            take_profit=exits.take_profit,
            stop_loss_pct=exits.stop_loss_pct,
            take_profit_pct=exits.take_profit_pct,
            venue=venue,
        )
    except ValidationError as err:
        return ask(f"That order doesn't add up ({explain(err)}); what did you mean?")


def build_close(toks: list[Tok]) -> Intent:
    venue = ft.venue(toks, PERP_VENUES)
    side = side_of(toks)
    mentions = find_mentions(toks)
    markets = list(dict.fromkeys(m.symbol for m in mentions if not is_stable(m.symbol)))
    if not markets:
        what = f"{side} " if side else ""
        return ask(f"Which {what}position should I close (e.g. 'close my ETH {side or 'long'}')?")
    if len(markets) > 1:
        return ask(f"One position at a time: close {' or '.join(markets)}?")
    qty = next((m.qty for m in mentions if m.qty is not None), None)
    index = None
    if qty is None:
        floats = floating_qtys(toks)
        if len(floats) > 1:
            return ask(f"How much of the {markets[0]} position should I close (e.g. 'half', '25%')?")
        if floats:
            index, qty = floats[0]
    fraction = Decimal(1)
    if qty is None and any(t.text in ("halve", "halving") for t in toks):
        qty = Qty("frac", Decimal(1) / 2)
    if qty is not None and qty.kind in ("num", "usd"):
        return ask(f"Close what share of the {markets[0]} position (e.g. 'half', '25%', 'all')?")
    if qty is not None and qty.kind == "frac":
        assert qty.value is not None
        fraction = qty.value
        if index is not None and index and toks[index - 1].text == "to":
            fraction = 1 - fraction
    try:
        return ClosePositionIntent(market=markets[0], side=side, fraction=fraction, venue=venue)  # type: ignore[arg-type]
    except ValidationError as err:
        return ask(f"I can't close that: {explain(err)}. What share of the position?")


def _checksum(address: str) -> str | None:
    from eth_utils import to_checksum_address

    if len(address) != 42:
        return None
    try:
        checksummed: str = to_checksum_address(address)
    except ValueError:
        return None
    body = address[2:]
    if body != body.lower() and body != body.upper() and checksummed != address:
        return None
    return checksummed


def build_transfer(toks: list[Tok]) -> Intent:
    addrs = [t for t in toks if t.kind == "addr"]
    names = [t.text for t in toks if t.kind == "name"]
    mentions = find_mentions(toks)
    symbols = list(dict.fromkeys(m.symbol for m in mentions))
    if len(addrs) > 1:
        return ask("Which single address should receive it?")
    if not addrs:
        if names:
            return ask(f"I don't resolve names like {names[0]}; what is the recipient's 0x address?")
        start = next((i + 1 for i, t in enumerate(toks[:-1]) if t.text == "to"), None)
        after_to = [t.text for t in toks[start : start + 3] if t.kind != "punct"] if start else []
        who = f" for '{' '.join(after_to)}'" if after_to else ""
        return ask(f"I need the recipient's full 0x address{who}; what is it?")
    to = _checksum(addrs[0].text)
    if to is None:
        return ask(f"{addrs[0].text} is not a valid address (length or checksum); can you paste it again?")
    if not symbols:
        return ask("Which asset, and how much, should I send?")
    if len(symbols) > 1:
        return ask(f"Send which asset: {' or '.join(symbols)}?")
    qty = next((m.qty for m in mentions if m.qty is not None), None)
    if qty is None:
        floating = _single_floating(toks)
        qty = floating if isinstance(floating, Qty) else None
    if qty is None:
        return ask(f"How much {symbols[0]} should I send to {to}?")
    if qty.kind == "usd" and not is_stable(symbols[0]):
        return ask(f"How much {symbols[0]} should I send, in {symbols[0]} rather than dollars?")
    try:
        return TransferIntent(asset=symbols[0], amount=amount_value(qty), to=to)
    except ValidationError as err:
        return ask(f"I can't send that: {explain(err)}. How much should I send?")


def build_yield(toks: list[Tok]) -> Intent:
    found = ft.income_period(toks)
    if found is None:
        return ask("How much income do you want, and per month or per year?")
    p_index, period = found
    target: Tok | None = None
    for j in range(p_index - 1, max(p_index - 6, -1), -1):
        tok = toks[j]
        if tok.kind == "num" and tok.value is not None and not tok.used:
            target = tok
            break
    if target is None or target.value is None:
        return ask(f"How many dollars per {period} do you want to earn?")
    if target.pct:
        return ask(f"I plan income in USD: how many dollars per {period} is the goal?")
    target.used = True
    mentions = [
        m for m in find_mentions(toks) if not (is_stable(m.symbol) and m.index == toks.index(target) + 1)
    ]
    principals = [m for m in mentions if m.qty is not None and m.qty.kind == "num"]
    if not principals:
        named = next((m.symbol for m in mentions), None)
        if named:
            return ask(f"How much {named} will you put to work for that income?")
        return ask("Which asset, and how much of it, will you put to work?")
    if len(principals) > 1:
        return ask("Which holding should earn the income: " + " or ".join(m.symbol for m in principals) + "?")
    principal = principals[0]
    assert principal.qty is not None and principal.qty.value is not None
    try:
        return YieldGoalIntent(
            principal_asset=principal.symbol,
            principal_amount=principal.qty.value,
            target_income=target.value,
            period=period,  # type: ignore[arg-type]
        )
    except ValidationError as err:
        return ask(f"I can't plan that: {explain(err)}. What income and principal do you mean?")


_OBJECTIVES = (
    ("yield", frozenset({"yield", "apy", "apr", "interest", "earn", "earning", "rate", "rates", "income"})),
    ("reduce_risk", frozenset({"risk", "derisk", "de-risk", "safer", "safe", "safest", "hedge", "exposure"})),
    ("equal_weight", frozenset({"equal", "equally", "evenly", "even"})),
)


def build_rebalance(toks: list[Tok], text: str) -> Intent:
    mentions = find_mentions(toks)
    symbols = list(dict.fromkeys(m.symbol for m in mentions))
    words = {t.text for t in toks}
    objective = next((name for name, keys in _OBJECTIVES if words & keys), None)
    weights = re.search(r"\b\d{1,2}\s*/\s*\d{1,2}(?:\s*/\s*\d{1,2})?\b", text)
    if weights:
        objective = "target_weights " + text[weights.start() :].strip().rstrip(".!")
    asset = symbols[0] if len(symbols) == 1 else None
    return RebalanceIntent(asset=asset, objective=objective)
