"""`tradeclaims report OUT`: one self-contained HTML page of the value claims.

A chart per country pair (inline SVG drawn here, inline CSS, no script and
no network asset, so it opens offline), targets and forecasts beside actuals,
and every point a link to its evidence: the sentence and the document it came
from, listed on the same page. The data comes from stages/report_data.py.
"""

from __future__ import annotations

import math
import os
from datetime import date, datetime, timezone
from html import escape
from pathlib import Path

from stages import write
from stages.report_data import STATUSES, Evidence, ReportData, Series, chart_series

WIDTH, HEIGHT = 760, 270
LEFT, RIGHT, TOP, BOTTOM = 78, 24, 16, 40
RADIUS = 6
STYLE = {  # status → (colour, fill, dash): filled dots for actuals, rings for goals and forecasts
    "actual": ("#1f5fa8", "#1f5fa8", ""),
    "target": ("#c2410c", "#ffffff", ""),
    "forecast": ("#7e22ce", "#ffffff", "3 2"),
}
CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px auto;max-width:820px;
 color:#1c1c1c;background:#fff;padding:0 16px}
h1{font-size:1.5em;margin:0 0 4px}h2{font-size:1.2em;margin:28px 0 8px;border-bottom:1px solid #ddd}
h3{font-size:1.05em;margin:18px 0 2px}.muted{color:#666}.small{font-size:.86em}
.legend span{margin-right:18px;white-space:nowrap}.legend svg{vertical-align:-3px;margin-right:5px}
svg.chart{display:block;border:1px solid #e4e4e4;background:#fff}
svg.chart text{font:11px system-ui,sans-serif;fill:#444}svg.chart .grid{stroke:#ececec}
svg.chart .axis{stroke:#999}svg.chart .trend{fill:none;stroke:#9db7d8;stroke-width:1.5}
svg.chart a:hover circle,svg.chart a:focus circle{stroke-width:4}
ol.evidence{padding-left:1.6em}ol.evidence li{margin:0 0 12px;padding:6px 8px;border-radius:4px}
ol.evidence li:target{background:#fff5cc;outline:2px solid #f2c200}
.badge{display:inline-block;padding:0 6px;border-radius:3px;color:#fff;font-size:.8em;text-transform:uppercase}
blockquote{margin:4px 0;padding-left:10px;border-left:3px solid #ccc}mark{background:#fde68a}
"""


def write_report(out_dir: Path, html_path: Path | None = None) -> Path:
    """Write the report page for the tables in `out_dir`; returns its path
    (default OUT/report.html). Written to a temporary file, then moved into place."""
    out_dir = Path(out_dir)
    data = chart_series(write.read_table(out_dir, "documents"), write.read_table(out_dir, "metrics"),
                        write.read_table(out_dir, "mentions"))
    path = Path(html_path) if html_path else out_dir / "report.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    page = render_page(data, title=f"tradeclaims: trade value claims in {out_dir}",
                       generated=datetime.now(timezone.utc))
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, path)
    return path


def format_amount(value: float, unit: str) -> str:
    """2.0e11, USD → 'USD 200 bn'."""
    return f"{unit} {format_scaled(value)}"


def format_scaled(value: float) -> str:
    for size, name in ((1e12, "tn"), (1e9, "bn"), (1e6, "m"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:.4g} {name}"
    return f"{value:.4g}"


def nice_step(span: float, ticks: int = 5) -> float:
    """A 1/2/2.5/5 × 10^k step giving about `ticks` intervals over `span`."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


def _x_domain(series: Series) -> tuple[date, date]:
    first = min(p.start for p in series.points)
    last = max(p.end for p in series.points)
    lo = date(first.year, 1, 1)
    hi = date(last.year + (0 if (last.month, last.day) == (1, 1) else 1), 1, 1)
    return lo, max(hi, date(lo.year + 1, 1, 1))


def render_chart(series: Series, chart_id: str) -> str:
    """One series as an SVG: years across, value up, a circle per fact linked to its evidence."""
    lo, hi = _x_domain(series)
    vmax = max(p.value for p in series.points)
    vmin = min(0.0, min(p.value for p in series.points))
    step = nice_step(vmax - vmin)
    ytop = math.ceil(vmax * 1.05 / step) * step if vmax > 0 else step
    ybot = math.floor(vmin / step) * step
    pw, ph = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(d: date) -> float:
        return LEFT + pw * (d.toordinal() - lo.toordinal()) / (hi.toordinal() - lo.toordinal())

    def y(v: float) -> float:
        return TOP + ph * (ytop - v) / (ytop - ybot)

    parts = [f'<svg class="chart" id="{chart_id}" width="{WIDTH}" '
             f'height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'aria-label="{escape(series.label)}, {escape(series.unit)}, by period">']
    n_ticks = round((ytop - ybot) / step)
    for i in range(n_ticks + 1):
        v = ybot + i * step
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(v):.1f}" y2="{y(v):.1f}"/>'
                     f'<text x="{LEFT - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{escape(format_scaled(v))}</text>')
    years = hi.year - lo.year
    every = 1 if years <= 12 else (2 if years <= 24 else 5)
    for year in range(lo.year, hi.year + 1):
        xx = x(date(year, 1, 1))
        parts.append(f'<line class="axis" x1="{xx:.1f}" x2="{xx:.1f}" y1="{TOP + ph}" y2="{TOP + ph + 5}"/>')
        if year < hi.year and (year - lo.year) % every == 0:
            mid = x(date(year, 7, 2))
            parts.append(f'<text x="{mid:.1f}" y="{TOP + ph + 18}" text-anchor="middle">{year}</text>')
    parts.append(f'<line class="axis" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{TOP + ph}" y2="{TOP + ph}"/>'
                 f'<line class="axis" x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{TOP + ph}"/>'
                 f'<text x="{LEFT - 6}" y="{HEIGHT - 6}" text-anchor="end">{escape(series.unit)}</text>')

    # actuals of one flow joined in time order: the trend the targets are measured against
    for flow in sorted({p.flow for p in series.points if p.status == "actual"}):
        pts = [p for p in series.points if p.status == "actual" and p.flow == flow]
        if len(pts) > 1:
            coords = " ".join(f"{x(p.mid):.1f},{y(p.value):.1f}" for p in pts)
            parts.append(f'<polyline class="trend" points="{coords}"/>')

    # facts at the same place are spread sideways so that every one stays clickable
    placed: dict[tuple[int, int], int] = {}
    for p in series.points:
        colour, fill, dash = STYLE.get(p.status, ("#555", "#555", ""))
        cx, cy = x(p.mid), y(p.value)
        key = (round(cx / 4), round(cy / 4))
        nth = placed.get(key, 0)
        placed[key] = nth + 1
        cx += (nth + 1) // 2 * (2 * RADIUS + 3) * (1 if nth % 2 else -1)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        tip = (f"{p.status} {p.flow}: {format_amount(p.value, series.unit)}, {p.period} "
               f"({series.label}); click for the evidence")
        parts.append(f'<line x1="{x(p.start):.1f}" x2="{x(p.end):.1f}" y1="{cy:.1f}" y2="{cy:.1f}" '
                     f'stroke="{colour}" stroke-opacity="0.45" stroke-width="3"/>')
        parts.append(f'<a href="#{p.anchor}"><circle class="pt pt-{escape(p.status)}" data-fact="{escape(p.fact_id)}" '
                     f'cx="{cx:.1f}" cy="{cy:.1f}" r="{RADIUS}" fill="{fill}" stroke="{colour}" '
                     f'stroke-width="2.5"{dash_attr}><title>{escape(tip)}</title></circle></a>')
    parts.append("</svg>")
    return "".join(parts)


def _legend() -> str:
    items = []
    for status in STATUSES:
        colour, fill, dash = STYLE[status]
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        items.append(f'<span><svg width="16" height="16"><circle cx="8" cy="8" '
                     f'r="{RADIUS}" fill="{fill}" stroke="{colour}" stroke-width="2.5"{dash_attr}/></svg>{status}</span>')
    items.append('<span><svg width="22" height="16"><line x1="1" x2="21" y1="8" '
                 'y2="8" stroke="#1f5fa8" stroke-opacity="0.45" stroke-width="3"/></svg>the period a claim covers</span>')
    return '<p class="legend small">' + "".join(items) + "</p>"


def _evidence_item(ev: Evidence, back: str | None) -> str:
    colour = STYLE.get(ev.status, ("#555",))[0]
    facts = [format_amount(ev.value, ev.unit), ev.flow, ev.period or "no period",
             f"{ev.reporter}–{ev.partner}", ev.qualifier]
    if ev.commodity:
        facts.append(ev.commodity)
    if ev.quote_at >= 0:
        end = ev.quote_at + len(ev.quote)
        said = (escape(ev.sentence[:ev.quote_at]) + "<mark>" + escape(ev.sentence[ev.quote_at:end]) + "</mark>"
                + escape(ev.sentence[end:]))
    else:
        said = escape(ev.sentence) + (f' <span class="muted small">(quote: “{escape(ev.quote)}”)</span>'
                                      if ev.quote and ev.quote != ev.sentence else "")
    title = escape(ev.title) if ev.title else "untitled"
    if ev.source_url:
        title = f'<a href="{escape(ev.source_url)}" rel="noreferrer">{title}</a>'
    src = [title, f"<code>{escape(ev.source)}</code>"]
    if ev.published:
        src.append(f"published {ev.published.isoformat()}")
    if ev.n_mentions > 1:
        src.append(f"stated {ev.n_mentions} times")
    back_link = f' · <a href="#{back}">back to the chart</a>' if back else ""
    return (f'<li id="{ev.anchor}"><span class="badge" style="background:{colour}">{escape(ev.status)}</span> '
            f'<b>{escape(" · ".join(facts))}</b><blockquote>{said}</blockquote>'
            f'<div class="small muted">{" · ".join(src)}{back_link}</div></li>')


def render_page(data: ReportData, title: str, generated: datetime) -> str:
    charts, chart_of = [], {}
    for i, s in enumerate(data.series, start=1):
        chart_id = f"chart-{i}"
        chart_of.update({p.anchor: chart_id for p in s.points})
        n = len(s.points)
        charts.append(f'<h3>{escape(s.label)} <span class="muted small">· {escape(s.unit)} · {n} '
                      f'claim{"s" if n != 1 else ""}</span></h3>{render_chart(s, chart_id)}')
    n_charted = len(data.evidence)
    head = (f'<p class="muted">{data.n_documents} documents, {data.n_facts} facts; {n_charted + len(data.undated)} '
            f'are trade values: {n_charted} drawn below, {len(data.undated)} without a period. '
            f'Generated {generated.strftime("%Y-%m-%d %H:%M UTC")}.</p>')
    body = [f"<h1>{escape(title)}</h1>", head, "<h2>Trade value claims over time</h2>"]
    if charts:
        body += [_legend(), '<p class="small muted">Each point is one claim placed at the middle of its period; '
                 "click it for the sentence it comes from.</p>", *charts]
    else:
        body.append('<p class="muted">No trade value claim with a period to draw.</p>')
    body.append(f"<h2>Evidence ({n_charted})</h2>")
    if data.evidence:
        body.append('<ol class="evidence">' + "".join(_evidence_item(e, chart_of.get(e.anchor))
                                                     for e in data.evidence) + "</ol>")
    if data.undated:
        body.append(f"<h2>Claims without a period ({len(data.undated)}, not drawn)</h2>")
        body.append('<ol class="evidence">' + "".join(_evidence_item(e, None) for e in data.undated) + "</ol>")
    return ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{escape(title)}</title>"
            f"<style>{CSS}</style></head><body>{''.join(body)}</body></html>\n")
