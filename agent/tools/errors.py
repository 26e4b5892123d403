"""Tool failures: one message an LLM (or a person) can act on, never a stack trace."""

from __future__ import annotations

from pydantic import ValidationError

from connectors.errors import (
    ConfigError,
    ConnectorError,
    FrameworkError,
    InsufficientFunds,
    IntentError,
    RejectedError,
    RiskRejected,
    TransientError,
    UnknownOutcome,
)


class ToolFailure(Exception):
    """A tool refused or failed cleanly. The message says what was wrong and what to do next."""


class PermissionDenied(ToolFailure):
    """The caller lacks the scope a write tool needs."""


def explain(exc: BaseException) -> str:
    """Turn a framework exception into a message with the next step; never includes a traceback."""
    if isinstance(exc, ToolFailure):
        return str(exc)
    if isinstance(exc, ValidationError):
        return "invalid arguments: " + "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'input'}: {err['msg']}" for err in exc.errors()
        )
    if isinstance(exc, IntentError):
        return f"the request is unclear: {exc}. Rephrase it with the asset, amount and side."
    if isinstance(exc, RiskRejected):
        reasons = "; ".join(exc.reasons) if exc.reasons else str(exc)
        return f"the risk gate rejected it: {reasons}. Nothing was executed."
    if isinstance(exc, InsufficientFunds):
        return f"insufficient funds: {exc}. Nothing was executed; lower the amount."
    if isinstance(exc, RejectedError):
        return f"the venue rejected it: {exc}. Nothing was executed; do not retry unchanged."
    if isinstance(exc, TransientError):
        return f"the venue is temporarily unavailable: {exc}. Retry in a few seconds."
    if isinstance(exc, UnknownOutcome):
        return (
            f"the venue did not confirm (client id {exc.client_id}): {exc.message}. Do NOT resend; "
            "check audit_log / get_portfolio first."
        )
    if isinstance(exc, ConnectorError | ConfigError | FrameworkError):
        return str(exc)
    return f"internal error ({type(exc).__name__}); the server log has details"
