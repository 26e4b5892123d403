"""Ask the user to confirm a large trade through MCP elicitation, when the client supports it.

Without elicitation support, the two-step preview -> execute (with the user reading the preview) is the
confirmation. Works on both protocol eras through the SDK's resolver mechanism.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.resolve import Elicit
from pydantic import BaseModel, Field

from agent.tools import TRADE_SCOPE, ToolFailure
from mcp_server.scopes import granted_scopes, tool_context


class ConfirmTrade(BaseModel):
    confirm: bool = Field(description="Execute this trade now?")


def supports_elicitation(ctx: Context[Any, Any]) -> bool:
    caps = ctx.client_capabilities
    elicitation = caps.elicitation if caps is not None else None
    return elicitation is not None and (elicitation.form is not None or elicitation.url is None)


def confirmation_resolver(
    default_scopes: Collection[str],
) -> Callable[..., Any]:
    """A resolver for execute_plan's `confirmation` parameter."""

    async def confirm_execution(token: str, ctx: Context[Any, Any]) -> Elicit[ConfirmTrade] | ConfirmTrade:
        if TRADE_SCOPE not in granted_scopes(default_scopes):
            return ConfirmTrade(confirm=True)  # the tool body refuses with a scope error
        try:
            plan = tool_context(ctx).plans.peek(token)
        except ToolFailure:
            return ConfirmTrade(confirm=True)  # the tool body reports the bad token
        if not plan.needs_approval or not supports_elicitation(ctx):
            return ConfirmTrade(confirm=True)
        message = (
            f"Confirm trade (${plan.total_notional_usd:,.2f}, above the approval threshold): {plan.describe()}. "
            f"Previewed as: {plan.text!r}."
        )
        return Elicit(message, ConfirmTrade)

    return confirm_execution
