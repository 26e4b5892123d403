"""`/healthz` (JSON) and `/metrics` (Prometheus text) on a loopback port, served by asyncio.

Read-only and unauthenticated, hence loopback only; no request body is ever read.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from typing import Any

from agent.daemon.logs import log_event
from connectors.errors import ConfigError

_log = logging.getLogger("defai.daemon.http")
_REASONS = {200: "OK", 404: "Not Found", 405: "Method Not Allowed", 503: "Service Unavailable"}


class HealthServer:
    """Serves `health()` -> (ok, details) and `metrics()` -> text. Port 0 picks a free port."""

    def __init__(
        self,
        host: str,
        port: int,
        health: Callable[[], tuple[bool, dict[str, Any]]],
        metrics: Callable[[], str],
    ) -> None:
        self.host = host
        self.port = port
        self._health = health
        self._metrics = metrics
        self._server: asyncio.Server | None = None

    async def start(self) -> int:
        try:
            self._server = await asyncio.start_server(self._handle, self.host, self.port)
        except OSError as e:
            raise ConfigError(
                f"cannot serve /healthz on {self.host}:{self.port} ({e.strerror or e}); "
                "set [daemon].http_port to a free port (0 = any, -1 = off)"
            ) from None
        self.port = self._server.sockets[0].getsockname()[1]
        return self.port

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request = await asyncio.wait_for(reader.readline(), timeout=5)
            while (await asyncio.wait_for(reader.readline(), timeout=5)) not in (b"\r\n", b"\n", b""):
                pass
            parts = request.decode("latin-1").split()
            method, path = (parts[0], parts[1].split("?")[0]) if len(parts) >= 2 else ("", "")
            status, ctype, body = self._route(method, path)
            head = (
                f"HTTP/1.1 {status} {_REASONS[status]}\r\nContent-Type: {ctype}\r\n"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
            )
            writer.write(head.encode() + (body if method != "HEAD" else b""))
            await writer.drain()
        except (TimeoutError, ConnectionError):
            pass
        except Exception:
            log_event(_log, "http.error", level=logging.ERROR)
        finally:
            writer.close()

    def _route(self, method: str, path: str) -> tuple[int, str, bytes]:
        if method not in ("GET", "HEAD"):
            return 405, "text/plain", b"method not allowed\n"
        if path == "/healthz":
            ok, details = self._health()
            return (200 if ok else 503), "application/json", json.dumps(details, default=str).encode()
        if path == "/metrics":
            return 200, "text/plain; version=0.0.4; charset=utf-8", self._metrics().encode()
        return 404, "text/plain", b"not found\n"
