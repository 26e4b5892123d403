"""`validated(Model, fields)` is `Model(**fields)`: same instance, same checks, same errors."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from pydantic import ValidationError

from connectors.domain import Fill, OpenPosition, Position, Side, validated

AT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_the_same_instance_as_the_constructor() -> None:
    fields = {
        "market": "BTC-PERP",
        "side": Side.SHORT,
        "size": Decimal("0.5"),
        "entry_price": Decimal(60_000),
    }
    built = validated(Position, fields)
    assert built == Position(**fields)
    assert type(built) is Position
    assert built.model_fields_set == Position(**fields).model_fields_set
    with pytest.raises(ValidationError):  # frozen, as constructed ones are
        built.size = Decimal(1)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("model", "fields", "error"),
    [
        (Fill, {"client_id": "c", "venue": "v", "kind": "swap", "at": AT, "typo": 1}, "Extra inputs"),
        (
            Fill,
            {"client_id": "c", "venue": "v", "kind": "swap", "at": datetime(2026, 1, 2)},
            "timezone-aware",
        ),
        (OpenPosition, {"market": "BTC", "side": "long", "size": Decimal(-1)}, "positive finite"),
        (
            OpenPosition,
            {"market": "BTC", "side": "long", "size": 1, "reverse": True, "reduce_only": True},
            "reverse",
        ),
    ],
)
def test_the_same_checks_and_errors(model: type, fields: dict[str, object], error: str) -> None:
    with pytest.raises(ValidationError, match=error) as by_helper:
        validated(model, fields)
    with pytest.raises(ValidationError) as by_constructor:
        model(**fields)
    assert by_helper.value.errors(include_context=False) == by_constructor.value.errors(include_context=False)
    assert str(by_helper.value) == str(by_constructor.value)


def test_a_fill_time_is_normalised_to_utc_either_way() -> None:
    from datetime import timedelta, timezone

    local = datetime(2026, 1, 2, 5, 4, 5, tzinfo=timezone(timedelta(hours=2)))
    fields = {"client_id": "c", "venue": "v", "kind": "swap", "at": local}
    assert validated(Fill, fields).at == Fill(**fields).at == AT
    assert validated(Fill, fields).at.tzinfo is UTC
