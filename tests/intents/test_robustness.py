"""Any text gives an intent (never an exception), and unclear text never gives an action."""

from __future__ import annotations

import json
import random

from agent.intents import ClarifyIntent, parse, to_json_line

_PIECES = [
    "swap", "sell", "buy", "long", "short", "close", "wrap", "send", "to", "for", "with", "of", "my", "all", "half",
    "a third", "ETH", "WETH", "USDC", "DAI", "BTC", "aave", "uniswap", "1,500", ".5", "10k", "$500", "25%", "5x",
    "stop", "tp", "every", "week", "10 times", "earn", "a month", "0x742d35cc6634c0532925a3b844bc454e4438f44e",
    "vitalik.eth", "->", ",", "?", "!", "\x00F9\x00", "😀", "-3", "1e9", "0.000000001", "∞", "%%", "$", "x",
]  # fmt: skip


def test_random_fragments_never_raise_and_always_serialise() -> None:
    rng = random.Random(20261125)
    for _ in range(3000):
        text = " ".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 9)))
        line = to_json_line(parse(text))
        assert "\n" not in line and json.loads(line)["kind"]


def test_unclear_or_hostile_texts_are_questions() -> None:
    for text in [
        "",
        "   ",
        "?",
        "\x00F0\x00",
        "swap swap swap",
        "x" * 5000,
        "ETH ETH",
        "100",
        "$$$",
        "to for with",
    ]:
        assert isinstance(parse(text), ClarifyIntent), text


def test_huge_or_tiny_numbers_do_not_crash() -> None:
    for text in ["swap 1e999 ETH for USDC", "swap 99999999999999999999999999999999 ETH for USDC",
                 "swap 0.000000000000000000000001 ETH for USDC"]:  # fmt: skip
        json.loads(to_json_line(parse(text)))
