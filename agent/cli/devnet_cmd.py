"""`defai devnet`: a local anvil with real Uniswap V2/V3, Aave V3 and ERC-4626 bytecode deployed."""

from __future__ import annotations

import json
import signal
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.table import Table

from connectors.errors import FrameworkError

if TYPE_CHECKING:  # web3 and friends load only when a devnet command runs
    from connectors.evm.devnet import anvil

DEFAULT_PORT = 8545

app = typer.Typer(help="Local devnet: anvil + Uniswap V2/V3 + Aave V3 + ERC-4626", no_args_is_help=True)
console = Console(soft_wrap=True)


def _print_info(info: dict[str, Any]) -> None:
    from connectors.evm.devnet import home

    console.print(f"[bold]RPC URL[/bold]  {info['rpc_url']}   chain id {info['chain_id']}")
    console.print(f"address book  {home.info_path()}")
    funds = ", ".join(f"{v:,} {k}" for k, v in info["test_funds"].items())
    console.print(f"funded test accounts (10,000 ETH and {funds} each; public anvil keys, devnet only):")
    for i, acct in enumerate(info["accounts"]):
        console.print(f"  ({i}) {acct['address']}  key {acct['private_key']}")
    table = Table("name", "address", title="contracts")
    for symbol, token in info["tokens"].items():
        table.add_row(f"{symbol} ({token['decimals']} dec)", token["address"])
    for name, address in info["addresses"].items():
        table.add_row(name, address)
    console.print(table)


@app.command()
def up(
    background: bool = typer.Option(False, "--background", "-b", help="leave anvil running and return"),
    port: int = typer.Option(DEFAULT_PORT, "--port", help="port on 127.0.0.1"),
    as_json: bool = typer.Option(False, "--json", help="print the address book as JSON"),
) -> None:
    """Start the devnet (installs and deploys on first use, then reuses the saved chain)."""
    from connectors.evm.devnet import runtime

    try:
        info, node = runtime.up(port, background=background)
    except FrameworkError as exc:
        console.print(f"[red]devnet up failed:[/red] {exc}")
        raise typer.Exit(1) from exc
    if as_json:
        typer.echo(json.dumps(info))
    else:
        _print_info(info)
    if node is None:
        console.print("(already running)")
        return
    if background:
        console.print(f"running in the background (pid {info['pid']}); stop with `defai devnet down`")
        return
    _serve(node)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _serve(node: anvil.Anvil) -> None:
    from connectors.evm.devnet import home

    console.print("running; Ctrl-C stops it")
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        assert node.process is not None
        node.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        node.stop()
        home.info_path().unlink(missing_ok=True)
        console.print("devnet stopped")


@app.command()
def prepare() -> None:
    """Install the pinned npm packages and deploy the saved chain now (e.g. in CI), without starting it."""
    from connectors.evm.devnet import state

    try:
        path, book = state.ensure_state()
    except FrameworkError as exc:
        console.print(f"[red]devnet prepare failed:[/red] {exc}")
        raise typer.Exit(1) from exc
    console.print(f"devnet ready: state {book['state_key']} at {path}")


@app.command()
def down() -> None:
    """Stop the background devnet started by `defai devnet up --background`."""
    from connectors.evm.devnet import runtime

    stopped = runtime.down()
    console.print("devnet stopped" if stopped else "no devnet was running")


@app.command()
def status(as_json: bool = typer.Option(False, "--json")) -> None:
    """Say whether the devnet runs, where, and at which block."""
    from connectors.evm.devnet import anvil, home, runtime

    info = runtime.running()
    if info is None:
        if as_json:
            typer.echo(json.dumps({"running": False}))
        else:
            console.print("devnet: not running")
        raise typer.Exit(1)
    block = int(anvil.rpc(info["rpc_url"], "eth_blockNumber"), 16)
    if as_json:
        typer.echo(
            json.dumps({"running": True, "rpc_url": info["rpc_url"], "block": block, "pid": info["pid"]})
        )
    else:
        console.print(f"devnet: running on {info['rpc_url']} (pid {info['pid']}), block {block}")
        console.print(f"address book: {home.info_path()}")
