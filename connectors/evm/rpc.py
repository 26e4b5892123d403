"""JSON-RPC over web3.py's AsyncHTTPProvider, without the middleware stack (it dominates per-call cost).

Vendor errors are translated here: network trouble -> TransientError, a revert -> Reverted (with data).
"""

from __future__ import annotations

from typing import Any

import aiohttp
from web3 import AsyncHTTPProvider, AsyncWeb3
from web3.types import RPCEndpoint

from connectors.errors import TransientError
from connectors.evm.abi import Fn


class Reverted(Exception):
    """eth_call / eth_estimateGas reverted; `data` is the raw revert payload."""

    def __init__(self, message: str, data: bytes) -> None:
        super().__init__(message)
        self.data = data


class RpcError(Exception):
    def __init__(self, method: str, error: dict[str, Any]) -> None:
        super().__init__(f"{method}: {error.get('message', error)}")
        self.error = error


def _revert_data(error: dict[str, Any]) -> bytes | None:
    data = error.get("data")
    if isinstance(data, dict):
        data = data.get("data") or data.get("result")
    message = str(error.get("message", ""))
    if isinstance(data, str) and data.startswith("0x"):
        return bytes.fromhex(data[2:])
    if error.get("code") == 3 or "revert" in message.lower():
        return b""
    return None


class Rpc:
    """One chain endpoint. `w3` is a normal AsyncWeb3 for anything off the hot path."""

    def __init__(self, url: str, *, venue: str, timeout: float = 30.0) -> None:
        self.url = url
        self.venue = venue
        self.provider = AsyncHTTPProvider(
            url,
            request_kwargs={"timeout": aiohttp.ClientTimeout(total=timeout)},
            exception_retry_configuration=None,
        )
        self.w3 = AsyncWeb3(self.provider)

    async def request(self, method: str, params: list[Any]) -> Any:
        try:
            resp = await self.provider.make_request(RPCEndpoint(method), params)
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            raise TransientError(self.venue, f"{method} to {self.url} failed: {exc!r}") from exc
        if "error" in resp:
            error = dict(resp["error"])  # type: ignore[arg-type]
            data = _revert_data(error)
            if data is not None and method in ("eth_call", "eth_estimateGas"):
                raise Reverted(str(error.get("message", "execution reverted")), data)
            raise RpcError(method, error)
        return resp["result"]

    async def call(
        self, to: str, data: bytes, *, sender: str | None = None, value: int = 0, block: str = "latest"
    ) -> bytes:
        tx: dict[str, Any] = {"to": to, "data": "0x" + data.hex()}
        if sender:
            tx["from"] = sender
        if value:
            tx["value"] = hex(value)
        result = await self.request("eth_call", [tx, block])
        return bytes.fromhex(str(result).removeprefix("0x"))

    async def read(self, to: str, fn: Fn, *args: Any, block: str = "latest") -> tuple[Any, ...]:
        """Call a view function and decode its outputs."""
        return fn.decode(await self.call(to, fn.data(*args), block=block))

    async def read_one(self, to: str, fn: Fn, *args: Any, block: str = "latest") -> Any:
        return (await self.read(to, fn, *args, block=block))[0]

    async def chain_id(self) -> int:
        return int(await self.request("eth_chainId", []), 16)

    async def eth_balance(self, address: str, block: str = "latest") -> int:
        return int(await self.request("eth_getBalance", [address, block]), 16)

    async def block(self, tag: str | int = "latest") -> dict[str, Any]:
        ref = hex(tag) if isinstance(tag, int) else tag
        result: dict[str, Any] = await self.request("eth_getBlockByNumber", [ref, False])
        return result

    async def close(self) -> None:
        await self.provider.disconnect()
