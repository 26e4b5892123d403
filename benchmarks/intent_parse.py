"""Intent parser figures: exact-match accuracy on the public test set and median parse time.

Run: `.venv/bin/python benchmarks/intent_parse.py [cases.jsonl ...] [--show-misses]`.
A case matches when every expected key is present with an equal value (numbers to 0.001).
With no files it reports the public set and, separately, the blind holdout (holdout_blind.jsonl).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from agent.intents import parse, to_contract

DEFAULT_CASES = Path(__file__).resolve().parents[1] / "tests" / "intents" / "cases.jsonl"
HOLDOUT = DEFAULT_CASES.with_name("holdout_blind.jsonl")


def same(a: Any, b: Any) -> bool:
    try:
        return abs(Decimal(str(a)) - Decimal(str(b))) <= Decimal("0.001")
    except InvalidOperation:
        return str(a).strip().lower() == str(b).strip().lower()


def misses(expected: dict[str, Any], got: dict[str, Any]) -> dict[str, Any]:
    return {k: got.get(k) for k, v in expected.items() if k not in got or not same(got[k], v)}


def load(paths: list[Path]) -> list[tuple[str, dict[str, Any]]]:
    cases = []
    for path in paths:
        for line in path.read_text().splitlines():
            if line.strip():
                row = json.loads(line)
                cases.append((row["text"], row["expect"]))
    return cases


def accuracy(name: str, cases: list[tuple[str, dict[str, Any]]], show_misses: bool) -> None:
    """Print exact-match accuracy, overall and per kind."""
    ok = 0
    per_kind: dict[str, list[int]] = {}
    for text, expected in cases:
        got = to_contract(parse(text))
        wrong = misses(expected, got)
        tally = per_kind.setdefault(expected["kind"], [0, 0])
        tally[1] += 1
        if not wrong:
            ok += 1
            tally[0] += 1
        elif show_misses:
            print(f"MISS {text!r}\n   expected {expected}\n   got      {got}")
    print(f"{name}: {len(cases)} cases   exact: {ok}/{len(cases)} = {ok / len(cases):.1%}")
    print("  per kind: " + ", ".join(f"{k} {a}/{n}" for k, (a, n) in sorted(per_kind.items())))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--show-misses", action="store_true")
    ap.add_argument("--repeat", type=int, default=20, help="timing repetitions per case")
    args = ap.parse_args()
    sets = [(str(f), load([f])) for f in args.files] or [
        ("public set", load([DEFAULT_CASES])),
        *([("blind holdout", load([HOLDOUT]))] if HOLDOUT.exists() else []),
    ]
    for name, cases in sets:
        accuracy(name, cases, args.show_misses)
    timings = []
    for text, _ in (case for _, cases in sets for case in cases):
        start = time.perf_counter()
        for _ in range(args.repeat):
            parse(text)
        timings.append((time.perf_counter() - start) / args.repeat)
    print(f"parse time ({len(timings)} texts): median {statistics.median(timings) * 1e6:.0f} µs, p95 "
          f"{sorted(timings)[int(len(timings) * 0.95)] * 1e6:.0f} µs, max {max(timings) * 1e6:.0f} µs")  # fmt: skip


if __name__ == "__main__":
    main()
