"""The ledger: intents, verdicts, orders and fills keyed by client id, plus a hash-chained audit log."""

from agent.ledger.audit import AuditReport
from agent.ledger.store import Ledger, ledger_for

__all__ = ["AuditReport", "Ledger", "ledger_for"]
