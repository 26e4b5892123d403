"""One function per graph node. The graph and the backtester's fast path call these same functions."""

from agent.nodes.analyse import analyse
from agent.nodes.approval import await_approval
from agent.nodes.decide import decide
from agent.nodes.execute import execute
from agent.nodes.record import record
from agent.nodes.risk import risk_check
from agent.nodes.routes import after_approval, after_decide, after_risk

__all__ = [
    "after_approval",
    "after_decide",
    "after_risk",
    "analyse",
    "await_approval",
    "decide",
    "execute",
    "record",
    "risk_check",
]
