"""The risk gate: nothing moves funds without its verdict."""

from agent.risk.gate import DayStats, Proposal, RiskGate
from agent.risk.killswitch import KillSwitch, TradingState
from agent.risk.policy import RiskPolicy

__all__ = ["DayStats", "KillSwitch", "Proposal", "RiskGate", "RiskPolicy", "TradingState"]
