"""The daemon: scheduled strategy ticks that survive crashes and restarts (`defai run`).

Public API (guarded by tests/daemon/test_public_api.py):
- `JobStore(url)`: add/list/pause/resume/remove jobs without a running daemon (DCA, MCP `schedule`).
- `Schedule`, `StrategyJob`, `DaemonConfig`, `load_daemon_config`: the typed `[daemon]` config.
- `Daemon`, `TickOutcome`, `TickRunner`: the service and its seam to the graph.
- `AlreadyRunning`, `JobNotFound`: what callers catch.
- `configure_logging`, `log_event`: structured JSON logs.
"""

from agent.daemon.config import DaemonConfig, Schedule, StrategyJob, load_daemon_config, parse_duration
from agent.daemon.jobs import JobInfo, JobNotFound, JobSpec, JobStore
from agent.daemon.locks import AlreadyRunning
from agent.daemon.logs import configure_logging, log_event
from agent.daemon.service import Daemon, TickOutcome, TickRunner, status_file

__all__ = [
    "AlreadyRunning",
    "Daemon",
    "DaemonConfig",
    "JobInfo",
    "JobNotFound",
    "JobSpec",
    "JobStore",
    "Schedule",
    "StrategyJob",
    "TickOutcome",
    "TickRunner",
    "configure_logging",
    "load_daemon_config",
    "log_event",
    "parse_duration",
    "status_file",
]
