"""Asset mentions: which asset, how much of it, and which side of a trade it is on.

"pick up $250 of WBTC using DAI": WBTC is bought ("pick up"), DAI is sold ("using"), and the dollar
amount belongs to DAI because DAI is the stablecoin. Roles come from the verb and the preposition in
front of each asset; "for"/"in"/"on" take the side opposite the main verb.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from agent.intents.lexicon import STABLECOINS
from agent.intents.scan import Tok

Role = Literal["sell", "buy"]
QtyKind = Literal["num", "usd", "frac", "all"]

SELL_VERBS = frozenset(
    {"sell", "selling", "sold", "swap", "swapping", "trade", "trading", "convert", "converting", "exchange",
     "exchanging", "dump", "dumping", "turn", "turning", "change", "flip", "rotate", "unload", "offload",
     "liquidate", "spend", "spending", "invest", "investing", "put", "pay", "cash", "move", "bridge"}
)  # fmt: skip
BUY_VERBS = frozenset(
    {"buy", "buying", "bought", "get", "getting", "purchase", "purchasing", "acquire", "grab", "receive",
     "obtain", "accumulate", "stack", "ape", "need", "want", "like", "pick", "scoop", "load"}
)  # fmt: skip
_SELL_PREPS = frozenset({"with", "using", "use", "from", "paying", "via"})
_BUY_PREPS = frozenset({"into", "to", "->", "towards", "up"})
_OPPOSITE_PREPS = frozenset({"for", "on", "in"})
_SKIP = frozenset(
    {"my", "the", "of", "some", "more", "your", "our", "worth", "me", "us", "a", "an", "all", "remaining",
     "available", "current", "existing", "just", "only", "about", "around", "roughly", "approximately",
     "exactly", "like", "tokens", "coins", "token", "coin", "it", "those", "these", "that", "this", "spare"}
)  # fmt: skip
_AUX = frozenset({"to", "like", "i", "would", "id", "d", "you", "please"})
VENUE_PREPS = frozenset(
    {"on", "via", "at", "through", "using", "over", "thru", "in", "from", "into", "to", "with"}
)


@dataclass(slots=True)
class Qty:
    """An amount as written: a number, a dollar figure, a share (0-1) of the balance, or all."""

    kind: QtyKind
    value: Decimal | None = None


@dataclass(slots=True)
class Mention:
    index: int
    symbol: str
    qty: Qty | None = None
    marker: str | None = None
    role: Role | None = None
    link: int | None = None  # index in mentions of A in "A of B" / "A worth of B"


def qty_of(tok: Tok) -> Qty | None:
    """The quantity a token denotes, if it is an amount (not leverage, slippage or a duration)."""
    if tok.used:
        return None
    if tok.kind == "all":
        return Qty("all")
    if tok.kind == "frac" and tok.value is not None:
        return Qty("frac", tok.value)
    if tok.kind == "num" and tok.value is not None and not (tok.lev or tok.bps or tok.dur or tok.times):
        if tok.pct:
            return Qty("frac", tok.value / 100)
        return Qty("usd" if tok.usd else "num", tok.value)
    return None


def is_venue_context(toks: list[Tok], i: int) -> bool:
    """An ambiguous word (AAVE, UNI ...) after 'on'/'via'/... names a venue, not an asset."""
    return toks[i].venue is not None and i > 0 and toks[i - 1].text in VENUE_PREPS


def primary_role(toks: list[Tok]) -> Role | None:
    """The side the main verb puts its object on: 'buy' -> buy, 'sell'/'swap' -> sell."""
    for i, tok in enumerate(toks):
        nxt = toks[i + 1].text if i + 1 < len(toks) else ""
        if tok.text in ("need", "want", "like") and nxt in _AUX:
            continue
        if tok.text in SELL_VERBS:
            return "sell"
        if tok.text in BUY_VERBS:
            return "buy"
    return None


def opposite(role: Role) -> Role:
    return "buy" if role == "sell" else "sell"


def find_mentions(toks: list[Tok], *, exclude_venues: bool = True) -> list[Mention]:
    """Every asset token with its attached amount and the word that marks its side."""
    mentions: list[Mention] = []
    for i, tok in enumerate(toks):
        if tok.kind != "asset" or tok.asset is None or tok.used:
            continue
        if exclude_venues and is_venue_context(toks, i):
            continue
        mention = Mention(i, tok.asset)
        j = i - 1
        while j >= 0 and toks[j].text in _SKIP and toks[j].kind not in ("all", "num"):
            j -= 1
        if j > 0 and toks[j].text == "in" and toks[j - 1].kind in ("all", "frac"):
            j -= 1  # "everything in my LINK wallet"
        if j >= 0:
            qty = qty_of(toks[j])
            if qty is not None and (j == i - 1 or toks[j + 1].text in ("of", "my", "the", "worth", "your")):
                mention.qty = qty
                toks[j].used = True
                j -= 1
                while j >= 0 and toks[j].text in _SKIP:
                    j -= 1
            elif (
                toks[j].kind == "asset"
                and mentions
                and mentions[-1].index == j
                and toks[j + 1].text
                in (
                    "of",
                    "worth",
                )
            ):
                mention.link = len(mentions) - 1
        if j >= 0 and mention.link is None:
            mention.marker = toks[j].text
            if mention.marker == "in" and j > 0 and toks[j - 1].text in ("paying", "pay", "payment", "paid"):
                mention.marker = "with"
        mentions.append(mention)
    return mentions


def assign_roles(mentions: list[Mention], primary: Role | None) -> None:
    """Give each mention a side from its marker, the main verb and its partner's side."""
    for m in mentions:
        mk = m.marker
        if mk in _SELL_PREPS or mk in SELL_VERBS:
            m.role = "sell"
        elif mk in _BUY_PREPS or mk in BUY_VERBS:
            m.role = "buy"
        elif mk in _OPPOSITE_PREPS and primary is not None:
            m.role = opposite(primary)
        elif mk == "for" and primary is None and len(mentions) == 2:
            m.role = "buy"  # verbless "2 ETH for USDC": what you get goes after 'for'
    for m in mentions:
        if m.link is not None:
            partner = mentions[m.link]
            m.role = partner.role or primary or "buy"
            partner.role = opposite(m.role)
    unassigned = [m for m in mentions if m.role is None]
    assigned = [m for m in mentions if m.role is not None]
    if len(mentions) == 2 and len(unassigned) == 1:
        other = assigned[0].role
        assert other is not None
        unassigned[0].role = opposite(other)
    elif len(mentions) == 1 and unassigned and primary is not None:
        unassigned[0].role = primary
    elif len(mentions) == 2 and len(unassigned) == 2 and primary is not None:
        mentions[0].role, mentions[1].role = primary, opposite(primary)


def floating_qtys(toks: list[Tok]) -> list[tuple[int, Qty]]:
    """Amounts not attached to an asset ('with $2,500', 'swap 500 from USDC')."""
    out: list[tuple[int, Qty]] = []
    for i, tok in enumerate(toks):
        qty = qty_of(tok)
        if qty is not None and not (tok.kind == "num" and tok.signed == "word" and qty.value == 1):
            out.append((i, qty))
    return out


def is_stable(symbol: str) -> bool:
    return symbol in STABLECOINS
