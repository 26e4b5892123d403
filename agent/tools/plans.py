"""Previewed plans held server-side under a single-use, expiring confirmation token.

What `execute_plan` runs is exactly what `preview_intent` showed: the caller only ever sends the token.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from agent.tools.errors import ToolFailure
from connectors.domain import Action, Verdict


@dataclass(frozen=True)
class StoredPlan:
    """A plan as previewed: the gate's verdicts (their `action` is what may execute) and when it expires."""

    token: str
    text: str
    verdicts: tuple[Verdict, ...]
    total_notional_usd: Decimal
    needs_approval: bool
    created_at: datetime
    expires_at: datetime

    @property
    def plan_id(self) -> str:
        """A public id for logs and run ids; the token itself never leaves the store."""
        return hashlib.sha256(self.token.encode()).hexdigest()[:16]

    @property
    def actions(self) -> tuple[Action, ...]:
        return tuple(v.action for v in self.verdicts)

    def describe(self) -> str:
        return "; ".join(v.action.describe() for v in self.verdicts)


class PlanStore:
    """In-process store; a token works once and only before it expires."""

    def __init__(self, ttl: timedelta, now: Callable[[], datetime]) -> None:
        if ttl <= timedelta(0):
            raise ValueError("the confirmation TTL must be positive")
        self._ttl = ttl
        self._now = now
        self._plans: dict[str, StoredPlan] = {}

    def put(
        self, text: str, verdicts: tuple[Verdict, ...], total: Decimal, needs_approval: bool
    ) -> StoredPlan:
        self._evict()
        now = self._now()
        plan = StoredPlan(
            token=f"cfm-{secrets.token_urlsafe(18)}",
            text=text,
            verdicts=verdicts,
            total_notional_usd=total,
            needs_approval=needs_approval,
            created_at=now,
            expires_at=now + self._ttl,
        )
        self._plans[plan.token] = plan
        return plan

    def peek(self, token: str) -> StoredPlan:
        """The plan for `token` without consuming it; raises ToolFailure when unknown or expired."""
        plan = self._plans.get(token)
        if plan is None:
            raise ToolFailure(
                "unknown or already used confirmation token; call preview_intent again to get a fresh one"
            )
        if self._now() >= plan.expires_at:
            self._plans.pop(token, None)
            raise ToolFailure(
                f"the confirmation token expired at {plan.expires_at.isoformat()}; prices may have moved. "
                "Call preview_intent again."
            )
        return plan

    def take(self, token: str) -> StoredPlan:
        """Consume the token: a second call with it fails, so a plan can never execute twice."""
        plan = self.peek(token)
        del self._plans[token]
        return plan

    def __len__(self) -> int:
        return len(self._plans)

    def _evict(self) -> None:
        now = self._now()
        for token in [t for t, p in self._plans.items() if now >= p.expires_at]:
            del self._plans[token]
