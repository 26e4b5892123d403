"""Client ids are the idempotency key across restarts: deterministic, reason-blind, and stable."""

from decimal import Decimal

from connectors.domain import OpenPosition, Side, Swap, client_id_for


def test_same_action_same_scope_same_id_whatever_the_reason():
    a = Swap(sell="WETH", buy="DAI", amount=Decimal(4), reason="cross up")
    b = Swap(sell="WETH", buy="DAI", amount=Decimal(4), reason="different words")
    assert client_id_for("run-1", 0, a) == client_id_for("run-1", 0, b)


def test_scope_position_and_content_all_change_the_id():
    a = Swap(sell="WETH", buy="DAI", amount=Decimal(4))
    ids = {
        client_id_for("run-1", 0, a),
        client_id_for("run-2", 0, a),
        client_id_for("run-1", 1, a),
        client_id_for("run-1", 0, a.model_copy(update={"amount": Decimal(5)})),
        client_id_for("run-1", 0, OpenPosition(market="BTC", side=Side.LONG, size=Decimal(4))),
    }
    assert len(ids) == 5


def test_derivation_is_stable_across_versions():
    """Changing this value breaks idempotency for orders in flight across an upgrade: do it on purpose only."""
    swap = Swap(sell="WETH", buy="DAI", amount=Decimal("4"))
    assert client_id_for("portfolio:tick-1", 0, swap) == "dfa-a5d0a43d9a76a315d07fa749"
