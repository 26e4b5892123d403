"""Intent tools: parse, preview (plan + quotes + verdicts + token), execute exactly what was previewed."""

from __future__ import annotations

import uuid
from decimal import Decimal

from agent.intents.models import SYMBOL_FIELDS
from agent.nodes.analyse import portfolio
from agent.risk import Proposal
from agent.risk.exposure import assets_of
from agent.runner import execute_actions
from agent.tools import intents
from agent.tools.context import ToolContext
from agent.tools.errors import ToolFailure, explain
from agent.tools.market import market_view, quote_info
from agent.tools.models import (
    ExecuteInput,
    Execution,
    FillInfo,
    IntentInput,
    ParsedIntent,
    PlannedAction,
    Preview,
)
from agent.tools.plans import StoredPlan
from connectors.domain import Action, Fill, Holdings, MarketView, Quote, Verdict, client_id_for
from connectors.errors import ConnectorError

_SCALAR = (str, int, float, bool, type(None))


async def parse_intent(ctx: ToolContext, args: IntentInput) -> ParsedIntent:
    """Text -> typed intent (offline, deterministic). Unclear text comes back as kind=clarify."""
    intent = intents.parse_text(args.text)
    fields = {k: v if isinstance(v, _SCALAR) else str(v) for k, v in intents.contract(intent).items()}
    kind = str(fields.pop("kind", intent.kind))
    question = getattr(intent, "question", None) if kind == "clarify" else None
    fields.pop("question", None)
    summary = question or f"{kind}: " + ", ".join(f"{k}={v}" for k, v in fields.items())
    return ParsedIntent(kind=kind, fields=fields, question=question, summary=summary)


async def _quotes(ctx: ToolContext, proposals: list[Proposal]) -> tuple[dict[str, Quote], list[str]]:
    quotes: dict[str, Quote] = {}
    notes: list[str] = []
    for p in proposals:
        try:
            quotes[p.client_id] = await ctx.deps.venue_for(p.action).quote(p.action)
        except (ConnectorError, ToolFailure) as exc:
            notes.append(f"no quote for {p.action.describe()}: {explain(exc)}")
    return quotes, notes


async def book_and_view(ctx: ToolContext, symbols: set[str]) -> tuple[Holdings, MarketView]:
    """The portfolio across venues and a market view covering its assets plus `symbols`."""
    book = await portfolio(ctx.deps.venues)
    view = await market_view(ctx, sorted({s.upper() for s in symbols} | set(book.balances)))
    return book, view


async def evaluate(
    ctx: ToolContext, actions: list[Action], scope: str, book: Holdings, view: MarketView
) -> tuple[list[Verdict], dict[str, Quote], list[str]]:
    """Quote each action and run the risk gate on the whole plan against current holdings."""
    proposals = [
        Proposal(client_id=client_id_for(scope, i, a), action=a, source="mcp") for i, a in enumerate(actions)
    ]
    quotes, notes = await _quotes(ctx, proposals)
    deps = ctx.deps
    verdicts = deps.judge(proposals, book, view, quotes)
    return verdicts, quotes, notes


def _planned(v: Verdict, quote: Quote | None) -> PlannedAction:
    return PlannedAction(
        description=v.action.describe(),
        action=v.action,
        status=v.status.value,
        violations=[f"{x.rule}: {x.reason}" for x in v.violations],
        notional_usd=Decimal(v.notional_usd),
        quote=quote_info(quote) if quote is not None else None,
    )


async def preview_intent(ctx: ToolContext, args: IntentInput) -> Preview:
    """Plan the intent, quote it, run the risk gate; return a single-use token when it may execute."""
    intent = intents.parse_text(args.text)
    named = {v for k, v in intents.contract(intent).items() if k in SYMBOL_FIELDS and isinstance(v, str)}
    book, view = await book_and_view(ctx, named)
    planned = intents.plan_actions(intent, book, view)
    return await preview_actions(ctx, args.text, planned.actions, planned.notes)


