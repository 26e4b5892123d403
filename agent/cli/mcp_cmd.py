"""`defai mcp`: serve the agent's tools over MCP — stdio for desktop clients, streamable HTTP with a token."""

from __future__ import annotations

import os

import typer

from agent.cli.common import err_console, friendly, settings
from agent.tools import READ_SCOPE, TRADE_SCOPE
from connectors.errors import ConfigError


@friendly
def serve(
    http: bool = typer.Option(False, "--http", help="Serve streamable HTTP at /mcp instead of stdio."),
    host: str | None = typer.Option(None, "--host", help="HTTP bind address (default: settings mcp.host)."),
    port: int | None = typer.Option(None, "--port", help="HTTP port (default: settings mcp.port)."),
    trade: bool = typer.Option(
        False, "--trade", help="stdio only: grant the trade scope (execute_plan, schedule, pause/resume)."
    ),
) -> None:
    """Serve the defai tools over MCP (paper trading; read-only unless granted the trade scope)."""
    from mcp_server.auth import StaticTokenVerifier, is_loopback
    from mcp_server.server import build_server

    cfg = settings()
    if cfg.live:
        err_console.print(
            "note: the MCP server trades on the paper venue; live venues are not exposed over MCP"
        )
    if not http:
        scopes = (READ_SCOPE, TRADE_SCOPE) if trade else (READ_SCOPE,)
        build_server(cfg, default_scopes=scopes).run("stdio")
        return
    if trade:
        raise ConfigError("--trade is for stdio; over HTTP the trade scope comes from a trade token")
    bind = host or cfg.mcp.host
    bind_port = port if port is not None else cfg.mcp.port
    token = cfg.mcp.token.get_secret_value() if cfg.mcp.token else os.environ.get("DEFAI_MCP_TOKEN", "")
    trade_tokens = [t.get_secret_value() for t in cfg.mcp.trade_tokens]
    if not token and not trade_tokens:
        where = "a loopback address" if is_loopback(bind) else f"{bind} (not loopback)"
        raise ConfigError(
            f"refusing to serve HTTP on {where} without a bearer token: set DEFAI_MCP_TOKEN "
            "(read-only) and/or DEFAI_MCP__TRADE_TOKENS='[\"...\"]' (trade scope)"
        )
    verifier = StaticTokenVerifier([token] if token else [], trade_tokens)
    err_console.print(f"defai MCP over HTTP at http://{bind}:{bind_port}/mcp (bearer token required)")
    server = build_server(cfg, token_verifier=verifier, base_url=f"http://{bind}:{bind_port}")
    server.run("streamable-http", host=bind, port=bind_port)
