"""The registry as LangChain tools: same functions, same schemas, errors as text for the model."""

from __future__ import annotations

import json
from decimal import Decimal

from agent.tools import TOOLS, ToolContext
from agent.tools.langchain import langchain_tools


async def test_read_only_by_default_and_all_with_trade(tools: ToolContext) -> None:
    read_only = {t.name for t in langchain_tools(tools)}
    everything = {t.name for t in langchain_tools(tools, allow_trade=True)}
    assert read_only == {t.name for t in TOOLS if not t.write}
    assert everything == {t.name for t in TOOLS}


async def test_tool_runs_the_registry_function(tools: ToolContext) -> None:
    by_name = {t.name: t for t in langchain_tools(tools)}
    out = json.loads(await by_name["get_portfolio"].ainvoke({}))
    assert Decimal(out["total_value_usd"]) == Decimal("35000.00")
    assert by_name["get_prices"].args_schema is not None


async def test_failures_come_back_as_actionable_text(tools: ToolContext) -> None:
    by_name = {t.name: t for t in langchain_tools(tools, allow_trade=True)}
    answer = await by_name["execute_plan"].ainvoke({"token": "cfm-does-not-exist"})
    assert "call preview_intent again" in answer
    answer = await by_name["cancel_schedule"].ainvoke({"job_id": "nope"})
    assert "call list_schedules" in answer
