"""The ccxt edge: vendor exceptions become connectors.errors exactly once, reads retry with backoff.

    ccxt NetworkError (RequestTimeout, RateLimitExceeded, DDoSProtection,
    ExchangeNotAvailable, InvalidNonce) and OperationFailed  -> TransientError (retry)
    ccxt InsufficientFunds                                   -> InsufficientFunds (no retry)
    ccxt InvalidOrder / BadRequest / AuthenticationError /
    other ExchangeError                                      -> RejectedError (no retry)

Messages are scrubbed of secrets and signed query strings before they leave this module.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

import ccxt.async_support as ccxt_async

from connectors.errors import ConnectorError, InsufficientFunds, RejectedError, TransientError

T = TypeVar("T")
log = logging.getLogger(__name__)

_QUERY = re.compile(r"\?[^\s\"']*")
_HEX_KEY = re.compile(r"0x[0-9a-fA-F]{64}")


@dataclass(frozen=True)
class RetryPolicy:
    """How transient failures are retried: `attempts` tries, delay doubling from `base_delay` s."""

    attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 8.0

    def delay(self, attempt: int) -> float:
        return min(self.max_delay, self.base_delay * (2 ** (attempt - 1)))


Sleep = Callable[[float], Awaitable[None]]


def redact(text: str, secrets: Sequence[str] = ()) -> str:
    """Drop query strings (signatures, keys) and any known secret from a vendor message."""
    text = _QUERY.sub("?<redacted>", text)
    text = _HEX_KEY.sub("0x<redacted>", text)
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "<redacted>")
    return text[:500]


def is_transient(exc: BaseException) -> bool:
    return isinstance(exc, ccxt_async.NetworkError | ccxt_async.OperationFailed)


def translate(venue: str, exc: BaseException, what: str, secrets: Sequence[str] = ()) -> ConnectorError:
    """The framework error for a ccxt exception raised while doing `what`."""
    detail = redact(str(exc), secrets)
    kind = type(exc).__name__
    if isinstance(exc, ccxt_async.RateLimitExceeded | ccxt_async.DDoSProtection):
        return TransientError(venue, f"{what}: rate limited ({kind}): {detail}")
    if is_transient(exc):
        return TransientError(venue, f"{what}: {kind}: {detail}")
    if isinstance(exc, ccxt_async.InsufficientFunds):
        return InsufficientFunds(venue, f"{what}: insufficient funds: {detail}")
    if isinstance(exc, ccxt_async.AuthenticationError):
        return RejectedError(venue, f"{what}: authentication failed ({kind}); check this venue's credentials")
    return RejectedError(venue, f"{what}: {kind}: {detail}")


async def call_with_retry(
    venue: str,
    what: str,
    op: Callable[[], Awaitable[T]],
    *,
    policy: RetryPolicy,
    sleep: Sleep = asyncio.sleep,
    secrets: Sequence[str] = (),
) -> T:
    """Run a side-effect-free venue call, retrying transient failures; translate on the way out."""
    attempt = 0
    while True:
        attempt += 1
        try:
            return await op()
        except ccxt_async.BaseError as exc:
            error = translate(venue, exc, what, secrets)
            if not isinstance(error, TransientError) or attempt >= policy.attempts:
                raise error from exc
            delay = policy.delay(attempt)
            log.warning("perps.retry venue=%s what=%s attempt=%d delay=%.2f", venue, what, attempt, delay)
            await sleep(delay)


async def call_once(
    venue: str, what: str, op: Callable[[], Awaitable[T]], *, secrets: Sequence[str] = ()
) -> T:
    """Run a venue call once (writes: the caller decides about retrying); translate errors."""
    try:
        return await op()
    except ccxt_async.BaseError as exc:
        raise translate(venue, exc, what, secrets) from exc
