"""PlanStore: a confirmation token runs its plan once, only before it expires."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from agent.tools import PlanStore, ToolFailure
from connectors.domain import Swap, Verdict, VerdictStatus


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2025, 1, 1, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def verdicts() -> tuple[Verdict, ...]:
    action = Swap(sell="USDC", buy="ETH", amount=Decimal(100))
    return (Verdict(client_id="dfa-1", status=VerdictStatus.APPROVED, action=action, notional_usd="100"),)


def test_token_is_single_use() -> None:
    store = PlanStore(timedelta(minutes=5), Clock())
    plan = store.put("buy eth", verdicts(), Decimal(100), needs_approval=False)
    assert store.take(plan.token).token == plan.token
    with pytest.raises(ToolFailure, match="already used"):
        store.take(plan.token)


def test_taken_plan_is_what_was_stored() -> None:
    store = PlanStore(timedelta(minutes=5), Clock())
    plan = store.put("buy eth", verdicts(), Decimal(100), needs_approval=True)
    taken = store.take(plan.token)
    assert taken.actions == tuple(v.action for v in verdicts())
    assert taken.needs_approval and taken.text == "buy eth"


def test_expired_token_is_refused_and_forgotten() -> None:
    clock = Clock()
    store = PlanStore(timedelta(minutes=5), clock)
    plan = store.put("buy eth", verdicts(), Decimal(100), needs_approval=False)
    clock.now += timedelta(minutes=5)
    with pytest.raises(ToolFailure, match="expired"):
        store.peek(plan.token)
    assert len(store) == 0


def test_tokens_are_unguessable_and_distinct() -> None:
    store = PlanStore(timedelta(minutes=5), Clock())
    tokens = {store.put("x", verdicts(), Decimal(1), False).token for _ in range(50)}
    assert len(tokens) == 50
    assert all(len(t) > 20 for t in tokens)


def test_ttl_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        PlanStore(timedelta(0), Clock())
