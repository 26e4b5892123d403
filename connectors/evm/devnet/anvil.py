"""Start and stop an anvil process on 127.0.0.1 (never with --dump-state: state is saved by RPC)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from connectors.errors import ConfigError
from connectors.evm.devnet import home

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def anvil_version() -> str:
    out = subprocess.run(
        [str(home.anvil_binary()), "--version"], capture_output=True, text=True, check=True
    ).stdout
    return out.splitlines()[0].strip() + " " + next((x for x in out.splitlines() if "SHA" in x), "")


def rpc(url: str, method: str, params: list[Any] | None = None, timeout: float = 30.0) -> Any:
    """A plain blocking JSON-RPC call (used by tooling, not by connectors)."""
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params or []}).encode()
    req = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        doc = json.loads(resp.read())
    if "error" in doc:
        raise RuntimeError(f"{method}: {doc['error']}")
    return doc["result"]


@dataclass
class Anvil:
    """A running anvil we started; `stop()` ends exactly that process."""

    port: int
    process: subprocess.Popen[bytes] | None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def start(
    port: int | None = None,
    *,
    load_state: Path | None = None,
    log_path: Path | None = None,
    detach: bool = False,
) -> Anvil:
    """Start anvil and wait until it answers. `detach` lets it outlive this process (devnet up -b)."""
    port = port or free_port()
    args = [str(home.anvil_binary()), "--host", HOST, "--port", str(port), "--accounts", "10"]
    args += ["--balance", "10000", "--chain-id", "31337"]
    if load_state is not None:
        args += ["--load-state", str(load_state)]
    log = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115
    try:
        process = subprocess.Popen(
            args,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=detach,
        )
    finally:
        if log_path:
            log.close()  # type: ignore[union-attr]
    anvil = Anvil(port, process)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ConfigError(f"anvil exited at start (code {process.returncode}); see {log_path}")
        try:
            rpc(anvil.url, "eth_chainId", timeout=1)
            return anvil
        except OSError:
            time.sleep(0.05)
    anvil.stop()
    raise ConfigError(f"anvil did not answer on {anvil.url} within 30 s")


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
