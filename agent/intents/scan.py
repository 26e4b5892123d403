"""Text -> typed tokens: numbers with their units, assets, venues, addresses, words.

Rewrites common multi-word phrases to single tokens first ("stop loss" -> "sl", "a third" -> a
fraction, "wrapped ether" -> WETH) so the grammar works on a short, regular token list.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from agent.intents.lexicon import (
    ASSET_ALIASES,
    CASE_SENSITIVE_TICKERS,
    CHAINS,
    NOT_TICKERS,
    NUMBER_WORDS,
    USD_WORDS,
    VENUES,
)

ONE = Decimal(1)
_FRACTIONS: dict[str, Decimal] = {
    "half": ONE / 2,
    "a half": ONE / 2,
    "one half": ONE / 2,
    "a third": ONE / 3,
    "one third": ONE / 3,
    "a 3rd": ONE / 3,
    "1/3": ONE / 3,
    "two thirds": 2 * ONE / 3,
    "2/3": 2 * ONE / 3,
    "a quarter": ONE / 4,
    "one quarter": ONE / 4,
    "a fourth": ONE / 4,
    "1/4": ONE / 4,
    "three quarters": 3 * ONE / 4,
    "3/4": 3 * ONE / 4,
    "a fifth": ONE / 5,
    "one fifth": ONE / 5,
    "a tenth": ONE / 10,
    "one tenth": ONE / 10,
    "1/2": ONE / 2,
}
_ALL_WORDS = frozenset({"all", "everything", "entire", "whole", "full", "entirety"})


def _alternation(words: object) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))  # type: ignore[call-overload]


_REWRITES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p, re.IGNORECASE), r)
    for p, r in [
        (r"[→⇒]|=>|->|-->", " -> "),
        (r"[–—]", "-"),
        (r"[’‘]", "'"),
        (r"\b1inch\b", "oneinch"),
        (r"\b0x\b(?![0-9a-f])", "zeroex"),
        (r"\btake\s+(?:some\s+)?profits?\s+(?:on|off|from|in)\b", "close"),
        (r"\b(?:stop[- ]?loss|stoploss|stop[- ]?out|stopped)\b", " sl "),
        (r"\bstop\b(?!\s+(?:my|the|dca|buying|selling))", " sl "),
        (r"\b(?:take[- ]?profit|profit[- ]target|price[- ]target|target|tgt)s?\b", " tp "),
        (r"\b(?:per\s?cent|percent|pct)\b", "%"),
        (r"\b(?:basis\s+points?|bips|bp)\b", "bps"),
        (r"\b(?:lev|leveraged)\b", "leverage"),
        (r"\bde-?risk", "derisk"),
        (r"\b(?:get|got|getting)\s+rid\s+of\b", "sell"),
        (r"\bevery\s+(?:last\s+|single\s+)?(?:bit|drop|penny|cent|token|coin|satoshi|sat|wei)\b", "all"),
        (r"\b(?:get|getting)\s+out\s+of\b", "exit"),
        (r"\b(?:go|going|get)\s+flat\b", "flatten"),
        (r"(\d)\s*(?:times|×)\s+(?=leverage)", r"\1x "),
        (r"(\d)\s*(?:usd|dollars?|bucks)\b", r"\1 usd"),
        (r"(\d),(?=\d{3}\b)", r"\1"),
        (r"(?<=[a-z])/(mo|month|yr|year|day|week|wk)\b", r" per \1"),
        (r"(?<=\d)/(mo|month|yr|year|day|week|wk)\b", r" per \1"),
        (r"(?<=\d)\s*/\s*(mo|month|yr|year|day|week|wk)\b", r" per \1"),
    ]
]
_MULTI = {k: v for k, v in ASSET_ALIASES.items() if " " in k} | {k: v for k, v in VENUES.items() if " " in k}
_MULTI_RE = re.compile(r"\b(" + _alternation(_MULTI) + r")\b", re.IGNORECASE)
_FRACTION_RE = re.compile(r"(?<![\w/])(" + _alternation(_FRACTIONS) + r")(?![\w/])", re.IGNORECASE)
_CHAIN_RE = re.compile(
    r"\b(?:on|via)\s+(?:the\s+)?(" + _alternation(CHAINS) + r")\b(?:\s+(?:chain|network))?", re.I
)

_TOKEN_RE = re.compile(
    r"""
    (?P<addr>0x[0-9a-fA-F]{4,}\w*)
  | (?P<name>[A-Za-z0-9-]+\.(?:eth|sol|base|lens|crypto|xyz|id)\b)
  | (?P<frac>\x00F(?P<fi>\d+)\x00)
  | (?P<times>(?<![\w.$])[xX×]\s?(?P<tn>\d{1,4})(?![\w.%]))
  | (?P<num>
        (?P<sign>[+-])?(?P<cur>\$\s?)?
        (?P<n>(?:\d+(?:\.\d+)?|\.\d+))
        (?P<mult>(?i:k|m|mm|mn|b|bn)\b|\s?(?i:thousand|grand|million|billion)\b)?
        (?P<suf>\s?%|(?i:x)\b|\s?(?i:bps)\b|\$|(?i:h|hr|hrs|d|w|wk|min|mins)\b)?
    )
  | (?P<word>[A-Za-z][A-Za-z0-9]*(?:\.[eE])?)
  | (?P<arrow>->)
  | (?P<punct>[,;/?!:@=&+])
    """,
    re.VERBOSE,
)
_MULT = {
    "k": Decimal(1000), "thousand": Decimal(1000), "grand": Decimal(1000),
    "m": Decimal(10**6), "mm": Decimal(10**6), "mn": Decimal(10**6), "million": Decimal(10**6),
    "b": Decimal(10**9), "bn": Decimal(10**9), "billion": Decimal(10**9),
}  # fmt: skip


@dataclass(slots=True)
class Tok:
    """One token. `kind` is num | frac | all | asset | venue | addr | name | word | punct."""

    kind: str
    text: str
    value: Decimal | None = None
    usd: bool = False
    pct: bool = False
    lev: bool = False
    times: bool = False  # "x10": a repeat count in a schedule, leverage in a perp order
    bps: bool = False
    dur: str = ""
    signed: str = ""
    asset: str | None = None
    venue: str | None = None
    used: bool = False


def _num_token(m: re.Match[str]) -> Tok:
    value = Decimal(m["n"])
    if m["mult"]:
        value *= _MULT[m["mult"].strip().lower()]
    suf = (m["suf"] or "").strip().lower()
    tok = Tok(
        "num", m.group(0).lower(), value=value, usd=bool(m["cur"]) or suf == "$", signed=m["sign"] or ""
    )
    if suf == "%":
        tok.pct = True
    elif suf == "x":
        tok.lev = True
    elif suf == "bps":
        tok.bps = True
    elif suf and suf != "$":
        tok.dur = {"hr": "h", "hrs": "h", "wk": "w", "min": "m", "mins": "m"}.get(suf, suf)
    return tok


def _word_token(raw: str, shouting: bool = False) -> Tok:
    low = raw.lower()
    if shouting:
        raw = low  # all-caps text: capitals say nothing, so only known tickers are assets
    tok = Tok("word", low)
    asset = ASSET_ALIASES.get(low)
    if asset and asset in CASE_SENSITIVE_TICKERS and raw != raw.upper():
        asset = None
    if (
        asset is None
        and raw.isupper()
        and 2 <= len(raw) <= 10
        and raw not in NOT_TICKERS
        and low not in VENUES
        and low not in CHAINS
    ):
        asset = raw
    if low in ("oneinch",):
        asset, tok.venue = "1INCH", "1inch"
    if low == "zeroex":
        tok.venue = "0x"
    tok.venue = tok.venue or VENUES.get(low)
    if low == "uni":
        tok.venue = "uniswap"
    tok.asset = asset
    if asset and not tok.venue:
        tok.kind = "asset"
    elif tok.venue and not asset:
        tok.kind = "venue"
    elif asset and tok.venue:
        tok.kind = "asset"  # ambiguous (AAVE, UNI, GMX ...): the grammar decides from context
    elif low in _ALL_WORDS:
        tok.kind = "all"
    elif low in USD_WORDS:
        tok.kind = "usdword"
    return tok


def normalise(text: str) -> tuple[str, list[Decimal]]:
    """Apply phrase rewrites; fractions become placeholders indexing the returned list."""
    text = text.replace("\x00", " ")
    for pattern, repl in _REWRITES:
        text = pattern.sub(repl, text)
    text = _CHAIN_RE.sub(" ", text)
    text = _MULTI_RE.sub(lambda m: " " + _MULTI[m.group(1).lower()] + " ", text)
    fractions: list[Decimal] = []

    def _frac(m: re.Match[str]) -> str:
        fractions.append(_FRACTIONS[m.group(1).lower()])
        return f" \x00F{len(fractions) - 1}\x00 "

    return _FRACTION_RE.sub(_frac, text), fractions


def tokenize(text: str) -> list[Tok]:
    """The token list for `text`; unknown characters are dropped."""
    shouting = any(c.isalpha() for c in text) and not any(c.islower() for c in text)
    text, fractions = normalise(text)
    toks: list[Tok] = []
    for m in _TOKEN_RE.finditer(text):
        if m["times"] is not None:
            toks.append(Tok("num", m.group(0).lower(), value=Decimal(m["tn"]), times=True))
        elif m["num"] is not None:
            toks.append(_num_token(m))
        elif m["frac"] is not None:
            toks.append(Tok("frac", "frac", value=fractions[int(m["fi"])]))
        elif m["addr"] is not None:
            toks.append(Tok("addr", m["addr"]))
        elif m["name"] is not None:
            toks.append(Tok("name", m["name"].lower()))
        elif m["word"] is not None:
            toks.append(_word_token(m["word"], shouting))
        else:
            toks.append(Tok("punct", m.group(0)))
    _merge(toks)
    return toks


def _merge(toks: list[Tok]) -> None:
    """Fold unit words into the number before them; spelled-out counts become numbers."""
    for i, tok in enumerate(toks):
        if tok.kind == "usdword" and i and toks[i - 1].kind == "num":
            toks[i - 1].usd = True
            tok.used = True
        elif tok.kind == "word" and tok.text in NUMBER_WORDS and tok.text not in ("a", "an"):
            tok.kind, tok.value = "num", Decimal(NUMBER_WORDS[tok.text])
            tok.signed = "word"
    toks[:] = [t for t in toks if not t.used]