async def preview_actions(
    ctx: ToolContext, text: str, actions: list[Action], plan_notes: list[str] | None = None
) -> Preview:
    """Quote and gate concrete actions; store them under a token when every one may execute."""
    if not actions:
        raise ToolFailure("the plan is empty: nothing to do for this request")
    book, view = await book_and_view(ctx, {a for act in actions for a in assets_of(act)})
    verdicts, quotes, notes = await evaluate(ctx, actions, f"mcp-{uuid.uuid4().hex[:12]}", book, view)
    notes = [*(plan_notes or []), *notes]
    notes += [
        f"{a.venue} is simulated on the {ctx.deps.venue_for(a).name} venue ({ctx.mode} mode)"
        for a in {a.venue: a for a in actions if a.venue and a.venue not in ctx.deps.venues}.values()
    ]
    total = sum((Decimal(v.notional_usd) for v in verdicts), Decimal(0))
    executable = all(v.passed for v in verdicts)
    needs_approval = (
        any(v.needs_approval for v in verdicts) or total > ctx.settings.risk.approval_threshold_usd
    )
    plan: StoredPlan | None = None
    if executable:
        plan = ctx.plans.put(text, tuple(verdicts), total, needs_approval)
    else:
        notes.append("not executable: fix the rejected actions (see violations) and preview again")
    summary = "; ".join(v.explain() for v in verdicts)
    ctx.deps.ledger.audit(
        "mcp.preview",
        {
            "text": text,
            "actions": [v.action.describe() for v in verdicts],
            "executable": executable,
            "total_notional_usd": str(total),
        },
    )
    return Preview(
        summary=summary,
        actions=[_planned(v, quotes.get(v.client_id)) for v in verdicts],
        executable=executable,
        needs_approval=needs_approval,
        total_notional_usd=total,
        confirmation_token=plan.token if plan else None,
        expires_at=plan.expires_at if plan else None,
        notes=notes,
    )


def _fill_info(f: Fill) -> FillInfo:
    return FillInfo(
        client_id=f.client_id,
        venue=f.venue,
        kind=f.kind,
        status=f.status.value,
        asset_in=f.asset_in,
        amount_in=f.amount_in,
        asset_out=f.asset_out,
        amount_out=f.amount_out,
        price=f.price,
        fee=f.fee,
        fee_asset=f.fee_asset,
        reference=f.tx_hash or f.order_id,
    )


async def execute_plan(ctx: ToolContext, args: ExecuteInput) -> Execution:
    """Run exactly the previewed plan. The token is consumed first, so a plan can never run twice."""
    plan = ctx.plans.take(args.token)
    actions = list(plan.actions)
    book, view = await book_and_view(ctx, {a for act in actions for a in assets_of(act)})
    verdicts, _, _ = await evaluate(ctx, actions, f"mcp-recheck-{uuid.uuid4().hex[:8]}", book, view)
    changed = [
        f"{old.action.describe()} -> {new.explain()}"
        for old, new in zip(plan.verdicts, verdicts, strict=True)
        if not new.passed or new.action != old.action
    ]
    if changed:
        ctx.deps.ledger.audit("mcp.execute_refused", {"plan": plan.plan_id, "changed": changed})
        raise ToolFailure(
            "the plan no longer passes the risk gate as previewed (" + "; ".join(changed) + "). "
            "Nothing was executed; call preview_intent again."
        )
    ctx.deps.ledger.audit("mcp.execute", {"plan": plan.plan_id, "actions": [a.describe() for a in actions]})
    run_id = f"mcp-{plan.plan_id}"
    result = await execute_actions(
        ctx.graph, ctx.deps, f"{ctx.deps.portfolio}:{run_id}", run_id, actions, auto_approve=True
    )
    fills = [_fill_info(f) for f in result.fills]
    problems = list(result.errors)
    rejected = [v.explain() for v in result.verdicts if not v.passed]
    executed = bool(fills) and not problems and not rejected
    if executed:
        message = f"executed {len(fills)} of {len(actions)} action(s): {plan.describe()}"
    else:
        message = (
            f"{len(fills)} of {len(actions)} action(s) filled. "
            + " ".join(str(p) for p in [*rejected, *problems])
            + " Check get_portfolio before trying again."
        )
    return Execution(executed=executed, fills=fills, message=message)
