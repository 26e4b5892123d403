"""`defai demo`: a paper portfolio, a strategy driven through the graph on a price path, one approval.

Everything is embedded: a deterministic ETH price path, default risk policy (approval above a
lowered threshold so the demo shows the pause), and a fresh data directory whose ledger survives.
"""

from __future__ import annotations

import math
import random
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from agent.checkpoint import sqlite_checkpointer
from agent.deps_factory import open_paper_deps
from agent.graph import build_graph
from agent.risk.policy import RiskPolicy
from agent.runner import resume, run_tick
from agent.settings import Settings
from connectors.domain import VerdictStatus
from connectors.paper import PriceFeed
from connectors.protocol import SimClock
from strategies.base import get_strategy

START = datetime(2025, 1, 1, tzinfo=UTC)
STEP = timedelta(hours=1)


def price_path(n: int, seed: int = 7, start: float = 3000.0) -> list[tuple[float, float, float, float]]:
    """Deterministic OHLC path: a random walk with slow regime swings, so trends come and go."""
    rng = random.Random(seed)
    out, px = [], start
    for i in range(n):
        drift = 0.004 * math.sin(i / 25.0)
        close = px * math.exp(drift + rng.gauss(0, 0.008))
        high = max(px, close) * (1 + abs(rng.gauss(0, 0.003)))
        low = min(px, close) * (1 - abs(rng.gauss(0, 0.003)))
        out.append((px, high, low, close))
        px = close
    return out


@dataclass
class DemoSummary:
    ticks: int
    proposals: int = 0
    verdicts: dict[str, int] = field(default_factory=dict)
    approvals: list[str] = field(default_factory=list)
    fills: list[dict[str, Any]] = field(default_factory=list)
    start_equity_usd: Decimal = Decimal(0)
    end_equity_usd: Decimal = Decimal(0)
    ledger: str = ""
    audit_ok: bool = False

    @property
    def pnl_usd(self) -> Decimal:
        return self.end_equity_usd - self.start_equity_usd

    def to_json(self) -> dict[str, Any]:
        return {
            "ticks": self.ticks,
            "proposals": self.proposals,
            "verdicts": self.verdicts,
            "approvals": self.approvals,
            "fills": self.fills,
            "start_equity_usd": str(self.start_equity_usd),
            "end_equity_usd": str(self.end_equity_usd),
            "pnl_usd": str(self.pnl_usd),
            "ledger": self.ledger,
            "audit_ok": self.audit_ok,
        }


async def run_demo(data_dir: Path, ticks: int = 300, on_tick: Any = None) -> DemoSummary:
    if data_dir.exists():
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True)
    policy = RiskPolicy(approval_threshold_usd=Decimal(5000), approval_timeout_s=3600)
    settings = Settings(data_dir=data_dir, portfolio="demo", risk=policy, database_url=None)  # self-contained
    clock = SimClock(START)
    feed = PriceFeed(clock, interval=STEP)
    strategy = get_strategy(
        "trend_swap", {"symbol": "ETH", "quote": "USDC", "fast": 8, "slow": 24, "fraction": "0.5"}
    )
    deps = open_paper_deps(
        settings, strategy=strategy, clock=clock, feed=feed, cash={"USDC": Decimal(20_000)}
    )
    venue = deps.venues["paper"]
    summary = DemoSummary(ticks=ticks, ledger=str(settings.ledger_path))
    async with sqlite_checkpointer(settings.checkpoint_path) as saver:
        graph = build_graph(checkpointer=saver)
        for i, (o, h, lo, c) in enumerate(price_path(ticks)):
            clock.set(START + STEP * (i + 1))
            venue.advance({"ETH": (START + STEP * i, o, h, lo, c)})  # type: ignore[attr-defined]
            if i == 0:
                summary.start_equity_usd = (await venue.snapshot()).equity_usd or Decimal(0)
            result = await run_tick(graph, deps, "demo", f"demo:{i}")
            if result.interrupted and result.pending_approval:
                question = "; ".join(result.pending_approval["actions"])
                summary.approvals.append(f"tick {i}: {question} -> approved")
                result = await resume(graph, deps, "demo", "approve")
            summary.proposals += len(result.verdicts)
            for v in result.verdicts:
                summary.verdicts[v.status.value] = summary.verdicts.get(v.status.value, 0) + 1
            summary.fills += [
                {
                    "tick": i,
                    "client_id": f.client_id,
                    "sold": f"{f.amount_in:.6f} {f.asset_in}",
                    "bought": f"{f.amount_out:.6f} {f.asset_out}",
                    "fee": f"{f.fee:.6f} {f.fee_asset}",
                }
                for f in result.fills
            ]
            if on_tick:
                on_tick(i)
    summary.end_equity_usd = (await venue.snapshot()).equity_usd or Decimal(0)
    summary.audit_ok = deps.ledger.verify().ok
    summary.verdicts.setdefault(VerdictStatus.APPROVED.value, 0)
    return summary
