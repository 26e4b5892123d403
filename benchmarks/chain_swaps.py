"""Swaps per second and p50/p99 latency of quote + simulate + send + receipt on the devnet (target p50 < 150 ms).

    .venv/bin/python benchmarks/chain_swaps.py [--swaps 200] [--rpc-url URL]

Starts its own anvil from the saved devnet state (installing/deploying on first use) unless --rpc-url
points at a running devnet. Two passes: with the connector's default exact-amount approvals (each swap
also sends an approve), and with the router pre-approved (the swap path alone).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from decimal import Decimal

from connectors.domain import Swap
from connectors.evm import EvmConnector, connect
from connectors.evm.devnet import anvil, home, runtime, state


async def _pass(connector: EvmConnector, count: int, label: str) -> None:
    legs = [
        Swap(sell="WETH", buy="USDC", amount=Decimal("0.1")),
        Swap(sell="USDC", buy="WETH", amount=Decimal(300)),
    ]
    latencies: list[float] = []
    started = time.perf_counter()
    for i in range(count):
        action = legs[i % 2]
        t0 = time.perf_counter()
        quote = await connector.quote(action)
        fill = await connector.execute(action, client_id=f"{label}-{i}", quote=quote)
        latencies.append(time.perf_counter() - t0)
        if fill.amount_out != quote.amount_out:
            raise SystemExit(f"swap {i} filled {fill.amount_out}, quoted {quote.amount_out}")
    elapsed = time.perf_counter() - started
    ms = sorted(x * 1000 for x in latencies)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    print(
        f"{label:<22} {count} swaps in {elapsed:.2f} s: {count / elapsed:.1f} swaps/s, "
        f"p50 {statistics.median(ms):.1f} ms, p99 {p99:.1f} ms, max {ms[-1]:.1f} ms"
    )


async def _run(url: str, count: int) -> None:
    connector = await connect("devnet", rpc_url=url)
    try:
        await _pass(connector, 10, "warm-up")
        await _pass(connector, count, "exact approvals")
        v3 = connector.swaps.v3
        assert v3 is not None
        for symbol in ("WETH", "USDC"):
            token = connector.book.token(symbol)
            await connector.tokens.ensure_allowance(token, v3.router, 10**30, client_id=f"pre-{symbol}")
        await _pass(connector, count, "router pre-approved")
    finally:
        await connector.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--swaps", type=int, default=200)
    parser.add_argument("--rpc-url", default=None, help="a running devnet (default: start a private one)")
    args = parser.parse_args()
    if args.rpc_url:
        asyncio.run(_run(args.rpc_url, args.swaps))
        return
    state_path, book = state.ensure_state()
    node = anvil.start(load_state=state_path)
    info_path = home.home() / f"bench-{node.port}.json"
    home.write_json(info_path, runtime.describe(node.url, book, pid=None, port=node.port))
    os.environ["DEFAI_DEVNET_INFO"] = str(info_path)
    try:
        print(f"devnet {node.url} ({anvil.anvil_version().split()[2]})")
        asyncio.run(_run(node.url, args.swaps))
    finally:
        node.stop()
        info_path.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
