#!/usr/bin/env bash
# Third-party client check: the official MCP Inspector CLI (pinned 2.x, on a pinned Node 22 from npm)
# lists the tools of `defai mcp` with its --strict schema check, then calls parse_intent and
# get_portfolio, in both protocol eras (legacy handshake and modern). Exits non-zero on any failure.
#
#   scripts/mcp_inspector_check.sh                # uses `defai` from PATH or .venv/bin/defai
#   DEFAI_INSPECTOR_CACHE=/ci/cache scripts/mcp_inspector_check.sh
#
# Needs npm (any version) and registry access on the first run; later runs reuse the cache dir.
set -euo pipefail

INSPECTOR_VERSION="2.12.0"
NODE_VERSION="22.23.3"   # Inspector 2.x needs node >= 22.19; with node 20, npm silently picks 0.15
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${DEFAI_INSPECTOR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/defai/mcp-inspector-${INSPECTOR_VERSION}-node${NODE_VERSION}}"
DEFAI="${DEFAI_BIN:-$(command -v defai || echo "$ROOT/.venv/bin/defai")}"
REQUIRED_TOOLS=(get_portfolio get_prices quote parse_intent preview_intent execute_plan list_strategies
  run_backtest schedule list_schedules cancel_schedule risk_status pause_trading resume_trading audit_log)

if [[ ! -x "$CACHE/node_modules/.bin/inspector" || ! -x "$CACHE/node_modules/.bin/node" ]]; then
  echo "installing node@${NODE_VERSION} and @modelcontextprotocol/inspector@${INSPECTOR_VERSION} into $CACHE" >&2
  mkdir -p "$CACHE"
  npm install --prefix "$CACHE" --no-audit --no-fund --no-save --loglevel=error \
    "node@${NODE_VERSION}" "@modelcontextprotocol/inspector@${INSPECTOR_VERSION}" >&2
fi
export PATH="$CACHE/node_modules/.bin:$PATH"

node_version="$(node --version)"
installed="$(node -p "require('$CACHE/node_modules/@modelcontextprotocol/inspector/package.json').version")"
[[ "$installed" == "$INSPECTOR_VERSION" ]] || { echo "FAIL: inspector $installed != $INSPECTOR_VERSION" >&2; exit 1; }
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=19)?0:1)' \
  || { echo "FAIL: node $node_version is older than 22.19" >&2; exit 1; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export DEFAI_DATA_DIR="$WORK/data"   # a fresh paper portfolio; never the user's own

inspect() { inspector --cli "$@" -- "$DEFAI" mcp; }

for era in legacy modern; do
  inspect --protocol-era "$era" --method tools/list --strict >"$WORK/tools.json" 2>"$WORK/strict.txt" \
    || { echo "FAIL [$era]: tools/list --strict" >&2; cat "$WORK/strict.txt" >&2; exit 1; }
  for tool in "${REQUIRED_TOOLS[@]}"; do
    grep -q "\"name\": \"$tool\"" "$WORK/tools.json" || { echo "FAIL [$era]: tool $tool not listed" >&2; exit 1; }
  done
  inspect --protocol-era "$era" --method tools/call --tool-name parse_intent \
    --tool-args-json '{"text": "swap 4 WETH for DAI"}' >"$WORK/parse.json" 2>"$WORK/parse.err" \
    || { echo "FAIL [$era]: parse_intent" >&2; cat "$WORK/parse.json" "$WORK/parse.err" >&2; exit 1; }
  grep -q '"kind": "swap"' "$WORK/parse.json" || { echo "FAIL [$era]: parse_intent kind" >&2; cat "$WORK/parse.json" >&2; exit 1; }
  inspect --protocol-era "$era" --method tools/call --tool-name get_portfolio >"$WORK/portfolio.json" 2>"$WORK/portfolio.err" \
    || { echo "FAIL [$era]: get_portfolio" >&2; cat "$WORK/portfolio.json" "$WORK/portfolio.err" >&2; exit 1; }
  grep -q '"total_value_usd"' "$WORK/portfolio.json" || { echo "FAIL [$era]: get_portfolio output" >&2; exit 1; }
  echo "ok [$era]: ${#REQUIRED_TOOLS[@]} tools listed (--strict clean), parse_intent and get_portfolio answered"
done
echo "mcp inspector check passed (inspector ${INSPECTOR_VERSION}, node ${node_version})"
