"""Durable checkpoints in SQLite, with deserialisation limited to our own state types."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite
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
    """An AsyncSqliteSaver on `path`; use with durability="sync" for trading runs.

    WAL with synchronous=NORMAL: every committed step survives a killed process (kill -9); only an
    OS crash or power loss can drop the last commits, which the ledger/venue reconciliation covers.
    """
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    async with aiosqlite.connect(str(path)) as conn:
        await conn.execute("PRAGMA journal_mode=WAL")
        await conn.execute("PRAGMA synchronous=NORMAL")
        yield AsyncSqliteSaver(conn, serde=serializer())
