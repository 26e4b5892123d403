"""The blind holdout (holdout_blind.jsonl): phrasings written before reading the parser, all must parse exactly.

Addresses compare exactly (the contract promises checksummed `to`); other fields as in test_cases.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pytest

from agent.intents import INTENT_KINDS, parse, to_contract

HOLDOUT = [
    json.loads(line)
    for line in (Path(__file__).parent / "holdout_blind.jsonl").read_text().splitlines()
    if line.strip()
]


def _same(key: str, a: Any, b: Any) -> bool:
    if key == "to":
        return bool(a == b)
    try:
        return abs(Decimal(str(a)) - Decimal(str(b))) <= Decimal("0.001")
    except InvalidOperation:
        return str(a).strip().lower() == str(b).strip().lower()


@pytest.mark.parametrize("case", HOLDOUT, ids=[c["text"][:60] for c in HOLDOUT])
def test_holdout_case(case: dict[str, Any]) -> None:
    got = to_contract(parse(case["text"]))
    wrong = {k: got.get(k) for k, v in case["expect"].items() if k not in got or not _same(k, got[k], v)}
    assert not wrong, f"{case['text']!r}: expected {case['expect']}, got {got}"


def test_holdout_is_large_covers_every_kind_and_a_fifth_asks() -> None:
    kinds = [c["expect"]["kind"] for c in HOLDOUT]
    assert len(HOLDOUT) >= 200
    assert set(kinds) == set(INTENT_KINDS)
    assert kinds.count("clarify") >= len(HOLDOUT) // 6


def test_holdout_texts_are_unique() -> None:
    texts = [c["text"].lower() for c in HOLDOUT]
    assert len(texts) == len(set(texts))
