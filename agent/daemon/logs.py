"""Structured JSON logs: the one place the daemon configures logging.

Modules log events as `log_event(logger, "tick.done", job="strategy:x", fills=1)`; each record
becomes one JSON line `{"ts", "level", "logger", "event", ...fields}` on stderr.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from decimal import Decimal
from typing import IO, Any

_FIELDS = "defai_fields"
_SECRET_WORDS = ("key", "secret", "token", "password", "mnemonic", "private")


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def _redact(fields: dict[str, Any]) -> dict[str, Any]:
    return {k: "***" if any(w in k.lower() for w in _SECRET_WORDS) else v for k, v in fields.items()}


class JsonFormatter(logging.Formatter):
    """One JSON object per line; fields whose name looks secret are redacted."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "event": record.getMessage(),
        }
        fields = getattr(record, _FIELDS, None)
        if isinstance(fields, dict):
            entry.update(_redact({k: _plain(v) for k, v in fields.items()}))
        if record.exc_info and record.exc_info[0] is not None:
            entry["exc_type"] = record.exc_info[0].__name__
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def log_event(
    logger: logging.Logger, event: str, *, level: int = logging.INFO, exc_info: bool = False, **fields: Any
) -> None:
    """Log `event` with key/value fields (rendered as JSON by JsonFormatter)."""
    logger.log(level, event, exc_info=exc_info, extra={_FIELDS: fields})


def configure_logging(level: str = "INFO", stream: IO[str] | None = None) -> None:
    """Route every logger to one JSON handler on `stream` (stderr by default); idempotent."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_defai_json", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter())
    handler._defai_json = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    for noisy in ("apscheduler", "httpx", "aiosqlite", "web3", "urllib3"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
