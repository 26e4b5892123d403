"""The deterministic, offline parser: text -> one typed intent (or a specific question).

Order matters: refusals first (negations, conditions, several actions at once), then kinds whose
keywords are unambiguous (transfer, income goal, rebalance, wrap, close, open, lending), then
recurring orders, then plain swaps. Anything else is a clarification, never a guess.
"""

from __future__ import annotations

import re

from agent.intents import features as ft
from agent.intents.builders import ask, build_dca, build_lending, build_swap, build_wrap
from agent.intents.builders_more import (
    build_close,
    build_open,
    build_rebalance,
    build_transfer,
    build_yield,
    side_of,
)
from agent.intents.lexicon import LENDING_PROTOCOLS
from agent.intents.mentions import BUY_VERBS, SELL_VERBS, find_mentions, is_venue_context
from agent.intents.models import Intent
from agent.intents.scan import Tok, tokenize

HELP = (
    "I can swap, wrap/unwrap ETH, supply/withdraw/borrow/repay on lending protocols, open or close perp "
    "positions, send tokens to an address, schedule recurring buys, plan an income goal, or rebalance. "
    "What would you like to do?"
)
_NEGATION = re.compile(
    r"\b(?:don'?t|do not|never|doesn'?t|won'?t|cancel|undo|stop my|stop the|actually,?\s+no|nvm|"
    r"scratch that|just kidding|jk|wait,?\s+no|forget (?:it|that|about it))\b",
    re.I,
)
_CONDITION = re.compile(
    r"^\s*(?:if|when|whenever|once|as soon as|in case)\b|\b(?:if|unless|whenever)\s+\w+", re.I
)
_ADVICE = re.compile(
    r"^\s*(?:should|shall|is(?! it possible to\b)|are|was|will|would it(?! be possible to\b)|what'?s|what is|what are|whats|why|who|where|which|tell me|"
    r"explain|do you think|price of)\b",
    re.I,
)
_TRANSFER_VERBS = frozenset({"send", "transfer", "give", "tip", "wire", "forward", "pay", "move", "withdraw"})
_STRICT_TRANSFER = frozenset({"send", "transfer", "tip", "wire", "forward"})
_EARN = frozenset(
    {"earn", "earning", "make", "making", "generate", "generating", "income", "passive", "yield", "produce",
     "return", "returns", "profit", "pays", "cashflow", "revenue"}
)  # fmt: skip
_REBALANCE = frozenset(
    {"rebalance", "rebalancing", "rebal", "optimize", "optimise", "reallocate", "diversify", "derisk"}
)
_CLOSE = frozenset(
    {"close", "closing", "exit", "cut", "reduce", "trim", "flatten", "unwind", "halve", "shrink", "scale"}
)
_HARD_CLOSE = frozenset({"close", "closing", "exit", "flatten", "unwind"})
_POSITION = frozenset({"long", "short", "longs", "shorts", "position", "positions", "perp", "perps", "trade"})
_DEBT = frozenset({"loan", "loans", "debt", "debts", "borrow", "borrowed", "borrowing", "liability"})
_REPAY = frozenset({"repay", "repaying", "repayment", "payback"})
_BORROW = frozenset({"borrow", "borrowing"})
_WITHDRAW = frozenset({"withdraw", "withdrawal", "withdrawing", "redeem", "unlend"})
_SUPPLY = frozenset({"supply", "supplying", "deposit", "depositing", "lend", "lending", "park"})
_FAMILIES: dict[str, str] = (
    {w: "swap" for w in ("swap", "sell", "buy", "trade", "convert", "exchange")}
    | {w: "wrap" for w in ("wrap", "unwrap")}
    | {w: "lend" for w in ("supply", "deposit", "lend", "borrow", "repay", "withdraw")}
    | {w: "send" for w in ("send", "transfer")}
    | {w: "perp" for w in ("long", "short", "close")}
)
_TRADE_VERBS = (SELL_VERBS | BUY_VERBS | {"dca"}) - {
    "want",
    "like",
    "need",
    "get",
    "receive",
    "obtain",
    "pay",
    "move",
    "put",
}
_JOINERS = frozenset({"and", "then", ",", ";", "&", "also", "after", "afterwards", "plus"})
_LEADERS = frozenset(
    {"please", "pls", "i", "want", "to", "then", "also", "and", "can", "you", "would", "like", "it"}
)


def _several_actions(toks: list[Tok]) -> list[str]:
    """Families of verbs that open separate clauses ('swap … and supply …')."""
    families: list[str] = []
    at_start = True
    for tok in toks:
        if tok.text in _JOINERS:
            at_start = True
            continue
        if at_start and tok.text in _LEADERS:
            continue
        if at_start and tok.text in _FAMILIES:
            families.append(_FAMILIES[tok.text])
        at_start = False
    return list(dict.fromkeys(families))


def _has_phrase(words: list[str], first: str, nexts: frozenset[str]) -> bool:
    return any(w == first and i + 1 < len(words) and words[i + 1] in nexts for i, w in enumerate(words))


_OPENING = frozenset({"open", "go", "add", "increase", "new", "another", "more", "bigger", "grow", "enter"})


def _existing_position(toks: list[Tok]) -> bool:
    """'sell half of my BTC long': a possessive position reference with no opening verb means reduce it."""
    if any(t.text in _OPENING for t in toks):
        return False
    for i, tok in enumerate(toks):
        if tok.text in ("my", "our") and i + 1 < len(toks):
            j = i + 1 if toks[i + 1].kind != "asset" else i + 2
            if j < len(toks) and toks[j].text in ("long", "short", "position", "perp", "longs", "shorts"):
                return True
    return False


