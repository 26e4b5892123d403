"""The risk gate's answer: a value, shown to the user, never an exception."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from connectors.domain.actions import Action
from connectors.domain.assets import Frozen


class VerdictStatus(StrEnum):
    APPROVED = "approved"
    RESIZED = "resized"
    REJECTED = "rejected"


class Violation(Frozen):
    rule: str
    reason: str


class Verdict(Frozen):
    """One action's verdict. `action` is what may execute (resized when status is RESIZED)."""

    client_id: str
    status: VerdictStatus
    action: Action
    original: Action | None = None
    violations: tuple[Violation, ...] = ()
    needs_approval: bool = False
    notional_usd: str = Field(default="0", description="decimal string, USD")

    @property
    def passed(self) -> bool:
        return self.status is not VerdictStatus.REJECTED

    def explain(self) -> str:
        head = f"{self.status.value}: {self.action.describe()}"
        if not self.violations:
            return head
        return head + " — " + "; ".join(f"{v.rule}: {v.reason}" for v in self.violations)
