"""Fixtures for paper-venue tests (T0 matches paper_helpers.T0)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from connectors.protocol import SimClock


@pytest.fixture
def clock() -> SimClock:
    return SimClock(datetime(2025, 1, 1, tzinfo=UTC))
