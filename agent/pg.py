"""PostgreSQL plumbing shared by the ledger and the kill switch (the SQLite files stay the default).

A store keeps one connection open (reconnecting when it breaks) and runs each unit of work in a real
transaction. Statements are written once, with SQLite's `?` placeholders; `PgTx` maps them to `%s`.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from connectors.errors import ConfigError

if TYPE_CHECKING:
    import psycopg

SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
DDL_LOCK_KEY = 0x64656661_69444C  # pg_advisory_xact_lock key: one schema/table creation at a time
MAX_IDENTIFIER = 63


def postgres_url(location: object) -> str | None:
    """The libpq URL when `location` is a Postgres URL (a SQLAlchemy `+psycopg` one is accepted), else None."""
    if isinstance(location, Path) or not isinstance(location, str) or "://" not in location:
        return None
    scheme, rest = location.split("://", 1)
    if scheme.lower() not in SCHEMES:
        raise ConfigError(f"unsupported database URL scheme {scheme!r}: use postgresql:// (or a file path)")
    return "postgresql://" + rest


def redact(url: str) -> str:
    """The URL with any password (in the userinfo or a `password=` parameter) replaced by ***."""
    parts = urlsplit(url)
    if parts.password is not None:
        userinfo, host = parts.netloc.rsplit("@", 1)
        parts = parts._replace(netloc=f"{userinfo.split(':', 1)[0]}:***@{host}")
    query = "&".join(
        "password=***" if item.split("=", 1)[0].lower() == "password" else item
        for item in parts.query.split("&")
    )
    return urlunsplit(parts._replace(query=query))


def schema_for(portfolio: str) -> str:
    """The Postgres schema holding one portfolio's ledger, kill switch and checkpoints."""
    name = f"defai_{portfolio}"
    if len(name.encode()) > MAX_IDENTIFIER:
        raise ConfigError(f"portfolio name too long for a Postgres schema (max {MAX_IDENTIFIER - 6} bytes)")
    return name


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError:  # pragma: no cover - exercised only without the extra
        raise ConfigError(
            "a postgresql:// database URL needs psycopg: pip install 'defai[postgres]'"
        ) from None
    return psycopg


class PgTx:
    """The `execute` surface our SQLite code uses, on a psycopg connection inside a transaction."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        if "%" in sql:
            raise ValueError("statements must use ? placeholders and no literal %")
        return self.conn.execute(sql.replace("?", "%s"), tuple(params))

    def lock_table(self, table: str) -> None:
        """Hold `table` against other writers until commit (readers still read): serialises appends."""
        self.conn.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")


class PgStore:
    """One kept-open connection on `url` with `search_path` set to `schema` (created on first use)."""

    def __init__(self, url: str, schema: str | None = None) -> None:
        self.url = url
        self.schema = schema
        self._conn: psycopg.Connection[Any] | None = None
        self._lock = threading.RLock()

    def _connection(self) -> psycopg.Connection[Any]:
        conn = self._conn
        if conn is None or conn.closed or conn.broken:
            psycopg = _psycopg()
            conn = psycopg.connect(self.url, autocommit=True)
            if self.schema is not None:
                conn.execute(
                    psycopg.sql.SQL("SET search_path TO {}").format(psycopg.sql.Identifier(self.schema))
                )
            self._conn = conn
        return conn

    def _begin(self) -> psycopg.Connection[Any]:
        """BEGIN on the kept connection; one reconnect when it died while idle (nothing was sent yet)."""
        psycopg = _psycopg()
        for attempt in (1, 2):
            conn = self._connection()
            try:
                conn.execute("BEGIN")
                return conn
            except psycopg.OperationalError:
                if attempt == 2 or not conn.broken:
                    raise
                self.close()
        raise AssertionError("unreachable")

    @contextmanager
    def transaction(self) -> Iterator[PgTx]:
        """A transaction on the kept connection; commits on success, rolls back on any exception."""
        with self._lock:
            conn = self._begin()
            try:
                yield PgTx(conn)
            except BaseException:
                if not conn.broken:
                    with contextlib.suppress(Exception):
                        conn.execute("ROLLBACK")
                raise
            else:
                conn.execute("COMMIT")
            finally:
                if conn.broken:
                    self.close()

    def create(self, ddl: str) -> None:
        """Create the schema and run `ddl` (;-separated), one process at a time (CREATE IF NOT EXISTS races)."""
        psycopg = _psycopg()
        with self.transaction() as tx:
            tx.conn.execute("SELECT pg_advisory_xact_lock(%s)", (DDL_LOCK_KEY,))
            if self.schema is not None:
                tx.conn.execute(
                    psycopg.sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(
                        psycopg.sql.Identifier(self.schema)
                    )
                )
            for statement in ddl.split(";"):
                if statement.strip():
                    tx.conn.execute(statement)

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
