"""The curated public surface of agent.intents stays what callers (CLI, MCP tools) import."""

from __future__ import annotations

import agent.intents as intents
from agent.intents.models import INTENT_KINDS, intent_json_schema


def test_all_is_exactly_the_public_api() -> None:
    assert sorted(intents.__all__) == sorted(
        ["INTENT_KINDS", "BorrowIntent", "ClarifyIntent", "ClosePositionIntent", "DcaIntent", "DcaSchedule", "Intent",
         "OpenPositionIntent", "Plan", "PlanStep", "RankedOption", "RebalanceIntent", "RepayIntent", "SupplyIntent",
         "SwapIntent", "TransferIntent", "UnwrapIntent", "WithdrawIntent", "WrapIntent", "YieldGoalIntent",
         "YieldOption", "YieldReport", "intent_from_dict", "parse", "plan", "to_contract", "to_json_line"]
    )  # fmt: skip
    for name in intents.__all__:
        assert getattr(intents, name) is not None


def test_one_model_per_kind_in_the_schema() -> None:
    schema = intent_json_schema()
    kinds = {
        d["properties"]["kind"]["const"]
        for d in schema["$defs"].values()
        if "kind" in d.get("properties", {})
    }
    assert kinds == set(INTENT_KINDS)


def test_intent_dicts_round_trip_through_validation() -> None:
    for text in ["swap 4 WETH for DAI", "cut my ETH short by a third", "earn $300 a month from 5 ETH"]:
        intent = intents.parse(text)
        assert intents.intent_from_dict(intent.model_dump(mode="json")) == intent
