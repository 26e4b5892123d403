"""The public phrasing set (cases.jsonl): every case must parse to exactly the expected contract fields."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pytest

from agent.intents import INTENT_KINDS, parse, to_contract

CASES = [
    json.loads(line) for line in (Path(__file__).parent / "cases.jsonl").read_text().splitlines() if line
]


def _same(a: Any, b: Any) -> bool:
    try:
        return abs(Decimal(str(a)) - Decimal(str(b))) <= Decimal("0.001")
    except InvalidOperation:
        return str(a).strip().lower() == str(b).strip().lower()


@pytest.mark.parametrize("case", CASES, ids=[c["text"][:60] for c in CASES])
def test_case(case: dict[str, Any]) -> None:
    got = to_contract(parse(case["text"]))
    wrong = {k: got.get(k) for k, v in case["expect"].items() if k not in got or not _same(got[k], v)}
    assert not wrong, f"{case['text']!r}: expected {case['expect']}, got {got}"


def test_set_is_large_and_covers_every_kind() -> None:
    assert len(CASES) >= 150
    assert {c["expect"]["kind"] for c in CASES} == set(INTENT_KINDS)


def test_clarifications_ask_a_question_and_carry_no_action_fields() -> None:
    for case in CASES:
        if case["expect"]["kind"] == "clarify":
            got = to_contract(parse(case["text"]))
            assert set(got) == {"kind", "question"}, got
            assert got["question"].endswith("?"), got["question"]
