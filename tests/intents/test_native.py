"""On a chain, ETH legs of swaps trade as WETH: selling ETH wraps first, buying ETH receives WETH."""

from decimal import Decimal

from agent.intents import parse, plan
from agent.intents.native import wrap_native_legs
from connectors.domain import Holdings, Swap, Wrap

PRICES = {"ETH": Decimal(3000), "USDC": Decimal(1)}
BOOK = Holdings(balances={"ETH": Decimal(5), "USDC": Decimal(10_000)})


def test_selling_eth_wraps_then_swaps_weth():
    p = wrap_native_legs(plan(parse("swap 1 ETH to USDC"), BOOK, PRICES))
    wrap, swap = p.actions
    assert isinstance(wrap, Wrap) and wrap.amount == Decimal(1)
    assert isinstance(swap, Swap) and swap.sell == "WETH" and swap.amount == Decimal(1)
    assert [s.action_index for s in p.steps if s.action_index is not None] == [0, 1]


def test_buying_eth_receives_weth_and_says_so():
    p = wrap_native_legs(plan(parse("buy ETH with 500 USDC"), BOOK, PRICES))
    (swap,) = p.actions
    assert swap.buy == "WETH" and any("unwrap" in n for n in p.notes)


def test_plans_without_native_legs_are_unchanged():
    p = plan(parse("swap 1 WETH to USDC"), BOOK.model_copy(update={"balances": {"WETH": Decimal(2)}}), PRICES)
    assert wrap_native_legs(p) is p
