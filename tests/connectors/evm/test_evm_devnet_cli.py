"""`defai devnet up --background / status / down` against the cached install and saved state."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from agent.cli.main import app
from connectors.evm.devnet import anvil, home
from connectors.evm.devnet.testing import DevnetHandle


@pytest.mark.chain
def test_up_status_down(devnet_chain: DevnetHandle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shared = home.home()  # reuse the session's npm install and saved states, not its devnet.json
    for name in ("npm", "states"):
        (tmp_path / name).symlink_to(shared / name)
    monkeypatch.setenv(home.HOME_ENV, str(tmp_path))
    runner = CliRunner()
    port = anvil.free_port()
    try:
        up = runner.invoke(app, ["devnet", "up", "--background", "--port", str(port), "--json"])
        assert up.exit_code == 0, up.output
        info = json.loads(up.output.splitlines()[0])
        assert info["rpc_url"] == f"http://127.0.0.1:{port}" and info["chain_id"] == 31337
        assert {"uniswap_v3_router", "uniswap_v3_quoter", "uniswap_v2_router", "aave_pool"} <= set(
            info["addresses"]
        )
        assert info["tokens"]["USDC"]["decimals"] == 6 and len(info["accounts"]) == 10
        assert json.loads((tmp_path / "devnet.json").read_text())["pid"] == info["pid"]
        status = runner.invoke(app, ["devnet", "status", "--json"])
        assert status.exit_code == 0 and json.loads(status.output)["running"] is True
    finally:
        down = runner.invoke(app, ["devnet", "down"])
    assert "devnet stopped" in down.output
    assert not anvil.pid_alive(info["pid"]) or _zombie(info["pid"])
    assert runner.invoke(app, ["devnet", "status"]).exit_code == 1


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] == "Z"
    except OSError:
        return True


def test_missing_node_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(home.HOME_ENV, str(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path))  # no node, no npm
    result = CliRunner().invoke(app, ["devnet", "prepare"])
    assert result.exit_code == 1
    assert "Node.js and npm" in result.output
