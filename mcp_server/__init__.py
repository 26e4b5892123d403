"""The defai MCP server: the agent's tool registry over stdio and bearer-token streamable HTTP."""

from mcp_server.auth import StaticTokenVerifier, is_loopback
from mcp_server.server import build_server

__all__ = ["StaticTokenVerifier", "build_server", "is_loopback"]
