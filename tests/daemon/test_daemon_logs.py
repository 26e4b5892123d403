"""JSON logs: one object per line, fields kept, secrets redacted, exceptions captured."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from decimal import Decimal

import pytest

from agent.daemon import configure_logging, log_event


@pytest.fixture(autouse=True)
def restore_root_logger() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_events_are_json_lines_with_fields_and_redacted_secrets() -> None:
    stream = io.StringIO()
    configure_logging("INFO", stream)
    log = logging.getLogger("defai.test")
    log_event(log, "tick.done", job="strategy:x", fills=2, notional=Decimal("12.50"), api_key="sk-123")
    try:
        raise ValueError("boom")
    except ValueError:
        log_event(log, "tick.crashed", level=logging.ERROR, exc_info=True, job="strategy:x")
    log_event(log, "too.quiet", level=logging.DEBUG)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [e["event"] for e in lines] == ["tick.done", "tick.crashed"]
    done, crashed = lines
    assert done["job"] == "strategy:x" and done["fills"] == 2 and done["notional"] == "12.50"
    assert done["api_key"] == "***" and "sk-123" not in stream.getvalue()
    assert done["level"] == "INFO" and done["logger"] == "defai.test" and done["ts"].endswith("+00:00")
    assert crashed["exc_type"] == "ValueError" and "boom" in crashed["exc"]


def test_configure_is_idempotent() -> None:
    first, second = io.StringIO(), io.StringIO()
    configure_logging("INFO", first)
    configure_logging("INFO", second)
    logging.getLogger("defai.test").info("once")
    assert first.getvalue() == "" and second.getvalue().count("once") == 1
