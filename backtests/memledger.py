"""The ledger a backtest uses: the same public methods and audit chain as `agent.ledger.Ledger`, in memory.

A backtest's ledger is thrown away after the run, so it needs no durability. Rows live in dicts, the
per-day risk totals are kept by day, and the hash-chained audit log is materialised on demand
(`audit_entries`, `verify`) from entries recorded in order: the chain is the one the SQLite ledger
would have written for the same calls. Verdicts and fills are frozen models, so they are stored as
objects and serialised only when the chain is read. Timestamps come from the simulated clock; rows
keep them as datetimes and the chain spells them (`isoformat`) when it is read, as SQLite would have
stored them. Rows are filed under their date as that text begins (`YYYY-MM-DD`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, tzinfo
from decimal import Decimal
from pathlib import Path
from typing import Any

from agent.ledger import Ledger, audit
from agent.ledger.audit import AuditReport, Row
from agent.risk import KillSwitch
from agent.risk.gate import DayStats
from agent.risk.killswitch import TradingState
from connectors.domain import Action, Fill, Verdict
from connectors.protocol import Clock

ZERO = Decimal(0)
Builder = Callable[..., dict[str, Any]]
Payload = str | dict[str, Any] | tuple[Builder, tuple[Any, ...]]
"""An audit entry's body: the stored JSON text, a dict, or (builder, args) built when the chain is read."""
VerdictRow = tuple[datetime, str, str, Verdict]
"""(at, its date, thread, verdict)."""


class _Dates:
    """`at.date().isoformat()` (how `at.isoformat()` begins) for times that mostly stay in one day.

    The last day is kept with its first and last instants in the same tzinfo: datetimes that share a
    tzinfo compare as wall times, so two comparisons tell whether `at` reads as that date (none when
    `at` is the very datetime asked about last).
    """

    __slots__ = ("_asked", "_date", "_first", "_last", "_tz")

    def __init__(self) -> None:
        self._asked: datetime | None = None
        self._tz: tzinfo | None = None
        self._first: datetime | None = None
        self._last = datetime.min
        self._date = ""

    def __call__(self, at: datetime) -> str:
        if at is self._asked:
            return self._date
        first = self._first
        self._asked = at
        if first is not None and at.tzinfo is self._tz and first <= at <= self._last:
            return self._date
        day = at.date()
        self._tz = at.tzinfo
        self._first = datetime.combine(day, time.min, at.tzinfo)
        self._last = datetime.combine(day, time.max, at.tzinfo)
        self._date = day.isoformat()
        return self._date


@dataclass(slots=True)
class _Order:
    day: str
    thread: str
    venue: str
    action: Action | dict[str, Any]
    notional_usd: str
    state: str


