"""Daemon test fixtures: a real webhook sink on 127.0.0.1."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest


class WebhookSink:
    """A real HTTP server on 127.0.0.1 collecting JSON POST bodies."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.event = threading.Event()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                sink.received.append(json.loads(body))
                sink.event.set()
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def events(self, kind: str) -> list[dict[str, Any]]:
        return [r for r in self.received if r.get("event") == kind]


@pytest.fixture
def webhook_sink() -> Iterator[WebhookSink]:
    sink = WebhookSink()
    sink.thread.start()
    yield sink
    sink.server.shutdown()
    sink.server.server_close()


DEFAI = Path(sys.executable).with_name("defai")


class DaemonHarness:
    """Runs the real `defai run` in subprocesses over one data dir; reads their JSON log lines."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data_dir = root / "data"
        self.config = root / "agent.toml"
        self.env = {
            **os.environ,
            "DEFAI_DATA_DIR": str(self.data_dir),
            "DEFAI_PORTFOLIO": "main",
            "DEFAI_PAPER_CASH_USDC": "10000",
        }
        self.env.pop("DEFAI_CONFIG", None)
        self.env.pop("DEFAI_DAEMON_FAULT", None)
        self.procs: list[tuple[subprocess.Popen[bytes], Path]] = []

    def write_config(self, body: str) -> None:
        self.config.write_text('[daemon]\nhttp_port = 0\npoll = "200ms"\n' + body)

    def start(self, **env: str) -> tuple[subprocess.Popen[bytes], Path]:
        log = self.root / f"daemon-{len(self.procs)}.log"
        proc = subprocess.Popen(  # the same code path as `defai run`, minus loading every CLI group
            [sys.executable, "-m", "agent.daemon", "--config", str(self.config)],
            stdout=subprocess.DEVNULL,
            stderr=log.open("wb"),
            env={**self.env, **env},
        )
        self.procs.append((proc, log))
        return proc, log

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(DEFAI), *args], capture_output=True, text=True, env=self.env, timeout=120, check=False
        )

    @staticmethod
    def events(log: Path) -> list[dict[str, Any]]:
        out = []
        for line in log.read_text(errors="replace").splitlines():
            if line.startswith("{"):
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError:
                    continue
        return out

    def wait_for(
        self,
        log: Path,
        event: str,
        where: Callable[[dict[str, Any]], bool] = lambda e: True,
        timeout_s: float = 60,
    ) -> dict[str, Any]:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for e in self.events(log):
                if e.get("event") == event and where(e):
                    return e
            time.sleep(0.05)
        raise AssertionError(f"no {event} in {log.name}:\n{log.read_text(errors='replace')[-3000:]}")

    def stop(self, proc: subprocess.Popen[bytes]) -> int:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        return proc.wait(timeout=60)

    def close(self) -> None:
        for proc, _ in self.procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=30)


@pytest.fixture
def harness(tmp_path: Path) -> Iterator[DaemonHarness]:
    if not DEFAI.exists():
        pytest.skip(f"console script {DEFAI} not installed (pip install -e .)")
    h = DaemonHarness(tmp_path)
    yield h
    h.close()


from connectors.evm.devnet.testing import devnet, devnet_chain  # noqa: E402

__all__ = ["devnet", "devnet_chain"]
