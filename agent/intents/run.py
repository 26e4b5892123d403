"""Run one intent: plan it against the venue's holdings and prices, confirm, then execute through the
agent's risk gate and graph (`agent.runner.execute_actions`). Nothing here sends an order directly.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from agent.context import AgentDeps
from agent.intents.contract import to_contract
from agent.intents.models import SYMBOL_FIELDS, Intent, YieldGoalIntent
from agent.intents.native import wrap_native_legs
from agent.intents.plan_models import Plan, YieldOption
from agent.intents.planner import plan as make_plan
from agent.intents.yield_sources import lending_options
from agent.nodes.analyse import portfolio
from agent.risk.exposure import assets_of
from agent.settings import Settings, job_store_url
from connectors.domain import Fill, Quote, Swap
from connectors.errors import ConfigError, ConnectorError

NETWORKS = ("paper", "devnet", "ethereum", "base", "arbitrum")


@dataclass
class RunReport:
    """What happened: the plan, whether it was confirmed, and the graph's verdicts and fills."""

    plan: Plan
    network: str
    confirmed: bool = False
    run_id: str | None = None
    verdicts: list[dict[str, Any]] = field(default_factory=list)
    fills: list[Fill] = field(default_factory=list)
    quotes: dict[str, Quote] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    pending_approval: dict[str, Any] | None = None
    job: dict[str, Any] | None = None

    @property
    def executed(self) -> bool:
        """Something happened: orders filled, or a recurring job was created."""
        return bool(self.fills) or self.job is not None

    def to_json(self) -> dict[str, Any]:
        fills = []
        for fill in self.fills:
            row = fill.model_dump(mode="json")
            quote = self.quotes.get(fill.client_id)
            if quote is not None:
                row["quoted_amount_out"] = str(quote.amount_out)
            fills.append(row)
        return {
            "intent": to_contract(self.plan.intent),
            "network": self.network,
            "plan": self.plan.to_json(),
            "confirmed": self.confirmed,
            "run_id": self.run_id,
            "verdicts": self.verdicts,
            "fills": fills,
            "errors": self.errors,
            "pending_approval": self.pending_approval,
            "job": self.job,
        }


@asynccontextmanager
async def open_deps(network: str, settings: Settings) -> AsyncIterator[AgentDeps]:
    """Run dependencies for `network`: the paper venue, or an EVM connector priced by its own quotes."""
    if network not in NETWORKS:
        raise ConfigError(f"unknown network {network!r}; choose one of {', '.join(NETWORKS)}")
    if network == "paper":
        from agent.deps_factory import open_paper_deps

        yield open_paper_deps(settings)
        return
    if network != "devnet" and not settings.live:
        raise ConfigError(f"{network} moves real money: it needs mode=live and live_enabled=true in settings")
    from agent.deps_factory import open_chain_deps
    from agent.intents.chain_market import QuotedPrices

    async with open_chain_deps(network, settings, QuotedPrices) as deps:
        yield deps


def _symbols(intent: Intent) -> list[str]:
    names = [getattr(intent, f, None) for f in SYMBOL_FIELDS]
    if intent.kind in ("wrap", "unwrap"):
        names += ["ETH", "WETH"]
    return sorted({n for n in names if isinstance(n, str)})


async def plan_for(
    intent: Intent, deps: AgentDeps, venue: str | None = None, options: Sequence[YieldOption] = ()
) -> Plan:
    """Plan against the venues' live holdings and prices; income goals also read the venues' lending rates."""
    holdings = await portfolio(deps.venues)
    view = await deps.market.market_view(_symbols(intent), 1)
    found = list(options)
    if isinstance(intent, YieldGoalIntent):
        for connector in deps.venues.values():
            found += await lending_options(connector, intent.principal_asset)
    return make_plan(intent, holdings, view.prices, venue=venue, options=found)


