"""A real tool context: the paper venue with fixed prices, SQLite ledger, kill switch, job store, graph."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from agent.settings import Settings
from agent.tools import ToolContext
from agent.tools.testing import fixed_price_tool_context


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, portfolio="test")  # type: ignore[call-arg]


@pytest.fixture
async def tools(settings: Settings) -> AsyncIterator[ToolContext]:
    async with fixed_price_tool_context(settings) as ctx:
        yield ctx
