"""Modifiers found anywhere in a request: slippage, leverage, stops/targets, venue, DCA schedule.

Each extractor marks the tokens it consumes as used, so a stop price is never mistaken for an amount.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from agent.intents.mentions import VENUE_PREPS
from agent.intents.scan import Tok

_SLIP_WORDS = frozenset({"slippage", "slip", "slippages", "tolerance"})
_STOP_FILLER = frozenset(
    {"at", "of", "@", ":", "=", "a", "to", "is", "around", "near", "set", "price", "level"}
)
_ENTRY_WORDS = frozenset(
    {"below", "under", "above", "over", "from", "off", "entry", "loss", "gain", "profit", "up", "down"}
)


def _num(tok: Tok) -> bool:
    return tok.kind == "num" and not tok.used and tok.value is not None and not tok.dur and not tok.times


def slippage_bps(toks: list[Tok]) -> int | None:
    """'max slippage 1%', '50 bps', 'slippage of 0.3%' -> basis points."""
    for i, tok in enumerate(toks):
        if tok.text not in _SLIP_WORDS:
            continue
        window = [*range(i + 1, min(i + 5, len(toks))), *range(i - 1, max(i - 4, -1), -1)]
        for j in window:
            t = toks[j]
            if _num(t) and (t.pct or t.bps):
                t.used = True
                assert t.value is not None
                return int((t.value * 100 if t.pct else t.value).to_integral_value(ROUND_HALF_UP))
    for tok in toks:
        if _num(tok) and tok.bps:
            tok.used = True
            assert tok.value is not None
            return int(tok.value.to_integral_value(ROUND_HALF_UP))
    return None


def leverage(toks: list[Tok]) -> Decimal | None:
    """'5x', 'at 20x', '2x leverage', 'leverage of 3', '10 times leverage'."""
    for tok in toks:
        if _num(tok) and tok.lev:
            tok.used = True
            return tok.value
    for tok in toks:
        if tok.times and not tok.used:  # "long BTC x10"
            tok.used = True
            return tok.value
    for i, tok in enumerate(toks):
        if tok.text != "leverage":
            continue
        for j in (i + 1, i + 2, i - 1):
            if 0 <= j < len(toks) and _num(toks[j]) and not toks[j].pct and not toks[j].usd:
                toks[j].used = True
                return toks[j].value
    return None


@dataclass(slots=True)
class Exits:
    stop_loss: Decimal | None = None
    stop_loss_pct: Decimal | None = None
    take_profit: Decimal | None = None
    take_profit_pct: Decimal | None = None


def _exit_value(toks: list[Tok], i: int) -> Tok | None:
    j = i + 1
    while j < len(toks) and toks[j].text in _STOP_FILLER:
        j += 1
    if j < len(toks) and _num(toks[j]) and not toks[j].lev:
        return toks[j]
    for k in (i - 1, i - 2):
        if k >= 0 and _num(toks[k]) and toks[k].pct:
            return toks[k]
    return None


def exits(toks: list[Tok]) -> Exits:
    """Stops and targets as prices ('sl 3900', 'tp 72k') or entry distances ('stop 4% below entry')."""
    out = Exits()
    for i, tok in enumerate(toks):
        if tok.text not in ("sl", "tp"):
            continue
        val = _exit_value(toks, i)
        if val is None or val.value is None:
            continue
        val.used = True
        k = toks.index(val) + 1
        while k < len(toks) and toks[k].text in _ENTRY_WORDS:
            toks[k].used = True
            k += 1
        amount = abs(val.value)
        if tok.text == "sl":
            if val.pct:
                out.stop_loss_pct = amount
            else:
                out.stop_loss = amount
        elif val.pct:
            out.take_profit_pct = amount
        else:
            out.take_profit = amount
    return out


def venue(toks: list[Tok], allowed: frozenset[str] | None = None) -> str | None:
    """A venue named anywhere ('on uniswap', 'via hl'); ambiguous words count only after a preposition."""
    for i, tok in enumerate(toks):
        if tok.venue is None or tok.used:
            continue
        if tok.kind == "asset" and not (i > 0 and toks[i - 1].text in VENUE_PREPS):
            continue
        if allowed is not None and tok.venue not in allowed:
            continue
        tok.used = True
        return tok.venue
    return None


_UNIT_MIN = {
    "minute": 1, "minutes": 1, "min": 1, "mins": 1, "m": 1,
    "hour": 60, "hours": 60, "hr": 60, "hrs": 60, "h": 60,
    "day": 1440, "days": 1440, "d": 1440, "night": 1440, "nights": 1440,
    "week": 10080, "weeks": 10080, "wk": 10080, "wks": 10080, "w": 10080,
    "fortnight": 20160, "fortnights": 20160,
    "month": 43830, "months": 43830, "mo": 43830,
    "year": 525960, "years": 525960, "yr": 525960,
} | {d + s: 10080 for d in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
     for s in ("", "s")}  # fmt: skip
_ADVERBS = {
    "hourly": 60, "daily": 1440, "nightly": 1440, "weekly": 10080, "biweekly": 20160,
    "fortnightly": 20160, "monthly": 43830,
}  # fmt: skip
_COUNT_NOUNS = frozenset(
    {"times", "orders", "buys", "purchases", "installments", "instalments", "rounds", "tranches", "executions",
     "transactions", "trades", "swaps", "sells", "chunks", "slices", "payments", "runs", "x"}
)  # fmt: skip
_EVERY = frozenset({"every", "each", "per", "a", "an", "once"})
_SPAN = frozenset({"for", "over", "during", "across", "within"})


@dataclass(slots=True)
class Schedule:
    interval_min: int | None = None
    count: int | None = None
    span_min: int | None = None
    mentioned: bool = False

    @property
    def interval(self) -> str | None:
        """Interval as '4h', '1d', '1w', '30d' (months count as 30 days)."""
        m = self.interval_min
        if m is None:
            return None
        if m % 43830 == 0:
            return f"{30 * (m // 43830)}d"
        for size, unit in ((10080, "w"), (1440, "d"), (60, "h")):
            if m % size == 0:
                return f"{m // size}{unit}"
        return f"{m}m"

    def resolved_count(self) -> int | None:
        if self.count is not None:
            return self.count
        if self.span_min is None or not self.interval_min:
            return None
        n = (Decimal(self.span_min) / Decimal(self.interval_min)).to_integral_value(ROUND_HALF_UP)
        return int(n) if n >= 1 else None


def _unit_at(toks: list[Tok], j: int) -> int | None:
    return _UNIT_MIN.get(toks[j].text) if 0 <= j < len(toks) else None


def schedule(toks: list[Tok]) -> Schedule:
    """'weekly, 10 times', 'each day for two weeks', 'every 4h', 'twice a day for a week'."""
    out = Schedule()
    n = len(toks)
    for i, tok in enumerate(toks):
        t = tok.text
        if t in _ADVERBS and out.interval_min is None:
            out.interval_min, out.mentioned = _ADVERBS[t], True
        elif t in _EVERY and out.interval_min is None:
            step, j = 1, i + 1
            if j < n and toks[j].text == "other":
                step, j = 2, j + 1
            if j < n and _num(toks[j]) and toks[j].value is not None and _unit_at(toks, j + 1):
                step, j = int(toks[j].value), j + 1  # type: ignore[arg-type]
                toks[j - 1].used = True
            elif j < n and toks[j].kind == "num" and toks[j].dur and toks[j].value is not None:
                toks[j].used = True
                out.interval_min = int(toks[j].value) * _UNIT_MIN[toks[j].dur]  # type: ignore[arg-type]
                out.mentioned = True
                continue
            elif j < n and toks[j].text in ("a", "an"):
                j += 1
            unit = _unit_at(toks, j)
            if unit and not (i > 0 and toks[i - 1].text in _SPAN):
                out.interval_min, out.mentioned = step * unit, True
        elif t in ("twice", "thrice") and i + 2 < n and toks[i + 1].text in _EVERY and _unit_at(toks, i + 2):
            out.interval_min = _UNIT_MIN[toks[i + 2].text] // (2 if t == "twice" else 3)
            out.mentioned = True
        elif tok.times and not tok.used and tok.value is not None:  # "weekly x10"
            out.count, out.mentioned = int(tok.value), True
            tok.used = True
        elif t in _COUNT_NOUNS and i > 0 and _num(toks[i - 1]) and not toks[i - 1].pct:
            if not (i + 1 < n and toks[i + 1].text in _EVERY):
                value = toks[i - 1].value
                assert value is not None
                out.count, out.mentioned = int(value), True
                toks[i - 1].used = True
        elif t in _SPAN and i + 1 < n:
            j = i + 1
            if toks[j].text in ("the", "next", "a", "an"):
                j += 1
            if j < n and toks[j].text == "next":
                j += 1
            qty = Decimal(1)
            if j < n and _num(toks[j]) and toks[j].value is not None and _unit_at(toks, j + 1):
                qty = toks[j].value  # type: ignore[assignment]
                toks[j].used = True
                j += 1
            elif j < n and toks[j].kind == "num" and toks[j].dur and toks[j].value is not None:
                toks[j].used = True
                out.span_min, out.mentioned = int(toks[j].value * _UNIT_MIN[toks[j].dur]), True  # type: ignore[operator]
                continue
            unit = _unit_at(toks, j)
            if unit and (toks[j - 1].text in ("a", "an", "the", "next") or j > i + 1):
                out.span_min, out.mentioned = int(qty * unit), True
    return out


_PERIODS = {
    "month": "month", "months": "month", "mo": "month", "monthly": "month", "year": "year", "yr": "year",
    "annually": "year", "yearly": "year", "annum": "year", "pa": "year", "week": "week", "wk": "week",
    "weekly": "week", "day": "day", "daily": "day",
}  # fmt: skip


def income_period(toks: list[Tok]) -> tuple[int, str] | None:
    """('a month', 'per year', 'monthly', '/mo') -> (index of the period word, period)."""
    for i, tok in enumerate(toks):
        period = _PERIODS.get(tok.text)
        if period is None:
            continue
        prev = toks[i - 1].text if i else ""
        if tok.text in ("monthly", "annually", "yearly", "weekly", "daily", "pa") or prev in _EVERY:
            return i, period
    return None
