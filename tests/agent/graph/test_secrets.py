"""A planted key never appears in logs, graph state, checkpoints, the ledger, the paper store or errors."""

from __future__ import annotations

import logging
from decimal import Decimal

from agent.checkpoint import sqlite_checkpointer
from agent.graph import build_graph
from agent.runner import resume, run_tick
from agent.settings import load_settings
from connectors.domain import Swap

PLANTED = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"
TOKEN = "planted-mcp-token-7f3a"


async def test_planted_secrets_leak_nowhere(tmp_path, monkeypatch, caplog, deps):
    monkeypatch.setenv("DEFAI_EVM__PRIVATE_KEY", PLANTED)
    monkeypatch.setenv("DEFAI_MCP__TOKEN", TOKEN)
    settings = load_settings(data_dir=tmp_path)
    assert settings.mcp.token is not None and settings.mcp.token.get_secret_value() == TOKEN
    assert TOKEN not in repr(settings) and TOKEN not in str(settings.model_dump())
    deps.settings = settings
    caplog.set_level(logging.DEBUG)
    deps.strategy.queue += [
        [Swap(sell="USDC", buy="ETH", amount=Decimal(6000))],
        [Swap(sell="ETH", buy="USDC", amount=Decimal(50))],  # rejected: holds ~2 ETH
    ]
    path = tmp_path / "ckpt.sqlite"
    async with sqlite_checkpointer(path) as saver:
        graph = build_graph(checkpointer=saver)
        await run_tick(graph, deps, "t", "r1")
        await resume(graph, deps, "t", "approve")
        result = await run_tick(graph, deps, "t", "r2")
        state = (await graph.aget_state({"configurable": {"thread_id": "t"}})).values
    texts = [caplog.text, repr(state), repr(result), *result.errors]
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any(p.name.startswith("ckpt") for p in files) and deps.ledger.path.exists()
    blobs = [p.read_bytes() for p in files]
    for secret in (PLANTED, PLANTED[2:], TOKEN):
        assert not any(secret in t for t in texts), secret
        assert not any(secret.encode() in b for b in blobs), secret