async def route_and_preview(plan: Plan, deps: AgentDeps) -> Plan:
    """Route each swap to the venue with the best quote, then show what the risk gate would say now.

    The preview is advice for the person confirming; the graph runs the gate again before anything moves.
    """
    from agent.risk.gate import Proposal

    actions, notes, quotes = list(plan.actions), list(plan.notes), {}
    for i, action in enumerate(actions):
        if not isinstance(action, Swap):
            continue
        named = action.venue if action.venue in deps.venues else None
        found: list[tuple[str, Quote]] = []
        for venue in deps.venues.values():
            if (named and venue.name != named) or not venue.supports(action):
                continue
            try:
                found.append((venue.name, await venue.quote(action)))
            except (ConnectorError, ValueError) as exc:
                notes.append(f"{venue.name}: no quote ({exc})")
        if not found:
            continue
        if action.amount_in == "sell":
            name, quote = max(found, key=lambda f: f[1].amount_out)
        else:
            name, quote = min(found, key=lambda f: f[1].amount_in)
        actions[i] = action.model_copy(update={"venue": name})
        quotes[f"preview-{i}"] = quote
        of = f" (best of {len(found)} venues)" if len(found) > 1 else ""
        notes.append(
            f"quote on {name}{of}: {quote.amount_in} {quote.asset_in} -> {quote.amount_out} {quote.asset_out}"
        )
    if actions:
        book = await portfolio(deps.venues)
        view = await deps.market.market_view(sorted({a for x in actions for a in assets_of(x)}), 1)
        proposals = [
            Proposal(client_id=f"preview-{i}", action=a, source="intent") for i, a in enumerate(actions)
        ]
        verdicts = deps.judge(proposals, book, view, quotes)
        notes += [
            f"risk gate now: {v.explain()}" + (" (needs approval)" if v.needs_approval else "")
            for v in verdicts
        ]
    return plan.model_copy(update={"actions": tuple(actions), "notes": tuple(notes)})


async def execute(plan: Plan, deps: AgentDeps, settings: Settings, run_id: str) -> RunReport:
    """The single execution call: the plan's actions through the risk gate and the graph (durable)."""
    from agent.checkpoint import open_checkpointer
    from agent.graph import build_graph
    from agent.runner import execute_actions

    report = RunReport(plan=plan, network="", confirmed=True, run_id=run_id)
    async with open_checkpointer(settings) as saver:
        graph = build_graph(checkpointer=saver)
        tick = await execute_actions(
            graph, deps, f"intent:{run_id}", run_id, list(plan.actions), auto_approve=True
        )
    report.verdicts = [v.model_dump(mode="json") for v in tick.verdicts]
    report.fills = tick.fills
    report.errors = tick.errors
    report.pending_approval = tick.pending_approval
    for fill in tick.fills:
        for venue in deps.venues.values():
            quote_for = getattr(venue, "quote_for", None)
            quote = quote_for(fill.client_id) if quote_for else None
            if quote is not None:
                report.quotes[fill.client_id] = quote
    return report


def schedule_dca(plan: Plan, settings: Settings) -> dict[str, Any]:
    """Create the daemon job for a DCA plan; each run goes through the risk gate when `defai run` fires it."""
    from agent.daemon.config import Schedule
    from agent.daemon.jobs import JobStore
    from connectors.domain import utc_now

    sched = plan.schedule
    assert sched is not None
    now = utc_now()
    step = timedelta(seconds=sched.interval_seconds)
    label = f"{sched.per_order.describe()} every {sched.interval}, {sched.count} times"
    with JobStore(job_store_url(settings)) as jobs:
        info = jobs.add_actions(
            [sched.per_order],
            Schedule(every=sched.every),
            portfolio=settings.portfolio,
            label=label,
            source="intent",
            first_run_at=now,
            end_at=now + step * (sched.count - 1) + step / 2,
        )
    return {"id": info.id, "label": info.label, "schedule": info.schedule, "count": sched.count,
            "next_run_at": info.next_run_at.isoformat() if info.next_run_at else None}  # fmt: skip


async def run_intent(
    intent: Intent,
    settings: Settings,
    *,
    network: str = "paper",
    venue: str | None = None,
    confirm: Callable[[Plan], bool],
    options: Sequence[YieldOption] = (),
) -> RunReport:
    """Plan, ask `confirm(plan)`, then execute through the gate. Clarifications and blocked plans never run."""
    async with open_deps(network, settings) as deps:
        plan = await plan_for(intent, deps, venue, options)
        if network != "paper":
            plan = wrap_native_legs(plan)
        if plan.executable:
            plan = await route_and_preview(plan, deps)
        report = RunReport(plan=plan, network=network)
        if plan.schedule is not None and confirm(plan):
            report.confirmed = True
            report.job = schedule_dca(plan, settings)
            return report
        if not plan.executable:
            return report
        if not confirm(plan):
            return report
        run_id = f"intent-{uuid.uuid4().hex[:12]}"
        done = await execute(plan, deps, settings, run_id)
        done.network = network
        return done
