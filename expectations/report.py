"""An offline HTML quality report of table validations.

One self-contained file: inline CSS, no scripts, no network assets (GX's own Data Docs
load Bootstrap and friends from CDNs and render broken offline). Every value is
HTML-escaped.
"""

from __future__ import annotations

import datetime as dt
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from expectations.runner import TableValidation

_CSS = """
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       margin: 2rem; color: #1d2430; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 .5rem; }
.meta { color: #5b6574; margin: 0 0 1.5rem; }
table { border-collapse: collapse; margin: .25rem 0 1rem; min-width: 40rem; }
th, td { border: 1px solid #d5dae1; padding: .3rem .6rem; text-align: left; vertical-align: top; }
th { background: #f1f3f6; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.detail { color: #3c4654; max-width: 48rem; overflow-wrap: anywhere; }
.pass { color: #11703a; font-weight: 600; }
.fail { color: #b3261e; font-weight: 600; }
.warn { color: #8a5a00; font-weight: 600; }
tr.failed td { background: #fdf1f0; }
code { font: 12.5px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
"""


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _status(ok: bool) -> str:
    return '<span class="pass">passed</span>' if ok else '<span class="fail">failed</span>'


def _suite_status(v: TableValidation) -> str:
    if v.passed and v.bad_rows:
        n = len(v.bad_rows)
        return f'<span class="warn">passed, {n} bad row{"" if n == 1 else "s"}</span>'
    return _status(v.passed)


def _summary_rows(validations: list[TableValidation]) -> str:
    rows = []
    for v in validations:
        rows.append(
            f'<tr data-suite="{_e(v.table)}">'
            f'<td><a href="#suite-{_e(v.table)}"><code>{_e(v.table)}</code></a></td>'
            f"<td>{_e(v.suite_version)}</td>"
            f'<td class="num n-expectations">{len(v.outcomes)}</td>'
            f'<td class="num n-passed">{v.n_passed}</td>'
            f'<td class="num n-failed">{v.n_failed}</td>'
            f'<td class="num n-rows">{v.n_rows}</td>'
            f'<td class="num n-bad-rows">{len(v.bad_rows)}</td>'
            f"<td>{_e(', '.join(v.table_failures)) or '&ndash;'}</td>"
            f"<td>{_suite_status(v)}</td>"
            "</tr>"
        )
    return "\n".join(rows)


def _suite_section(v: TableValidation) -> str:
    rows = []
    for o in v.outcomes:
        rows.append(
            f'<tr class="{"passed" if o.success else "failed"}" data-expectation="{_e(o.name)}">'
            f"<td><code>{_e(o.name)}</code></td>"
            f"<td>{_e(o.level)}</td>"
            f"<td>{_status(o.success)}</td>"
            f'<td class="num">{o.unexpected_count}</td>'
            f'<td class="detail">{_e(o.detail)}</td>'
            "</tr>"
        )
    return (
        f'<section id="suite-{_e(v.table)}" data-suite="{_e(v.table)}">\n'
        f"<h2>Suite <code>{_e(v.table)}</code> (version {_e(v.suite_version)}): {_suite_status(v)}</h2>\n"
        f'<p class="meta">{v.n_passed} passed, {v.n_failed} failed of {len(v.outcomes)} expectations; '
        f"{len(v.bad_rows)} of {v.n_rows} rows failed a row-level expectation.</p>\n"
        "<table>\n<thead><tr><th>expectation</th><th>level</th><th>outcome</th>"
        "<th>unexpected</th><th>detail</th></tr></thead>\n<tbody>\n"
        + "\n".join(rows)
        + "\n</tbody>\n</table>\n</section>"
    )


def render_html(validations: list[TableValidation], *, title: str, run_id: str | None = None) -> str:
    """The report as an HTML string."""
    generated = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    overall = all(v.passed for v in validations)
    n_failed_suites = sum(not v.passed for v in validations)
    meta = [f"generated {_e(generated)}"]
    if run_id is not None:
        meta.append(f"run <code>{_e(run_id)}</code>")
    meta.append(f"{len(validations) - n_failed_suites} of {len(validations)} suites passed")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(title)}</title>
<style>{_CSS}</style>
</head>
<body>
<h1>{_e(title)}: {_status(overall)}</h1>
<p class="meta">{" &middot; ".join(meta)}</p>
<table id="summary">
<thead><tr><th>suite</th><th>version</th><th>expectations</th><th>passed</th><th>failed</th>
<th>rows</th><th>bad rows</th><th>table failures</th><th>result</th></tr></thead>
<tbody>
{_summary_rows(validations)}
</tbody>
</table>
{chr(10).join(_suite_section(v) for v in validations)}
</body>
</html>
"""


def render_report(
    validations: list[TableValidation], path: Path, *, title: str, run_id: str | None = None
) -> Path:
    """Write the report to `path` (parent folders are created) and return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(render_html(validations, title=title, run_id=run_id), encoding="utf-8")
    tmp.replace(path)
    return path
