"""A clock for ledger tests that hands out whatever time it is given: any timezone, and backwards too
(a SimClock converts to UTC and refuses to run backwards)."""

from __future__ import annotations

from datetime import datetime


class SettableClock:
    def __init__(self, now: datetime) -> None:
        self.at = now

    def now(self) -> datetime:
        return self.at
