"""One exception hierarchy, grouped by what the caller does next.

    FrameworkError
    ├── ConfigError            stop at start-up, say which setting
    ├── IntentError            the request is unclear or unsupported: ask, never guess
    ├── RiskRejected           the gate said no; carries the verdict's reasons
    ├── StrategyError          user strategy code raised
    └── ConnectorError(venue)
        ├── TransientError     timeout, 429, 5xx: retry with backoff
        ├── RejectedError      revert, slippage, invalid order: do not retry
        │   └── InsufficientFunds
        └── UnknownOutcome     sent, no answer: reconcile before anything else, never resend blindly

Vendor exceptions (ccxt, web3) are translated once, at the connector edge, with `raise X from e`.
Messages name the problem in the user's units and never contain secrets.
"""

from __future__ import annotations


class FrameworkError(Exception):
    """Base of every error this framework raises on purpose."""


class ConfigError(FrameworkError):
    pass


class IntentError(FrameworkError):
    pass


class RiskRejected(FrameworkError):
    def __init__(self, message: str, reasons: list[str] | None = None) -> None:
        super().__init__(message)
        self.reasons = reasons or []


class StrategyError(FrameworkError):
    pass


class ConnectorError(FrameworkError):
    def __init__(self, venue: str, message: str) -> None:
        super().__init__(f"[{venue}] {message}")
        self.venue = venue
        self.message = message


class TransientError(ConnectorError):
    pass


class RejectedError(ConnectorError):
    pass


class InsufficientFunds(RejectedError):
    pass


class UnknownOutcome(ConnectorError):
    def __init__(self, venue: str, message: str, *, client_id: str, reference: str | None = None) -> None:
        super().__init__(venue, message)
        self.client_id = client_id
        self.reference = reference