def _has_phrase_to(words: list[str]) -> bool:
    """'give 5 USDC to my friend': giving something to someone is a transfer, even without an address."""
    return "give" in words and "to" in words[words.index("give") :]


_OUT_VERBS = frozenset({"take", "taking", "took", "get", "getting", "got", "pull", "pulling", "remove"})


def _took_out(words: list[str], lender: bool) -> bool:
    """'take out 2 ETH', 'take 2 ETH out of aave': taking something out (of a protocol) withdraws it."""
    for i, w in enumerate(words):
        if w not in _OUT_VERBS or "out" not in words[i + 1 : i + 6]:
            continue
        j = words.index("out", i + 1)
        if j == i + 1 or lender or words[j + 1 : j + 2] in (["of"], ["from"]):
            return True
    return False


def _lending_kind(words: list[str], wordset: set[str], lender: bool) -> str | None:
    if wordset & _REPAY or _has_phrase(words, "pay", frozenset({"back", "off", "down"})):
        return "repay"
    if wordset & _DEBT and wordset & {"settle", "clear", "close", "cover", "reduce", "kill"}:
        return "repay"
    if wordset & _BORROW or ("loan" in wordset and wordset & {"take", "get", "open"}):
        return "borrow"
    if wordset & _WITHDRAW:
        return "withdraw"
    if (_took_out(words, lender) or wordset & {"pull", "remove"}) and (
        "from" in wordset or "out" in wordset or lender
    ):
        return "withdraw"
    if wordset & _SUPPLY or (lender and wordset & {"put", "move", "stick", "place", "add"}):
        return "supply"
    return None


def _recurring(text: str) -> bool:
    """A schedule with a length ('every week for 3 weeks', 'daily, 5 times') is a recurring order."""
    return ft.schedule(tokenize(text)).resolved_count() is not None


def parse_tokens(text: str, toks: list[Tok]) -> Intent:
    """Classify and build. Callers normally use `parse`."""
    words = [t.text for t in toks]
    wordset = set(words)
    if not toks or len(text) > 500:
        return ask(HELP)
    if _NEGATION.search(text):
        return ask(
            "That sounds like something not to do or to cancel; I only take one positive action. What should I do?"
        )
    if any(t.kind == "num" and t.signed == "-" and not t.pct for t in toks):
        return ask("Amounts must be positive; how much did you mean?")
    families = _several_actions(toks)
    if len(families) > 1:
        return ask(f"That is several actions ({' then '.join(families)}); I do one at a time. Which first?")
    if _CONDITION.search(text):
        return ask("I don't place conditional orders from a sentence; what should I do right now?")
    has_addr = any(t.kind in ("addr", "name") for t in toks)
    if (has_addr and wordset & _TRANSFER_VERBS) or wordset & _STRICT_TRANSFER or _has_phrase_to(words):
        return build_transfer(toks)
    period = ft.income_period(toks)
    if period and (wordset & _EARN or not (wordset & _TRADE_VERBS or _recurring(text))):
        return build_yield(toks)
    best_yield = {"best", "highest", "better", "top"} & wordset and wordset & {"yield", "apy", "rate"}
    if wordset & _REBALANCE or best_yield:
        return build_rebalance(toks, text)
    if _ADVICE.search(text):
        return ask("I execute requests rather than give advice or prices. " + HELP)
    if wordset & {"unwrap", "unwrapping"}:
        return build_wrap(toks, unwrap=True)
    if wordset & {"wrap", "wrapping"}:
        return build_wrap(toks, unwrap=False)
    if wordset & _CLOSE and wordset & _DEBT:
        return build_lending(toks, "repay")
    if wordset & _HARD_CLOSE or (wordset & _CLOSE and wordset & _POSITION) or _existing_position(toks):
        return build_close(toks)
    lender = any(
        t.venue in LENDING_PROTOCOLS and (t.kind == "venue" or is_venue_context(toks, i))
        for i, t in enumerate(toks)
    )
    lending = _lending_kind(words, wordset, lender)
    side = side_of(toks)
    levered = any(t.kind == "num" and t.lev for t in toks) or "leverage" in wordset
    if lending is None and (
        side or (levered and wordset & (SELL_VERBS | BUY_VERBS)) or wordset & {"perp", "perps"}
    ):
        if side is None:
            side = "long" if wordset & BUY_VERBS else "short" if wordset & SELL_VERBS else None
        return build_open(toks, side)
    if lending:
        return build_lending(toks, lending)
    if "dca" in wordset or ft.schedule(tokenize(text)).mentioned:
        return build_dca(toks)
    named = find_mentions(toks)
    pair = len({m.symbol for m in named}) >= 2 and any(m.marker in ("to", "into", "for", "->") for m in named)
    if wordset & (SELL_VERBS | BUY_VERBS) or "->" in wordset or pair:
        for tok in toks:
            tok.used = False
        return build_swap(toks)
    if named:
        return ask(f"What would you like to do with {named[0].symbol}? " + HELP)
    return ask(HELP)


def parse(text: str) -> Intent:
    """Parse one request. Never raises for user text; unclear requests come back as ClarifyIntent."""
    if not isinstance(text, str):
        raise TypeError(f"parse() takes a string, got {type(text).__name__}")
    text = text.strip()
    return parse_tokens(text, tokenize(text))
