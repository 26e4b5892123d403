"""The same registry as LangChain tools, for a LangGraph agent (e.g. `create_react_agent(model, tools)`).

Tool failures come back to the model as text it can act on (never a traceback). Write tools are only
included when the caller grants them, mirroring the MCP `trade` scope.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from langchain_core.tools import StructuredTool, ToolException

from agent.tools.context import ToolContext
from agent.tools.errors import explain
from agent.tools.registry import TOOLS, ToolSpec


def _runner(spec: ToolSpec, ctx: ToolContext) -> Callable[..., Awaitable[str]]:
    async def run(**kwargs: Any) -> str:
        try:
            result = await spec.fn(ctx, spec.input.model_validate(kwargs))
        except Exception as exc:
            raise ToolException(explain(exc)) from None
        return result.model_dump_json()

    return run


def langchain_tools(ctx: ToolContext, *, allow_trade: bool = False) -> list[StructuredTool]:
    """One StructuredTool per registry tool; write tools only with `allow_trade=True`."""
    return [
        StructuredTool.from_function(
            coroutine=_runner(spec, ctx),
            name=spec.name,
            description=spec.description,
            args_schema=spec.input,
            handle_tool_error=True,
        )
        for spec in TOOLS
        if allow_trade or not spec.write
    ]
