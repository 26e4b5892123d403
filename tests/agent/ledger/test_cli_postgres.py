"""The real `defai` CLI with DEFAI_DATABASE_URL: halt and audit go to Postgres, where a running agent reads."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from agent.ledger import Ledger
from agent.risk import KillSwitch, TradingState

DEFAI = Path(sys.executable).with_name("defai")


def defai(tmp_path: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DEFAI_DATA_DIR": str(tmp_path), "DEFAI_PORTFOLIO": "cli", "DEFAI_DATABASE_URL": url}
    env.pop("DEFAI_CONFIG", None)
    return subprocess.run([str(DEFAI), *args], env=env, capture_output=True, text=True, timeout=120)


def test_cli_halt_and_audit_verify_use_postgres(tmp_path, postgres_url):
    url = postgres_url.replace("postgresql://defai@", "postgresql://defai:planted-pw-123@")  # trust auth
    running_agent_view = KillSwitch(postgres_url, schema="defai_cli")
    Ledger(postgres_url, schema="defai_cli").audit("event", {"n": 1})

    halted = defai(tmp_path, url, "risk", "halt")
    assert halted.returncode == 0, halted.stderr
    assert running_agent_view.state is TradingState.HALTED

    verified = defai(tmp_path, url, "audit", "verify", "--json")
    assert verified.returncode == 0, verified.stderr
    report = json.loads(verified.stdout)
    assert report["ok"] and report["records"] == 1
    assert report["ledger"].endswith("(schema defai_cli)") and "***" in report["ledger"]
    assert "planted-pw-123" not in halted.stdout + halted.stderr + verified.stdout + verified.stderr
    assert not list(tmp_path.glob("*.sqlite"))
