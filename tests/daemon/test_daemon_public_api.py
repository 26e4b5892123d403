"""The daemon's curated public API: what other packages (MCP tools, intents, CLI) may import."""

from __future__ import annotations

import agent.daemon as daemon


def test_public_names_are_exactly_the_curated_list() -> None:
    assert sorted(daemon.__all__) == [
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
    for name in daemon.__all__:
        assert getattr(daemon, name) is not None


def test_the_job_entry_point_is_an_importable_coroutine() -> None:
    import asyncio
    import inspect

    from apscheduler.util import ref_to_obj

    from agent.daemon.jobs import JOB_FUNC

    func = ref_to_obj(JOB_FUNC)
    assert inspect.iscoroutinefunction(func)
    try:
        asyncio.run(func({"job_id": "x", "kind": "actions", "portfolio": "main"}))
    except RuntimeError as e:
        assert "outside a daemon" in str(e)
    else:
        raise AssertionError("a job must refuse to run outside a daemon")
