"""Durable checkpoints in SQLite (default) or Postgres, with deserialisation limited to our own state types."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import aiosqlite
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from agent import pg
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

if TYPE_CHECKING:
    from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver

    from agent.settings import Settings

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


@asynccontextmanager
async def postgres_checkpointer(url: str, schema: str | None = None) -> AsyncIterator[AsyncPostgresSaver]:
    """An AsyncPostgresSaver on `url` (tables in `schema`, created if missing); durability="sync" for trading.

    Every committed step is durable per the server's own settings (synchronous_commit).
    """
    conninfo = pg.postgres_url(url)
    if conninfo is None:
        raise ValueError("postgres_checkpointer needs a postgresql:// URL")
    try:
        from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver
        from psycopg import AsyncConnection, sql
        from psycopg.rows import dict_row
    except ImportError:  # pragma: no cover - exercised only without the extra
        from connectors.errors import ConfigError

        raise ConfigError(
            "Postgres checkpoints need langgraph-checkpoint-postgres: pip install 'defai[postgres]'"
        ) from None
    async with await AsyncConnection.connect(
        conninfo, autocommit=True, prepare_threshold=0, row_factory=dict_row
    ) as conn:
        # One setup at a time: the library's CREATE IF NOT EXISTS and migration inserts race otherwise.
        await conn.execute("SELECT pg_advisory_lock(%s)", (pg.DDL_LOCK_KEY,))
        try:
            if schema is not None:
                await conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
                await conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema)))
            saver = AsyncPostgresSaver(conn, serde=serializer())
            await saver.setup()
        finally:
            await conn.execute("SELECT pg_advisory_unlock(%s)", (pg.DDL_LOCK_KEY,))
        yield saver


@asynccontextmanager
async def open_checkpointer(settings: Settings) -> AsyncIterator[BaseCheckpointSaver[str]]:
    """The checkpointer the settings ask for: Postgres when `database_url` is set, else the SQLite file."""
    url = settings.database_url_value
    if url is None:
        async with sqlite_checkpointer(settings.checkpoint_path) as saver:
            yield saver
    else:
        async with postgres_checkpointer(url, settings.database_schema) as psaver:
            yield psaver
