"""Risk tools: trading state, the policy in force, the kill switch, and the tamper-evident audit log."""

from __future__ import annotations

from agent.risk import TradingState
from agent.tools.context import ToolContext
from agent.tools.models import AuditEntry, AuditInput, AuditLog, NoInput, PauseInput, ResumeInput, RiskStatus


def _status(ctx: ToolContext) -> RiskStatus:
    state, reason, since = ctx.deps.kill_switch.status()
    limits = {k: str(v) for k, v in ctx.settings.risk.model_dump().items()}
    return RiskStatus(trading_state=state.value, reason=reason, since=since, mode=ctx.mode, limits=limits)  # type: ignore[arg-type]


async def risk_status(ctx: ToolContext, args: NoInput) -> RiskStatus:
    """Whether trading is active, reducing-only or halted (and why), and every limit in force."""
    return _status(ctx)


async def pause_trading(ctx: ToolContext, args: PauseInput) -> RiskStatus:
    """Kill switch: HALTED stops all new actions; REDUCING lets only risk-reducing ones through."""
    state = TradingState.REDUCING if args.reduce_only else TradingState.HALTED
    ctx.deps.kill_switch.set(state, args.reason)
    ctx.deps.ledger.audit("risk.state", {"state": state.value, "reason": args.reason, "source": "mcp"})
    return _status(ctx)


async def resume_trading(ctx: ToolContext, args: ResumeInput) -> RiskStatus:
    """Back to ACTIVE: the risk gate's limits still apply to everything."""
    ctx.deps.kill_switch.set(TradingState.ACTIVE, args.reason)
    ctx.deps.ledger.audit("risk.state", {"state": "active", "reason": args.reason, "source": "mcp"})
    return _status(ctx)


async def audit_log(ctx: ToolContext, args: AuditInput) -> AuditLog:
    """The most recent audit entries (newest first) and whether the hash chain still verifies."""
    ledger = ctx.deps.ledger
    report = ledger.verify()
    entries = [
        AuditEntry(seq=e["seq"], at=e["at"], event=e["event"], payload=e["payload"])
        for e in ledger.audit_entries(args.limit)
    ]
    return AuditLog(entries=entries, chain_ok=report.ok, count=report.count)
