"""`python -m agent.daemon --config agent.toml`: the same daemon as `defai run`, without loading every CLI group."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from agent.daemon.app import load_run_config, run_daemon
from connectors.errors import FrameworkError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m agent.daemon", description=__doc__)
    parser.add_argument("--config", "-c", type=Path, default=None, help="agent.toml with a [daemon] table")
    args = parser.parse_args(argv)
    try:
        settings, config = load_run_config(args.config)
        asyncio.run(run_daemon(settings, config))
    except FrameworkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
