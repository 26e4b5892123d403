"""The scheduler's entry point. Jobs store only `run_job` and a plain dict; the running daemon
installs itself here so the job can reach the graph, venues and metrics of this process."""

from __future__ import annotations

from typing import Any, Protocol

from agent.daemon.jobs import JobSpec


class JobHost(Protocol):
    async def run_job(self, spec: JobSpec) -> None: ...


_host: JobHost | None = None


def install(host: JobHost | None) -> None:
    """Called by the daemon at start (and with None at stop); one host per process."""
    global _host
    _host = host


async def run_job(spec: dict[str, Any]) -> None:
    """What every stored job calls. Outside a daemon (no host) it refuses rather than trade blindly."""
    if _host is None:
        raise RuntimeError("defai job ran outside a daemon process (no runtime installed)")
    await _host.run_job(JobSpec.model_validate(spec))
