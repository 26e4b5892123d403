"""`portfolio`: the one way every caller turns its venues into the book the risk gate sees."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from agent.nodes.analyse import portfolio
from connectors.domain import Holdings


class Book:
    def __init__(self, holdings: Holdings) -> None:
        self.holdings = holdings

    async def snapshot(self) -> Holdings:
        return self.holdings


async def test_one_venue_is_its_own_book_and_several_are_merged() -> None:
    a = Holdings(balances={"USDC": Decimal(10)}, supplied={"ETH": Decimal(1)}, health_factor=Decimal(3))
    b = Holdings(balances={"USDC": Decimal(5), "ETH": Decimal(2)}, health_factor=Decimal(2))
    assert await portfolio(cast(Any, {"a": Book(a)})) is a
    both = await portfolio(cast(Any, {"a": Book(a), "b": Book(b)}))
    assert both.balances == {"USDC": Decimal(15), "ETH": Decimal(2)}
    assert both.supplied == {"ETH": Decimal(1)} and both.health_factor == Decimal(2)
    assert await portfolio({}) == Holdings()
