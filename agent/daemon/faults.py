"""Test-only fault injection: crash the daemon at a precise point of sending an order.

`DEFAI_DAEMON_FAULT=kill_after_send[:N]` SIGKILLs this process right after the venue accepted its
N-th order (the fill exists at the venue, not yet in the ledger or checkpoint); `kill_before_send[:N]`
right before the venue sees it (the ledger already marked it sent). Unset in normal operation.
"""

from __future__ import annotations

import os
import signal

from connectors.domain import Action, Fill
from connectors.protocol import Connector
from connectors.wrapper import ConnectorWrapper

ENV = "DEFAI_DAEMON_FAULT"
_POINTS = ("kill_after_send", "kill_before_send")


def parse_fault(text: str | None) -> tuple[str, int] | None:
    if not text:
        return None
    point, _, count = text.partition(":")
    if point not in _POINTS or (count and not count.isdigit()):
        raise ValueError(f"{ENV} must be one of {', '.join(_POINTS)} with an optional ':N', got {text!r}")
    return point, int(count or 1)


class CrashingVenue(ConnectorWrapper):
    """Wraps a venue; delegates everything, and kills the process at the configured send."""

    def __init__(self, inner: Connector, point: str, nth: int, counter: list[int]) -> None:
        super().__init__(inner)
        self._point = point
        self._nth = nth
        self._counter = counter

    async def execute(self, action: Action, *, client_id: str) -> Fill:
        self._counter[0] += 1
        hit = self._counter[0] == self._nth
        if hit and self._point == "kill_before_send":
            os.kill(os.getpid(), signal.SIGKILL)
        fill = await self._inner.execute(action, client_id=client_id)
        if hit and self._point == "kill_after_send":
            os.kill(os.getpid(), signal.SIGKILL)
        return fill


def with_faults(venues: dict[str, Connector], env: dict[str, str] | None = None) -> dict[str, Connector]:
    """The venues, wrapped when the fault variable is set (one send counter across all venues)."""
    fault = parse_fault((env if env is not None else os.environ).get(ENV))
    if fault is None:
        return venues
    counter = [0]
    return {name: CrashingVenue(v, fault[0], fault[1], counter) for name, v in venues.items()}
