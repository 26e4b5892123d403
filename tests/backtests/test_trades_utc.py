"""Epoch nanoseconds -> UTC datetimes, as the replay's clock reads bar times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from backtests.trades import utc


def test_truncates_to_the_microsecond_on_both_sides_of_the_epoch() -> None:
    assert utc(1_700_000_000_123_456_789) == datetime(2023, 11, 14, 22, 13, 20, 123456, tzinfo=UTC)
    assert utc(0) == datetime(1970, 1, 1, tzinfo=UTC)
    assert utc(-1) == datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)  # floor, as // does
    assert utc(1_700_000_000_000_000_000).tzinfo is UTC


def test_agrees_with_numpy_on_random_times() -> None:
    ns = np.random.default_rng(5).integers(-(10**18), 4 * 10**18, 2_000)
    for value in ns.tolist():
        expected = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=value // 1000)
        assert utc(value) == expected
        assert utc(value).replace(tzinfo=None) == np.datetime64(value // 1000, "us").astype(datetime)
