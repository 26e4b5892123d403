"""Who may do what on this connection, and the shared tool context of the server's lifespan."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.mcpserver import Context

from agent.tools import ToolContext


def granted_scopes(default: Collection[str]) -> frozenset[str]:
    """Scopes of the bearer token on HTTP; on stdio / in-process, the server's configured default."""
    token = get_access_token()
    return frozenset(token.scopes) if token is not None else frozenset(default)


def tool_context(ctx: Context[Any, Any]) -> ToolContext:
    tools: ToolContext = ctx.request_context.lifespan_context
    return tools
