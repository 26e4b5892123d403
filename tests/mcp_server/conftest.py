"""MCP servers over the paper venue with fixed prices (no market data needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.settings import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, portfolio="test")  # type: ignore[call-arg]
