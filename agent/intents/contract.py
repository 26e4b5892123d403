"""The stable JSON output contract of `defai intent parse --json`: `kind` plus only applicable fields."""

from __future__ import annotations

import json
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from agent.intents.models import Intent

_DROP_WHEN_DEFAULT = {"amount_unit": "asset"}
_FRACTION_FIELDS = {"fraction"}


def _number(value: Decimal, places: int | None = None) -> int | float:
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def to_contract(intent: Intent) -> dict[str, Any]:
    """The contract dict: numbers as JSON numbers, "all"/"50%" as strings, fractions to 4 decimals."""
    out: dict[str, Any] = {"kind": intent.kind}
    for name, value in intent:
        if value is None or _DROP_WHEN_DEFAULT.get(name) == value:
            continue
        if isinstance(value, Decimal):
            out[name] = _number(value, 4 if name in _FRACTION_FIELDS else None)
        else:
            out[name] = value
    return out


def to_json_line(intent: Intent) -> str:
    """One compact JSON object, no newlines."""
    return json.dumps(to_contract(intent), separators=(",", ":"))
