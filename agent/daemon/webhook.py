"""Optional webhook notifications: one JSON POST per fill, rejection or error, never blocking a tick.

Delivery is best effort (a short timeout, one retry); a failing webhook is logged, never fatal.
Payloads carry what happened and why, never keys or settings.
"""

from __future__ import annotations

import asyncio
import json
import logging
import urllib.request
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from agent.daemon.logs import _plain, log_event

_log = logging.getLogger("defai.daemon.webhook")


class Notifier:
    """Posts `{"event", "at", "portfolio", ...}` to `url` for the enabled event kinds."""

    def __init__(
        self, url: str | None, events: Iterable[str], *, portfolio: str, timeout_s: float = 5.0
    ) -> None:
        self.url = url
        self.events = frozenset(events)
        self.portfolio = portfolio
        self.timeout_s = timeout_s
        self._pending: set[asyncio.Task[bool]] = set()

    def enabled(self, event: str) -> bool:
        return self.url is not None and event in self.events

    def notify(self, event: str, **fields: Any) -> None:
        """Schedule a POST in the background (needs a running loop); returns at once."""
        if not self.enabled(event):
            return
        payload = {"event": event, "at": datetime.now(UTC).isoformat(), "portfolio": self.portfolio}
        payload.update({k: _plain(v) for k, v in fields.items()})
        task = asyncio.get_running_loop().create_task(self.send(payload))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def send(self, payload: dict[str, Any]) -> bool:
        for attempt in (1, 2):
            try:
                await asyncio.to_thread(self._post, payload)
                return True
            except Exception as e:
                log_event(
                    _log,
                    "webhook.failed",
                    level=logging.WARNING,
                    attempt=attempt,
                    error=type(e).__name__,
                    detail=str(e)[:200],
                )
                await asyncio.sleep(0.5)
        return False

    def _post(self, payload: dict[str, Any]) -> None:
        assert self.url is not None
        data = json.dumps(payload).encode()
        request = urllib.request.Request(
            self.url,
            data=data,
            method="POST",
            headers={"Content-Type": "application/json", "User-Agent": "defai"},
        )
        with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
            response.read()

    async def drain(self, timeout_s: float = 5.0) -> None:
        """Wait for in-flight notifications (at shutdown)."""
        if self._pending:
            await asyncio.wait(set(self._pending), timeout=timeout_s)
