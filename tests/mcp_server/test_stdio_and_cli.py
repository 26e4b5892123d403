"""A real `defai mcp` subprocess over stdio, and the CLI's refusals (no token / --trade over HTTP)."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from mcp import Client, StdioServerParameters
from typer.testing import CliRunner

from agent.cli.main import app
from agent.tools import TOOLS

DEFAI = shutil.which("defai", path=str(Path(sys.executable).parent)) or shutil.which("defai")
needs_cli = pytest.mark.skipif(DEFAI is None, reason="the `defai` console script is not installed")


def server_params(data_dir: Path, *args: str) -> StdioServerParameters:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEFAI_")} | {
        "DEFAI_DATA_DIR": str(data_dir)
    }
    assert DEFAI is not None
    return StdioServerParameters(command=DEFAI, args=["mcp", *args], env=env)


@needs_cli
@pytest.mark.parametrize("mode", ["legacy", "auto"])
async def test_stdio_subprocess_lists_tools_and_answers(tmp_path: Path, mode: str) -> None:
    async with Client(server_params(tmp_path), mode=mode) as client:  # type: ignore[arg-type]
        names = {t.name for t in (await client.list_tools()).tools}
        parsed = await client.call_tool("parse_intent", {"text": "swap 4 WETH for DAI"})
        portfolio = await client.call_tool("get_portfolio", {})
        denied = await client.call_tool("pause_trading", {"reason": "read-only by default"})
    assert names == {t.name for t in TOOLS}
    assert parsed.structured_content is not None and parsed.structured_content["kind"] == "swap"
    assert portfolio.structured_content is not None and portfolio.structured_content["mode"] == "paper"
    assert denied.is_error and "--trade" in denied.content[0].text  # type: ignore[union-attr]


@needs_cli
async def test_stdio_with_trade_flag_can_pause(tmp_path: Path) -> None:
    async with Client(server_params(tmp_path, "--trade"), mode="legacy") as client:
        halted = await client.call_tool("pause_trading", {"reason": "operator"})
    assert halted.structured_content is not None and halted.structured_content["trading_state"] == "halted"


@pytest.mark.parametrize("host", ["0.0.0.0", "127.0.0.1"])
def test_http_refuses_to_start_without_a_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, host: str
) -> None:
    monkeypatch.delenv("DEFAI_MCP_TOKEN", raising=False)
    monkeypatch.delenv("DEFAI_MCP__TOKEN", raising=False)
    monkeypatch.delenv("DEFAI_MCP__TRADE_TOKENS", raising=False)
    monkeypatch.setenv("DEFAI_DATA_DIR", str(tmp_path))
    result = CliRunner().invoke(app, ["mcp", "--http", "--host", host, "--port", "1"])
    assert result.exit_code == 2
    assert "refusing to serve HTTP" in result.output and "DEFAI_MCP_TOKEN" in result.output
    assert ("not loopback" in result.output) is (host == "0.0.0.0")


def test_trade_flag_is_refused_over_http(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEFAI_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DEFAI_MCP_TOKEN", "secret-token-value")
    result = CliRunner().invoke(app, ["mcp", "--http", "--trade", "--port", "1"])
    assert result.exit_code == 2 and "trade token" in result.output
    assert "secret-token-value" not in result.output
