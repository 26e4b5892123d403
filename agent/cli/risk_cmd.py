"""`defai risk status|pause|resume|halt`: the kill switch, persisted for every process on this portfolio."""

from __future__ import annotations

import typer

from agent.cli.common import console, friendly, print_json, settings
from agent.risk import KillSwitch, TradingState
from agent.risk.killswitch import kill_switch_for

app = typer.Typer(help="Kill switch and risk policy.", no_args_is_help=True)


def _switch() -> KillSwitch:
    return kill_switch_for(settings())


@app.command()
@friendly
def status(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Show the trading state (ACTIVE / REDUCING / HALTED) and the risk policy."""
    state, reason, since = _switch().status()
    policy = settings().risk.model_dump(mode="json")
    if as_json:
        print_json({"state": state.value, "reason": reason, "since": since, "policy": policy})
        return
    console.print(
        f"trading state: [bold]{state.value.upper()}[/bold]"
        + (f" ({reason}, since {since})" if since else "")
    )
    for key, value in policy.items():
        console.print(f"  {key}: {value}")


def _set(state: TradingState, reason: str) -> None:
    _switch().set(state, reason)
    console.print(f"trading state is now [bold]{state.value.upper()}[/bold]")


@app.command()
@friendly
def pause(reason: str = typer.Option("paused from CLI", help="Why.")) -> None:
    """REDUCING: only risk-reducing actions (closes, repays, sells to stablecoins) pass."""
    _set(TradingState.REDUCING, reason)


@app.command()
@friendly
def resume(reason: str = typer.Option("resumed from CLI", help="Why.")) -> None:
    """ACTIVE: normal trading within the policy."""
    _set(TradingState.ACTIVE, reason)


@app.command()
@friendly
def halt(reason: str = typer.Option("halted from CLI", help="Why.")) -> None:
    """HALTED: nothing executes, on the next tick of every running agent."""
    _set(TradingState.HALTED, reason)