class MemoryLedger(Ledger):
    """`Ledger` without SQLite: same answers to the nodes' calls, same audit chain, nothing on disk."""

    def __init__(self, path: Path, clock: Clock) -> None:  # no super().__init__: it would create a file
        self._pg = None
        self._path = path
        self._clock = clock
        self._entries: list[tuple[datetime, str, Payload]] = []
        self._chain: list[Row] = []  # materialised prefix of _entries
        self._intents: list[tuple[str, datetime, str, str, dict[str, Any]]] = []  # (day, at, ...)
        self._verdicts: dict[str, list[VerdictRow]] = {}  # by client id
        self._orders: dict[str, _Order] = {}
        self._orders_by_day: dict[str, list[str]] = {}
        self._fills: dict[str, Fill] = {}
        self._fills_by_day: dict[str, list[Fill]] = {}
        self._day_notional: dict[str, Decimal] = {}  # running sums, in the order SQLite would add them
        self._day_pnl: dict[str, Decimal] = {}
        self._dates = _Dates()
        self._at: datetime | None = None  # the clock's time at the last write
        self._today = ""  # its date

    def _now(self) -> str:  # type: ignore[override]
        return self._write_time().isoformat()

    def _write_time(self) -> datetime:
        """The clock's time, for a write. A write on a new date first tells `_new_day`."""
        now = self._clock.now()
        if now is not self._at:  # a simulated clock hands out the same object until it moves
            self._at = now
            day = self._dates(now)
            if day != self._today:
                self._today = day
                self._new_day(day)
        return now

    def _new_day(self, day: str) -> None:
        """The clock reached `day` (subclasses that keep only recent rows prune here)."""

    def close(self) -> None:
        """Nothing to release."""

    # ---- writes (each appends its audit entry, as the SQLite ledger does in the same transaction) ----
    def _log(self, at: datetime, event: str, payload: str | dict[str, Any] | Builder, *args: Any) -> None:
        """Append an audit entry; with `args`, `payload` builds the body from them when the chain is read."""
        self._entries.append((at, event, (payload, args) if args else payload))  # type: ignore[arg-type]

    def audit(self, event: str, payload: dict[str, Any]) -> int:
        self._log(self._write_time(), event, audit.encode(payload))  # text now: the caller may reuse its dict
        return len(self._entries)

    def record_intent(self, thread: str, source: str, body: dict[str, Any]) -> None:
        at = self._write_time()
        text = json.dumps(body, default=str)
        self._intents.append((self._today, at, thread, source, json.loads(text)))
        self._log(at, "intent", _intent_payload, thread, source, text)

    def record_verdict(self, thread: str, verdict: Verdict) -> None:
        at = self._write_time()
        row = (at, self._today, thread, verdict)
        rows = self._verdicts.get(verdict.client_id)
        if rows is None:
            self._verdicts[verdict.client_id] = [row]
        else:
            _upsert(rows, row)
        self._log(at, "verdict", _verdict_payload, thread, verdict)

    def record_order(
        self, thread: str, client_id: str, venue: str, action: Action | dict[str, Any], notional_usd: str
    ) -> bool:
        """Mark an order as about to be sent. False when this client id was already recorded."""
        if client_id in self._orders:
            return False
        at = self._write_time()
        day = self._today
        self._orders[client_id] = _Order(day, thread, venue, action, notional_usd, "sent")
        self._orders_by_day.setdefault(day, []).append(client_id)
        self._day_notional[day] = self._day_notional.get(day, ZERO) + Decimal(notional_usd)
        self._log(at, "order", _order_payload, thread, client_id, venue, action)
        return True

    def record_fill(self, fill: Fill) -> bool:
        """Store a fill once; a repeat of the same client id is ignored (returns False)."""
        if fill.client_id in self._fills:
            return False
        self._fills[fill.client_id] = fill
        now = self._write_time()
        day = self._today if fill.at is now else self._dates(fill.at)
        self._fills_by_day.setdefault(day, []).append(fill)
        self._day_pnl[day] = self._day_pnl.get(day, ZERO) + fill.realized_pnl
        self._set_state(fill.client_id, fill.status.value)
        self._log(now, "fill", _fill_payload, fill)
        return True

    def mark_order(self, client_id: str, state: str, note: str = "") -> None:
        self._set_state(client_id, state)
        payload = {"client_id": client_id, "state": state, "note": note}
        self._log(self._write_time(), "order_state", payload)

    def _set_state(self, client_id: str, state: str) -> None:
        order = self._orders.get(client_id)
        if order is None:
            return
        was_rejected = order.state == "rejected"
        order.state = state
        if was_rejected != (state == "rejected"):  # the day's notional changes: re-add it in row order
            day = order.day
            kept = (self._orders[cid] for cid in self._orders_by_day[day])
            self._day_notional[day] = sum(
                (Decimal(o.notional_usd) for o in kept if o.state != "rejected"), ZERO
            )

    # ---- reads -------------------------------------------------------------------------------------
    def fill_for(self, client_id: str) -> Fill | None:
        return self._fills.get(client_id)

    def order_state(self, client_id: str) -> str | None:
        order = self._orders.get(client_id)
        return order.state if order is not None else None

    def unsettled_orders(self) -> list[tuple[str, str]]:
        return [(cid, o.venue) for cid, o in self._orders.items() if o.state == "sent"]

    def fills(self, limit: int | None = None) -> list[Fill]:
        rows = sorted(self._fills.values(), key=lambda f: f.client_id)
        rows.sort(key=lambda f: f.at.isoformat(), reverse=True)
        return rows[:limit] if limit else rows

    def day_stats(self, day: datetime) -> DayStats:
        """Notional sent and PnL realised on `day` (UTC), for the per-day and daily-loss limits."""
        prefix = self._dates(day if day.tzinfo is UTC else day.astimezone(UTC))
        return DayStats(self._day_notional.get(prefix, ZERO), self._day_pnl.get(prefix, ZERO))

    def audit_entries(self, limit: int = 50) -> list[dict[str, Any]]:
        chain = self._materialise()
        return [
            {"seq": s, "at": a, "event": e, "payload": json.loads(p), "hash": h}
            for s, a, e, p, _prev, h in reversed(chain[-limit:] if limit > 0 else [])
        ]

    def verify(self) -> AuditReport:
        return audit.verify_rows(self._materialise())

    def _materialise(self) -> list[Row]:
        """Hash every entry not yet in the chain (the same text and hash `audit.append` would store)."""
        chain = self._chain
        prev = chain[-1][5] if chain else audit.GENESIS
        for seq in range(len(chain) + 1, len(self._entries) + 1):
            at, event, payload = self._entries[seq - 1]
            if isinstance(payload, str):
                text = payload
            else:
                body = payload[0](*payload[1]) if isinstance(payload, tuple) else payload
                text = audit.encode(body)
            iso = at.isoformat()
            digest = audit.record_hash(prev, seq, iso, event, text)
            chain.append((seq, iso, event, text, prev, digest))
            prev = digest
        return chain


