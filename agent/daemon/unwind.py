"""Unwind: close perps, repay debt, withdraw from lending, swap everything else to a stablecoin.

Every action goes through the risk gate (`agent.runner.execute_actions`) with the kill switch at
REDUCING, so only risk-reducing actions can pass. The gate judges a batch against one snapshot, so
the work runs in rounds (a withdrawal only counts as reducing once the debt is gone): plan from the
current holdings, execute, look again, until nothing is left or a round makes no progress.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from agent.risk.policy import STABLECOINS
from connectors.domain import Action, ClosePosition, Fill, Holdings, Repay, Swap, Withdraw, utc_now
from connectors.errors import ConfigError

if TYPE_CHECKING:
    from agent.context import AgentDeps

DUST = Decimal("1e-12")
INTEREST_MARGIN = Decimal("0.001")
"""Headroom over the snapshot debt for interest accrued before the repay executes."""


def plan_unwind(book: Holdings, stable: str = "USDC") -> list[Action]:
    """The next round of risk-reducing actions towards holding only stablecoins."""
    stable = stable.upper()
    why = f"unwind to {stable}"
    actions: list[Action] = [ClosePosition(market=p.market, side=p.side, reason=why) for p in book.positions]
    debts = {a.upper(): d for a, d in book.borrowed.items() if d > DUST}
    for asset, debt in sorted(debts.items()):
        held = book.balance(asset)
        if held > debt * (1 + INTEREST_MARGIN):  # "all" = the debt at execution, interest included
            actions.append(Repay(asset=asset, amount="all", reason=why))
        elif held > DUST:
            actions.append(Repay(asset=asset, amount=min(held, debt), reason=why))
    if not debts:
        actions += [
            Withdraw(asset=a, amount="all", reason=why) for a, v in sorted(book.supplied.items()) if v > DUST
        ]
    for asset, amount in sorted(book.balances.items()):
        if amount > DUST and asset.upper() not in STABLECOINS and asset.upper() not in debts:
            actions.append(Swap(sell=asset, buy=stable, amount="all", reason=why))
    return actions


def only_stable(book: Holdings) -> bool:
    """Nothing left but stablecoin balances: no positions, debt, supply or other assets."""
    return (
        not book.positions
        and not any(v > DUST for v in book.borrowed.values())
        and not any(v > DUST for v in book.supplied.values())
        and all(a.upper() in STABLECOINS for a, v in book.balances.items() if v > DUST)
    )


@dataclass
class UnwindReport:
    rounds: int = 0
    fills: list[Fill] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    remaining: Holdings | None = None

    @property
    def done(self) -> bool:
        return self.remaining is not None and only_stable(self.remaining)

    def to_json(self) -> dict[str, Any]:
        return {
            "done": self.done,
            "rounds": self.rounds,
            "fills": [f.model_dump(mode="json") for f in self.fills],
            "rejected": self.rejected,
            "errors": self.errors,
            "remaining": self.remaining.model_dump(mode="json") if self.remaining else None,
        }


async def snapshot(deps: AgentDeps) -> Holdings:
    from agent.nodes.analyse import merge

    books = [await v.snapshot() for v in deps.venues.values()]
    return books[0] if len(books) == 1 else merge(books)


async def unwind(
    graph: Any, deps: AgentDeps, *, stable: str = "USDC", max_rounds: int = 6, run_prefix: str = "unwind"
) -> UnwindReport:
    """Run unwind rounds until only stablecoins remain or a round fills nothing."""
    from agent.runner import execute_actions

    if stable.upper() not in STABLECOINS:
        raise ConfigError(f"{stable} is not a stablecoin ({', '.join(sorted(STABLECOINS))})")
    report = UnwindReport()
    thread = f"{deps.portfolio}:unwind"
    stamp = utc_now().strftime("%Y%m%dT%H%M%S%f")
    for n in range(1, max_rounds + 1):
        book = await snapshot(deps)
        actions = plan_unwind(book, stable)
        if not actions:
            break
        report.rounds = n
        result = await execute_actions(graph, deps, thread, f"{run_prefix}-{stamp}-r{n}", actions, True)
        report.fills += result.fills
        report.rejected += [v.explain() for v in result.verdicts if not v.passed]
        report.errors += result.errors
        if not result.fills:
            break
    report.remaining = await snapshot(deps)
    return report
