"""`defai audit verify|log` and `defai history`: what the agent decided and did."""

from __future__ import annotations

import typer

from agent.cli.common import console, friendly, print_json, settings
from agent.ledger import ledger_for

app = typer.Typer(help="The hash-chained decision log.", no_args_is_help=True)


@app.command()
@friendly
def verify(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Recompute the hash chain; name the first tampered record. Exit 1 when tampered."""
    ledger = ledger_for(settings())
    report = ledger.verify()
    if as_json:
        print_json(
            {
                "ok": report.ok,
                "records": report.count,
                "first_bad_seq": report.first_bad_seq,
                "problem": report.problem,
                "ledger": ledger.location,
            }
        )
    elif report.ok:
        console.print(f"audit chain intact: {report.count} records ({ledger.location})")
    else:
        console.print(
            f"[red]audit chain broken[/red]: {report.problem} (first bad record: {report.first_bad_seq})"
        )
    if not report.ok:
        raise typer.Exit(1)


@app.command("log")
@friendly
def log_(
    limit: int = typer.Option(20, help="How many records."), as_json: bool = typer.Option(False, "--json")
) -> None:
    """The newest audit records."""
    entries = ledger_for(settings()).audit_entries(limit)
    if as_json:
        print_json(entries)
        return
    for e in entries:
        console.print(f"#{e['seq']} {e['at']} [bold]{e['event']}[/bold] {e['payload']}")


@friendly
def history(
    limit: int = typer.Option(50, help="How many fills."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Fills with their client ids, newest first."""
    fills = ledger_for(settings()).fills(limit)
    if as_json:
        print_json([f.model_dump(mode="json") for f in fills])
        return
    for f in fills:
        console.print(
            f"{f.at:%Y-%m-%d %H:%M:%S} {f.client_id} {f.venue} {f.kind}: "
            f"{f.amount_in:f} {f.asset_in} -> {f.amount_out:f} {f.asset_out} (fee {f.fee:f} {f.fee_asset})"
        )
