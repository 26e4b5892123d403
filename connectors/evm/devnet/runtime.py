"""Bring the devnet up and down, and describe it (the `defai devnet` commands call these)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eth_account import Account

from connectors.errors import ConfigError
from connectors.evm.devnet import anvil, home, state

DEFAULT_PORT = 8545
ANVIL_MNEMONIC = "test test test test test test test test test test test junk"
"""anvil's public test mnemonic: its keys are known to everyone and must never hold real funds."""


def test_accounts(count: int = 10) -> list[dict[str, str]]:
    """anvil's funded accounts with their (public, devnet-only) private keys."""
    Account.enable_unaudited_hdwallet_features()
    out = []
    for i in range(count):
        acct = Account.from_mnemonic(ANVIL_MNEMONIC, account_path=f"m/44'/60'/0'/0/{i}")
        out.append({"address": acct.address, "private_key": "0x" + acct.key.hex().removeprefix("0x")})
    return out


def describe(url: str, book: dict[str, Any], *, pid: int | None, port: int) -> dict[str, Any]:
    return {
        "rpc_url": url,
        "chain_id": book["chain_id"],
        "port": port,
        "pid": pid,
        "state_key": book["state_key"],
        "started_at": datetime.now(UTC).isoformat(),
        "accounts": test_accounts(len(book["funded_accounts"])),
        "test_funds": book["test_funds"],
        "tokens": book["tokens"],
        "addresses": book["addresses"],
        "vaults": book["vaults"],
    }


def read_info(path: Path | None = None) -> dict[str, Any] | None:
    path = path or home.info_path()
    if not path.is_file():
        return None
    doc: dict[str, Any] = json.loads(path.read_text())
    return doc


def running() -> dict[str, Any] | None:
    """The running devnet's book if its anvil still answers, else None."""
    info = read_info()
    if info is None:
        return None
    try:
        anvil.rpc(info["rpc_url"], "eth_chainId", timeout=2)
    except OSError:
        return None
    return info


def up(port: int = DEFAULT_PORT, *, background: bool) -> tuple[dict[str, Any], anvil.Anvil | None]:
    """Start (or reuse) the devnet. In the foreground the caller owns the returned process."""
    current = running()
    if current is not None:
        if current["port"] != port:
            raise ConfigError(
                f"a devnet is already running on {current['rpc_url']}; `defai devnet down` first"
            )
        return current, None
    state_path, book = state.ensure_state()
    node = anvil.start(port, load_state=state_path, log_path=home.home() / "anvil.log", detach=background)
    pid = node.process.pid if node.process else None
    info = describe(node.url, book, pid=pid, port=port)
    home.write_json(home.info_path(), info)
    return info, node


def _is_our_anvil(pid: int) -> bool:
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return bool(cmdline) and cmdline[0].endswith(b"anvil") and str(home.anvil_binary()).encode() == cmdline[0]


def down() -> bool:
    """Stop the devnet recorded in devnet.json (only that pid, only if it is our anvil)."""
    info = read_info()
    if info is None:
        return False
    pid = info.get("pid")
    stopped = False
    if isinstance(pid, int) and anvil.pid_alive(pid) and _is_our_anvil(pid):
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + 10
        while anvil.pid_alive(pid) and time.monotonic() < deadline:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)
            time.sleep(0.05)
        if anvil.pid_alive(pid):
            os.kill(pid, signal.SIGKILL)
        stopped = True
    home.info_path().unlink(missing_ok=True)
    return stopped
