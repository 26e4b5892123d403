"""The one tool registry shared by the LangGraph agent and the MCP server (no second implementation)."""

from agent.tools.context import ToolContext, open_tool_context
from agent.tools.errors import PermissionDenied, ToolFailure, explain
from agent.tools.plans import PlanStore, StoredPlan
from agent.tools.registry import BY_NAME, READ_SCOPE, TOOLS, TRADE_SCOPE, ToolSpec, call

__all__ = [
    "BY_NAME",
    "READ_SCOPE",
    "TOOLS",
    "TRADE_SCOPE",
    "PermissionDenied",
    "PlanStore",
    "StoredPlan",
    "ToolContext",
    "ToolFailure",
    "ToolSpec",
    "call",
    "explain",
    "open_tool_context",
]
