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
CAP_MARGIN = Decimal("0.95")
"""Headroom over the snapshot debt for interest accrued before the repay executes."""


def plan_unwind(
    book: Holdings,
    stable: str = "USDC",
    *,
    keep: frozenset[str] = frozenset(),
    prices: dict[str, Decimal] | None = None,
    max_usd_per_swap: Decimal | None = None,
) -> list[Action]:
    """The next round of risk-reducing actions towards holding only stablecoins.

    `keep` names assets left alone (a chain's gas token). With `prices` and `max_usd_per_swap`, a
    balance worth more than the cap is sold in chunks below it, one chunk per round.
    """
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
        name = asset.upper()
        if amount <= DUST or name in STABLECOINS or name in debts or name in keep:
            continue
        price = (prices or {}).get(name)
        if max_usd_per_swap is not None and price and amount * price > max_usd_per_swap:
            chunk = (max_usd_per_swap * CAP_MARGIN / price).quantize(Decimal("1e-8"))
            actions.append(
                Swap(sell=asset, buy=stable, amount=chunk, reason=why + " (in chunks under the cap)")
            )
        else:
            actions.append(Swap(sell=asset, buy=stable, amount="all", reason=why))
    return actions


def only_stable(book: Holdings, keep: frozenset[str] = frozenset()) -> bool:
    """Nothing left but stablecoin balances (and `keep`): no positions, debt, supply or other assets."""
    return (
        not book.positions
        and not any(v > DUST for v in book.borrowed.values())
        and not any(v > DUST for v in book.supplied.values())
        and all(a.upper() in STABLECOINS | keep for a, v in book.balances.items() if v > DUST)
    )


@dataclass
class UnwindReport:
    rounds: int = 0
    fills: list[Fill] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    remaining: Holdings | None = None
    keep: frozenset[str] = frozenset()

    @property
    def done(self) -> bool:
        return self.remaining is not None and only_stable(self.remaining, self.keep)

    def to_json(self) -> dict[str, Any]:
        return {
            "done": self.done,
            "rounds": self.rounds,
            "fills": [f.model_dump(mode="json") for f in self.fills],
            "rejected": self.rejected,
            "errors": self.errors,
            "remaining": self.remaining.model_dump(mode="json") if self.remaining else None,
        }


async def unwind(
    graph: Any,
    deps: AgentDeps,
    *,
    stable: str = "USDC",
    keep: frozenset[str] = frozenset(),
    max_rounds: int = 12,
    run_prefix: str = "unwind",
) -> UnwindReport:
    """Run unwind rounds until only stablecoins (and `keep`) remain or a round fills nothing."""
    from agent.nodes.analyse import portfolio
    from agent.runner import execute_actions

    if stable.upper() not in STABLECOINS:
        raise ConfigError(f"{stable} is not a stablecoin ({', '.join(sorted(STABLECOINS))})")
    report = UnwindReport(keep=frozenset(k.upper() for k in keep))
    cap = deps.settings.risk.max_notional_per_action_usd
    thread = f"{deps.portfolio}:unwind"
    stamp = utc_now().strftime("%Y%m%dT%H%M%S%f")
    for n in range(1, max_rounds + 1):
        book = await portfolio(deps.venues)
        view = await deps.market.market_view(sorted(book.balances), 1)
        actions = plan_unwind(book, stable, keep=report.keep, prices=dict(view.prices), max_usd_per_swap=cap)
        if not actions:
            break
        report.rounds = n
        result = await execute_actions(graph, deps, thread, f"{run_prefix}-{stamp}-r{n}", actions, True)
        report.fills += result.fills
        report.rejected += [v.explain() for v in result.verdicts if not v.passed]
        report.errors += result.errors
        if not result.fills:
            break
    report.remaining = await portfolio(deps.venues)
    return report
