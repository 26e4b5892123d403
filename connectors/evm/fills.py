"""Read what actually moved from a receipt's Transfer logs, and make domain Fills of it."""

from __future__ import annotations

from decimal import Decimal

from connectors.domain import Fill, FillStatus, utc_now
from connectors.evm.abi import TRANSFER_TOPIC, address_word
from connectors.evm.sender import Receipt
from connectors.evm.tokens import units_eth

_TOPIC_HEX = "0x" + TRANSFER_TOPIC.hex()


def moved(receipt: Receipt, token: str, me: str) -> tuple[int, int]:
    """(raw amount of `token` that left `me`, raw amount that arrived) in this transaction."""
    out = into = 0
    token, me = token.lower(), me.lower()
    for log in receipt.logs:
        topics = log.get("topics", [])
        if log.get("address", "").lower() != token or len(topics) != 3 or topics[0].lower() != _TOPIC_HEX:
            continue
        value = int(log["data"], 16)
        if address_word(topics[1]).lower() == me:
            out += value
        if address_word(topics[2]).lower() == me:
            into += value
    return out, into


def gas_cost(receipt: Receipt) -> Decimal:
    return units_eth(receipt.gas_used * receipt.effective_gas_price)


def make_fill(
    client_id: str,
    venue: str,
    kind: str,
    receipt: Receipt,
    *,
    asset_in: str = "",
    amount_in: Decimal = Decimal(0),
    asset_out: str = "",
    amount_out: Decimal = Decimal(0),
    note: str = "",
) -> Fill:
    price = amount_in / amount_out if amount_in and amount_out else None
    return Fill(
        client_id=client_id,
        venue=venue,
        kind=kind,
        status=FillStatus.FILLED,
        asset_in=asset_in,
        amount_in=amount_in,
        asset_out=asset_out,
        amount_out=amount_out,
        price=price,
        fee=gas_cost(receipt),
        fee_asset="ETH",
        tx_hash=receipt.tx_hash,
        note=note,
        at=utc_now(),
    )
