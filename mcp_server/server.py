"""The defai MCP server: every registry tool, three resources, shared resources built once per lifespan."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Collection
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from mcp.server.auth.provider import TokenVerifier
from mcp.server.auth.settings import AuthSettings
from mcp.server.mcpserver import MCPServer

from agent.settings import Settings
from agent.tools import READ_SCOPE, TOOLS, ToolContext, open_tool_context
from mcp_server.adapter import register
from mcp_server.resources import register_resources

INSTRUCTIONS = """defai manages a DeFi/perps portfolio (paper trading unless the operator enabled live).
To trade: preview_intent with the user's words -> show the plan, quotes and risk verdict -> only after the
user agrees, execute_plan with the confirmation_token. Amounts are in each asset's own units.
If parse_intent or preview_intent asks a clarifying question, ask the user; never guess amounts or assets.
pause_trading is the kill switch."""

ContextFactory = Callable[[Settings], AbstractAsyncContextManager[ToolContext]]


def build_server(
    settings: Settings,
    *,
    default_scopes: Collection[str] = (READ_SCOPE,),
    token_verifier: TokenVerifier | None = None,
    base_url: str = "http://127.0.0.1",
    context_factory: ContextFactory = open_tool_context,
) -> MCPServer[ToolContext]:
    """Build the server. `default_scopes` apply where no bearer token exists (stdio, in-process)."""
    holder: dict[str, ToolContext] = {}

    @asynccontextmanager
    async def lifespan(_: MCPServer[ToolContext]) -> AsyncIterator[ToolContext]:
        async with context_factory(settings) as tools:
            holder["tools"] = tools
            try:
                yield tools
            finally:
                holder.pop("tools", None)

    auth = None
    if token_verifier is not None:
        auth = AuthSettings(issuer_url=base_url, resource_server_url=None, required_scopes=[READ_SCOPE])  # type: ignore[arg-type]
    server: MCPServer[ToolContext] = MCPServer(
        "defai",
        title="defai trading agent",
        instructions=INSTRUCTIONS,
        version="0.1.0",
        token_verifier=token_verifier,
        auth=auth,
        lifespan=lifespan,
        log_level="WARNING",
    )
    for spec in TOOLS:
        register(server, spec, default_scopes)
    register_resources(server, lambda: holder["tools"])
    return server
