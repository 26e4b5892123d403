"""Where the devnet keeps its things: the npm install, saved chain states and the running chain's book."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

HOME_ENV = "DEFAI_DEVNET_HOME"
NPM_SOURCE_ENV = "DEFAI_DEVNET_NPM_DIR"
_REPO_NPM_DIR = Path(__file__).resolve().parents[3] / "scripts" / "devnet"


def home() -> Path:
    """The cache dir (env DEFAI_DEVNET_HOME, else ~/.cache/defai/devnet)."""
    raw = os.environ.get(HOME_ENV)
    path = Path(raw).expanduser() if raw else Path.home() / ".cache" / "defai" / "devnet"
    path.mkdir(parents=True, exist_ok=True)
    return path


def npm_source_dir() -> Path:
    """The directory holding package.json + package-lock.json (and the vault's Solidity source)."""
    raw = os.environ.get(NPM_SOURCE_ENV)
    return Path(raw).expanduser() if raw else _REPO_NPM_DIR


def npm_dir() -> Path:
    return home() / "npm"


def node_modules() -> Path:
    return npm_dir() / "node_modules"


def anvil_binary() -> Path:
    return node_modules() / "@foundry-rs" / "anvil-linux-amd64" / "bin" / "anvil"


def states_dir() -> Path:
    path = home() / "states"
    path.mkdir(parents=True, exist_ok=True)
    return path


def info_path() -> Path:
    """The JSON book of the running devnet: rpc_url, chain_id, accounts, addresses, pid."""
    return home() / "devnet.json"


def file_sha256(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temp file + rename so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(path: Path, doc: Any) -> None:
    write_atomic(path, (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode())
