"""Entry points behind `defai run` and `defai unwind`: settings + daemon config in, a running service out."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from agent.daemon.config import DaemonConfig, load_daemon_config
from agent.daemon.logs import configure_logging
from connectors.errors import ConfigError

if TYPE_CHECKING:
    from agent.context import AgentDeps
    from agent.daemon.unwind import UnwindReport
    from agent.settings import Settings
    from connectors.domain import Action


def load_run_config(config_path: Path | None) -> tuple[Settings, DaemonConfig]:
    """Core Settings and the `[daemon]` table from one TOML file (env still overrides the core settings)."""
    from agent.settings import load_settings

    if config_path is None:
        return load_settings(), DaemonConfig()
    if not Path(config_path).is_file():
        raise ConfigError(f"config file not found: {config_path}")
    daemon = load_daemon_config(config_path)
    settings = load_settings(config_path)
    return settings, daemon


async def run_daemon(settings: Settings, config: DaemonConfig) -> None:
    """Configure logging, open the graph runner, serve until SIGTERM/SIGINT."""
    from agent.daemon.service import Daemon
    from agent.daemon.ticks import GraphTickRunner

    configure_logging(config.log_level)
    if settings.live:
        raise ConfigError("the daemon runs on paper only in this version (live venues are not wired)")
    async with GraphTickRunner.open(settings) as runner:
        daemon = Daemon(
            data_dir=settings.data_dir, portfolio=settings.portfolio, config=config, runner=runner
        )
        await daemon.serve()


async def unwind_portfolio(
    settings: Settings,
    *,
    stable: str = "USDC",
    venue: str = "paper",
    confirm: Callable[[list[Action]], bool] | None = None,
) -> UnwindReport | None:
    """Take the portfolio (refused while a daemon owns it), switch to REDUCING, unwind through the gate.

    `venue` is "paper" or an EVM network name such as "devnet" (its gas token, ETH, is kept).
    Returns None when `confirm` declines the first round's plan (nothing was sent).
    """
    from agent.checkpoint import open_checkpointer
    from agent.daemon.locks import AlreadyRunning, portfolio_lock
    from agent.daemon.unwind import plan_unwind, unwind
    from agent.graph import build_graph
    from agent.nodes.analyse import portfolio
    from agent.risk import TradingState
    from agent.risk.killswitch import kill_switch_for

    switch = kill_switch_for(settings)
    lock = portfolio_lock(settings.data_dir, settings.portfolio)
    try:
        lock.acquire()
    except AlreadyRunning as exc:
        if switch.state is TradingState.ACTIVE:
            switch.set(TradingState.REDUCING, "unwind requested while a daemon runs")
        raise AlreadyRunning(exc.what, exc.path, exc.owner, "; trading is now REDUCING") from None
    try:
        async with _venue_deps(settings, venue) as (deps, keep):
            if confirm is not None and not confirm(
                plan_unwind(await portfolio(deps.venues), stable, keep=keep)
            ):
                return None
            if switch.state is not TradingState.REDUCING:
                switch.set(TradingState.REDUCING, "unwind")
            async with open_checkpointer(settings) as saver:
                return await unwind(build_graph(saver), deps, stable=stable, keep=keep)
    finally:
        lock.release()


@asynccontextmanager
async def _venue_deps(settings: Settings, venue: str) -> AsyncIterator[tuple[AgentDeps, frozenset[str]]]:
    """Deps on the paper venue, or on an EVM network priced by its own quotes (keeping gas)."""
    from agent.deps_factory import open_paper_deps

    if venue == "paper":
        yield open_paper_deps(settings), frozenset()
        return
    from agent.daemon.quoted_market import QuotedMarket
    from agent.deps_factory import open_chain_deps

    if venue != "devnet" and not settings.live:
        raise ConfigError(f"venue {venue!r} is a live network; paper mode only allows 'paper' or 'devnet'")
    async with open_chain_deps(venue, settings, lambda connector, _clock: QuotedMarket(connector)) as deps:
        yield deps, frozenset({"ETH"})  # keep gas
