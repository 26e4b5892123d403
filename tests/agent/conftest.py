"""Shared agent test fixtures: one throwaway PostgreSQL cluster per session (see tests/pg_support.py)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from tests.pg_support import pg_cluster

_names = itertools.count()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """postgresql:// URL of a local cluster started for this session; skips when it cannot start."""
    with pg_cluster() as url:
        yield url


@pytest.fixture
def pg_schema() -> str:
    """A schema name no other test uses, so tests share the cluster without sharing tables."""
    return f"t{next(_names)}"
