"""Reports: a self-contained HTML page (inline SVG chart with hover, no CDN) and a PNG.

The equity curve is downsampled to at most a few thousand points (min/max per bucket keeps the
drawdowns visible), so a million-bar run still gives a small file.
"""

from __future__ import annotations

import html
import itertools
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from backtests.trades import Trade

MAX_POINTS = 4000

_CHART_JS = """
const D = JSON.parse(document.getElementById('curve').textContent);
const svg = document.getElementById('chart'), tip = document.getElementById('tip');
const W = 1000, H = 360, P = 50;
function scale(v, lo, hi, a, b) { return hi === lo ? (a + b) / 2 : a + (v - lo) * (b - a) / (hi - lo); }
function draw() {
  const t = D.t, series = [['equity', D.equity, '#2563eb'], ['buy & hold', D.hold, '#9ca3af']];
  const all = D.equity.concat(D.hold), lo = Math.min(...all), hi = Math.max(...all);
  const x = v => scale(v, t[0], t[t.length - 1], P, W - 10), y = v => scale(v, lo, hi, H - 30, 10);
  let s = '';
  for (const [name, ys, color] of series) {
    let d = '';
    for (let i = 0; i < t.length; i++) d += (i ? 'L' : 'M') + x(t[i]).toFixed(1) + ',' + y(ys[i]).toFixed(1);
    s += `<path d="${d}" fill="none" stroke="${color}" stroke-width="1.4"><title>${name}</title></path>`;
  }
  for (const m of D.marks) {
    const c = m.side === 'long' ? '#16a34a' : '#dc2626';
    s += `<circle cx="${x(m.t).toFixed(1)}" cy="${(H - 18).toFixed(1)}" r="2.5" fill="${c}"/>`;
  }
  for (let k = 0; k <= 4; k++) {
    const v = lo + (hi - lo) * k / 4;
    s += `<text x="2" y="${y(v) + 4}" font-size="10" fill="#555">${v.toFixed(0)}</text>`;
  }
  s += `<line id="cursor" x1="0" x2="0" y1="10" y2="${H - 30}" stroke="#111" stroke-dasharray="3,3" visibility="hidden"/>`;
  svg.innerHTML = s;
  svg.onmousemove = ev => {
    const r = svg.getBoundingClientRect(), px = (ev.clientX - r.left) * W / r.width;
    let i = 0, best = Infinity;
    for (let j = 0; j < t.length; j++) { const dd = Math.abs(x(t[j]) - px); if (dd < best) { best = dd; i = j; } }
    const c = document.getElementById('cursor');
    c.setAttribute('x1', x(t[i])); c.setAttribute('x2', x(t[i])); c.setAttribute('visibility', 'visible');
    tip.textContent = new Date(t[i]).toISOString().slice(0, 16).replace('T', ' ') +
      '  equity ' + D.equity[i].toFixed(2) + '  buy&hold ' + D.hold[i].toFixed(2);
  };
}
draw();
"""


def downsample(times: np.ndarray, *ys: np.ndarray, limit: int = MAX_POINTS) -> tuple[np.ndarray, ...]:
    """Keep the first/last point and each bucket's extreme points of the first series."""
    n = len(times)
    if n <= limit:
        return (times, *ys)
    edges = np.linspace(0, n, limit // 2 + 1).astype(int)
    keep = {0, n - 1}
    main = ys[0]
    for a, b in itertools.pairwise(edges):
        if b > a:
            seg = main[a:b]
            keep.add(a + int(np.argmin(seg)))
            keep.add(a + int(np.argmax(seg)))
    idx = np.array(sorted(keep))
    return (times[idx], *(y[idx] for y in ys))


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:,.4f}" if abs(v) < 10 else f"{v:,.2f}"
    return html.escape(str(v))


def write_html(
    path: Path,
    title: str,
    stats: dict[str, Any],
    times_ns: np.ndarray,
    equity: np.ndarray,
    hold: np.ndarray,
    trades: Sequence[Trade],
    fill_model: str,
) -> Path:
    """One file, no external assets: stats table, interactive equity chart, fill model, trade list."""
    t, e, h = downsample(times_ns // 1_000_000, equity, hold)
    curve = {
        "t": t.tolist(),
        "equity": np.round(e, 4).tolist(),
        "hold": np.round(h, 4).tolist(),
        "marks": [{"t": int(tr.entry_time.timestamp() * 1000), "side": tr.side} for tr in trades[:5000]],
    }
    rows = "".join(f"<tr><th>{html.escape(k)}</th><td>{_fmt(v)}</td></tr>" for k, v in stats.items())
    head = (
        "<tr><th>#</th><th>side</th><th>entry</th><th>price</th><th>exit</th><th>price</th>"
        "<th>size</th><th>pnl</th><th>return %</th><th>fees</th><th>closed by</th></tr>"
    )
    body = "".join(
        f"<tr><td>{i + 1}</td><td>{tr.side}</td><td>{tr.entry_time:%Y-%m-%d %H:%M}</td>"
        f"<td>{tr.entry_price:,.2f}</td><td>{tr.exit_time:%Y-%m-%d %H:%M}</td><td>{tr.exit_price:,.2f}</td>"
        f"<td>{tr.size:.6f}</td><td>{tr.pnl:,.2f}</td><td>{tr.return_pct:.2f}</td><td>{tr.fees:,.2f}</td>"
        f"<td>{tr.closed_by}</td></tr>"
        for i, tr in enumerate(trades)
    )
    data = json.dumps(curve).replace("</", "<\\/")
    page = f"""<!doctype html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font:13px system-ui,sans-serif;margin:24px;color:#111}}table{{border-collapse:collapse}}
td,th{{padding:2px 8px;border-bottom:1px solid #eee;text-align:right}}th{{text-align:left}}
#tip{{height:18px;color:#333;font-family:monospace}}svg{{width:100%;max-width:1000px;border:1px solid #ddd}}
.cols{{display:flex;gap:32px;align-items:flex-start}}</style></head><body>
<h2>{html.escape(title)}</h2>
<div id="tip"></div><svg id="chart" viewBox="0 0 1000 360"></svg>
<p>Blue: strategy equity; grey: buy &amp; hold; dots: entries (green long, red short).</p>
<div class="cols"><div><h3>Statistics</h3><table>{rows}</table></div>
<div><h3>Fill model</h3><p>{html.escape(fill_model)}</p></div></div>
<h3>Trades ({len(trades)})</h3><table>{head}{body}</table>
<script type="application/json" id="curve">{data}</script><script>{_CHART_JS}</script>
</body></html>"""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return path


def write_png(path: Path, title: str, times_ns: np.ndarray, equity: np.ndarray, hold: np.ndarray) -> Path:
    """Equity and buy & hold over time, with the drawdown underneath."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t, e, h = downsample(times_ns, equity, hold)
    when = t.astype("datetime64[ns]")
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(10, 6), sharex=True, height_ratios=(3, 1))
    top.plot(when, e, label="strategy", color="#2563eb", linewidth=1)
    top.plot(when, h, label="buy & hold", color="#9ca3af", linewidth=1)
    top.set_title(title)
    top.legend(loc="upper left")
    top.grid(alpha=0.3)
    peaks = np.maximum.accumulate(e)
    bottom.fill_between(when, (e / peaks - 1) * 100, 0, color="#dc2626", alpha=0.4)
    bottom.set_ylabel("drawdown %")
    bottom.grid(alpha=0.3)
    fig.tight_layout()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
