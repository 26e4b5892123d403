"""Contract functions as typed signatures: calldata in, decoded values out (raw ints at this edge only)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from eth_abi import decode, encode
from eth_utils import keccak

MAX_UINT256 = 2**256 - 1


def split_types(inner: str) -> list[str]:
    """Split a comma list of ABI types at the top level: "(a,b),uint256" -> ["(a,b)", "uint256"]."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(inner):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append(inner[start:i])
            start = i + 1
    if inner[start:]:
        out.append(inner[start:])
    return out


@dataclass(frozen=True)
class Fn:
    """`Fn("transfer(address,uint256)", "bool")`: encode a call, decode its return values."""

    signature: str
    returns: str = ""
    inputs: tuple[str, ...] = field(init=False)
    outputs: tuple[str, ...] = field(init=False)
    selector: bytes = field(init=False)

    def __post_init__(self) -> None:
        name_end = self.signature.index("(")
        object.__setattr__(self, "inputs", tuple(split_types(self.signature[name_end + 1 : -1])))
        object.__setattr__(self, "outputs", tuple(split_types(self.returns)))
        object.__setattr__(self, "selector", keccak(text=self.signature)[:4])

    @property
    def name(self) -> str:
        return self.signature[: self.signature.index("(")]

    def data(self, *args: Any) -> bytes:
        return self.selector + encode(list(self.inputs), list(args))

    def decode(self, raw: bytes) -> tuple[Any, ...]:
        return tuple(decode(list(self.outputs), raw))

    def decode_one(self, raw: bytes) -> Any:
        return self.decode(raw)[0]


def event_topic(signature: str) -> bytes:
    return keccak(text=signature)


TRANSFER_TOPIC = event_topic("Transfer(address,address,uint256)")


def address_word(topic: bytes | str) -> str:
    raw = bytes.fromhex(topic.removeprefix("0x")) if isinstance(topic, str) else topic
    return "0x" + raw[-20:].hex()


def encode_v3_path(tokens: Sequence[str], fees: Sequence[int]) -> bytes:
    """Uniswap V3 packed path: token (20) | fee (3) | token (20) ..."""
    if len(tokens) != len(fees) + 1:
        raise ValueError("a V3 path needs one fee between each pair of tokens")
    out = bytes.fromhex(tokens[0].removeprefix("0x"))
    for fee, token in zip(fees, tokens[1:], strict=True):
        out += fee.to_bytes(3, "big") + bytes.fromhex(token.removeprefix("0x"))
    return out