def _upsert(rows: list[VerdictRow], row: VerdictRow) -> None:
    """SQLite's upsert on (client_id, at text): replace the row written at the same instant and UTC offset."""
    at = row[0]
    for i, old in enumerate(rows):
        if old[0] == at and old[0].utcoffset() == at.utcoffset():
            rows[i] = row
            return
    rows.append(row)


def _intent_payload(thread: str, source: str, text: str) -> dict[str, Any]:
    return {"thread": thread, "source": source, **json.loads(text)}


def _verdict_payload(thread: str, verdict: Verdict) -> dict[str, Any]:
    return {"thread": thread, **verdict.model_dump(mode="json")}


def _order_payload(
    thread: str, client_id: str, venue: str, action: Action | dict[str, Any]
) -> dict[str, Any]:
    body = action if isinstance(action, dict) else action.model_dump(mode="json")
    return {"thread": thread, "client_id": client_id, "venue": venue, "action": body}


def _fill_payload(fill: Fill) -> dict[str, Any]:
    return fill.model_dump(mode="json")


class MemoryKillSwitch(KillSwitch):
    """The kill switch of a throw-away run: nobody outside can reach it, so its history is a list.

    Same answers as `KillSwitch` (ACTIVE until set; the latest `set` wins), timestamps in simulated time.
    """

    def __init__(self, clock: Clock) -> None:  # no super().__init__: nothing to create
        self._clock = clock
        self._history: list[tuple[TradingState, str, str]] = []

    def close(self) -> None:
        """Nothing to release."""

    def status(self) -> tuple[TradingState, str, str | None]:
        if not self._history:
            return TradingState.ACTIVE, "", None
        return self._history[-1]

    @property
    def state(self) -> TradingState:
        """`status()[0]`, read on every tick by the gate's caller."""
        return self._history[-1][0] if self._history else TradingState.ACTIVE

    def set(self, state: TradingState, reason: str = "") -> None:
        self._history.append((TradingState(state), reason, self._clock.now().isoformat()))
