"""Durable checkpoints in SQLite, with deserialisation limited to our own state types."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from agent.risk.gate import Proposal
from connectors.domain import (
    ACTION_TYPES,
    Fill,
    Holdings,
    MarketView,
    Position,
    Side,
    SizeUnit,
    Verdict,
    VerdictStatus,
    Violation,
)
from connectors.domain.market import FillStatus

STATE_TYPES: tuple[type, ...] = (
    *ACTION_TYPES,
    Proposal,
    Verdict,
    VerdictStatus,
    Violation,
    Fill,
    FillStatus,
    Holdings,
    Position,
    MarketView,
    Side,
    SizeUnit,
)


def serializer() -> JsonPlusSerializer:
    return JsonPlusSerializer(allowed_msgpack_modules=[(t.__module__, t.__name__) for t in STATE_TYPES])


@asynccontextmanager
async def sqlite_checkpointer(path: Path | str) -> AsyncIterator[AsyncSqliteSaver]:
    """An AsyncSqliteSaver on `path`; use with durability="sync" for trading runs."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    async with AsyncSqliteSaver.from_conn_string(str(path)) as saver:
        saver.serde = serializer()
        yield saver
