"""Deploy once, then reuse: the chain saved with `anvil_dumpState`, keyed by what produced it."""

from __future__ import annotations

import contextlib
import fcntl
import gzip
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from connectors.evm.devnet import anvil, home, install
from connectors.evm.devnet.deploy_vault import VAULT_SOURCE

_DEPLOY_MODULES = (
    "artifacts.py",
    "deployer.py",
    "deploy_all.py",
    "deploy_aave.py",
    "deploy_uniswap.py",
    "deploy_vault.py",
    "state.py",
)


def deploy_code_hash() -> str:
    here = Path(__file__).parent
    paths = [here / name for name in _DEPLOY_MODULES] + [home.npm_source_dir() / VAULT_SOURCE]
    return home.file_sha256(*paths)


def state_key() -> str:
    parts = [anvil.anvil_version(), install.lockfile_hash(), deploy_code_hash()]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


@contextlib.contextmanager
def _locked() -> Iterator[None]:
    """One deployer at a time across processes (CLI and test sessions may race)."""
    with open(home.home() / ".deploy.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def paths_for(key: str) -> tuple[Path, Path]:
    base = home.states_dir()
    return base / f"{key}.state.json", base / f"{key}.book.json"


def ensure_state() -> tuple[Path, dict[str, Any]]:
    """Install if needed, deploy into a throwaway anvil if no saved state matches, return (state, book)."""
    install.ensure_installed()
    key = state_key()
    state_path, book_path = paths_for(key)
    with _locked():
        if not (state_path.is_file() and book_path.is_file()):
            _deploy_and_save(state_path, book_path, key)
            _prune(keep=3)
        state_path.touch()
    book: dict[str, Any] = json.loads(book_path.read_text())
    return state_path, book


def _deploy_and_save(state_path: Path, book_path: Path, key: str) -> None:
    from connectors.evm.devnet.deploy_all import deploy_all

    node = anvil.start(log_path=home.home() / "deploy-anvil.log")
    try:
        book = deploy_all(node.url)
        raw = bytes.fromhex(str(anvil.rpc(node.url, "anvil_dumpState", timeout=120)).removeprefix("0x"))
    finally:
        node.stop()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    json.loads(raw)  # refuse to save something --load-state cannot read
    book["state_key"] = key
    home.write_atomic(state_path, raw)
    home.write_json(book_path, book)


def _prune(keep: int) -> None:
    """Drop all but the `keep` most recently used saved chains (each is several MB)."""
    states = sorted(home.states_dir().glob("*.state.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in states[keep:]:
        old.unlink(missing_ok=True)
        old.with_name(old.name.replace(".state.json", ".book.json")).unlink(missing_ok=True)
