"""`database_url` picks Postgres for the ledger, kill switch and checkpoints; unset keeps the SQLite files."""

from __future__ import annotations

import pytest
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from agent.checkpoint import open_checkpointer
from agent.ledger import ledger_for
from agent.pg import redact
from agent.risk import TradingState
from agent.risk.killswitch import kill_switch_for
from agent.settings import Settings, load_settings
from connectors.errors import ConfigError


def test_unset_keeps_the_sqlite_files_under_data_dir(tmp_path):
    settings = Settings(data_dir=tmp_path, portfolio="p")
    assert settings.database_url is None
    assert ledger_for(settings).path == settings.ledger_path and settings.ledger_path.exists()
    kill_switch_for(settings).set(TradingState.HALTED)
    assert settings.kill_switch_path.exists()


async def test_unset_checkpoints_in_the_sqlite_file(tmp_path):
    settings = Settings(data_dir=tmp_path, portfolio="p")
    async with open_checkpointer(settings) as saver:
        assert isinstance(saver, AsyncSqliteSaver)
    assert settings.checkpoint_path.exists()


@pytest.mark.parametrize("url", ["sqlite:///x.db", "mysql://u@h/db", "not a url"])
def test_a_non_postgres_url_is_a_clear_config_error(tmp_path, url):
    with pytest.raises(ConfigError, match="database_url"):
        load_settings(data_dir=tmp_path, database_url=url)


def test_the_url_env_var_is_read_and_its_password_never_printed(tmp_path, monkeypatch):
    monkeypatch.setenv("DEFAI_DATABASE_URL", "postgresql://bot:hunter2-secret@db.internal:5432/defai")
    settings = Settings(data_dir=tmp_path, portfolio="main")
    assert settings.database_url_value == "postgresql://bot:hunter2-secret@db.internal:5432/defai"
    assert "hunter2" not in repr(settings) and "hunter2" not in str(settings.model_dump())
    assert redact(settings.database_url_value) == "postgresql://bot:***@db.internal:5432/defai"
    assert settings.database_schema == "defai_main"
    assert redact("postgresql://h/db?sslmode=require&password=hunter2") == (
        "postgresql://h/db?sslmode=require&password=***"
    )
    assert redact("postgresql://u@h/db") == "postgresql://u@h/db"


def test_each_portfolio_gets_its_own_schema(tmp_path, postgres_url):
    import psycopg

    main = Settings(data_dir=tmp_path, portfolio="main", database_url=postgres_url)
    other = Settings(data_dir=tmp_path, portfolio="Other-1", database_url=postgres_url)
    ledger = ledger_for(main)
    assert ledger.location.endswith("(schema defai_main)")
    ledger.audit("event", {"n": 1})
    kill_switch_for(main).set(TradingState.HALTED, "main only")
    assert ledger_for(other).verify().count == 0 and ledger_for(main).verify().count == 1
    assert kill_switch_for(other).state is TradingState.ACTIVE
    assert kill_switch_for(main).state is TradingState.HALTED
    assert not list(tmp_path.iterdir())  # nothing fell back to SQLite files
    with psycopg.connect(postgres_url) as db:
        schemas = {r[0] for r in db.execute("SELECT nspname FROM pg_namespace")}
    assert {"defai_main", "defai_Other-1"} <= schemas


def test_a_sqlalchemy_style_url_is_accepted(postgres_url, pg_schema):
    from agent.ledger import Ledger

    url = postgres_url.replace("postgresql://", "postgresql+psycopg://")
    Ledger(url, schema=pg_schema).audit("event", {})
    assert Ledger(postgres_url, schema=pg_schema).verify().count == 1


def test_a_dropped_postgres_connection_is_replaced_and_a_failed_write_rolls_back(postgres_url, pg_schema):
    import psycopg

    from agent.ledger import Ledger

    ledger = Ledger(postgres_url, schema=pg_schema)
    ledger.audit("event", {"n": 1})
    with psycopg.connect(postgres_url, autocommit=True) as admin:  # e.g. a server restart or idle timeout
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE pid <> pg_backend_pid() AND datname = current_database() AND backend_type = 'client backend'"
        )
    ledger.audit("event", {"n": 2})  # reconnects instead of failing
    with pytest.raises(RuntimeError), ledger._tx() as db:  # a write that fails half-way is rolled back
        db.execute("INSERT INTO orders (client_id, state) VALUES (?, 'sent')", ("c1",))
        raise RuntimeError("crash before commit")
    assert ledger.unsettled_orders() == [] and ledger.verify().count == 2 and ledger.verify().ok
