"""The offline HTML report, rendered by headless Chromium."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from expectations.report import render_report
from expectations.runner import validate_table

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str:
    path = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if path is None:
        pytest.fail("chromium is not installed: run `apt-get update && apt-get install -y chromium`")
    return path


def _dump_dom(page: Path, profile: Path) -> str:
    cmd = [_chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", page.resolve().as_uri()]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _validations(valid_rows, frame):
    metrics = valid_rows("metrics")
    metrics[2]["value"] = 140.0  # one bad row
    runs = valid_rows("runs")
    runs.append(dict(runs[0]))  # a duplicate run id: a table failure
    quarantine = valid_rows("quarantine")
    quarantine[0]["stage"] = "<script>alert(1)</script>"  # fails stage_in_set; must come out escaped
    return [
        validate_table("metrics", frame("metrics", metrics)),
        validate_table("documents", frame("documents", valid_rows("documents"))),
        validate_table("runs", frame("runs", runs)),
        validate_table("quarantine", frame("quarantine", quarantine)),
    ]


def test_report_is_self_contained_and_escaped(tmp_path, valid_rows, frame) -> None:
    validations = _validations(valid_rows, frame)
    path = render_report(validations, tmp_path / "reports" / "quality.html", title="Q & A <x>", run_id="r<1>")
    text = path.read_text(encoding="utf-8")
    assert "<script" not in text
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", text)
    assert "Q &amp; A &lt;x&gt;" in text and "r&lt;1&gt;" in text


@pytest.mark.slow
def test_report_renders_in_chromium(tmp_path, valid_rows, frame) -> None:
    validations = _validations(valid_rows, frame)
    path = render_report(validations, tmp_path / "quality.html", title="tradeclaims quality", run_id="r-1")
    dom = _dump_dom(path, tmp_path / "chromium-profile")

    assert "tradeclaims quality" in dom
    for v in validations:
        summary = re.search(rf'<tr data-suite="{v.table}">(.*?)</tr>', dom, re.S)
        assert summary, f"no summary row for suite {v.table}"
        cells = summary.group(1)
        assert f"<code>{v.table}</code>" in cells
        assert f"<td>{v.suite_version}</td>" in cells
        assert f'class="num n-passed">{v.n_passed}<' in cells
        assert f'class="num n-failed">{v.n_failed}<' in cells
        section = re.search(rf'<section id="suite-{v.table}" [^>]*>(.*?)</section>', dom, re.S)
        assert section, f"no section for suite {v.table}"
        body = section.group(1)
        assert f"{v.n_passed} passed, {v.n_failed} failed" in body
        for o in v.outcomes:
            pattern = rf'<tr class="(passed|failed)" data-expectation="{re.escape(o.name)}">(.*?)</tr>'
            row = re.search(pattern, body, re.S)
            assert row, o.name
            assert row.group(1) == ("passed" if o.success else "failed")
            assert f"<td>{o.level}</td>" in row.group(2)
            assert f'<td class="num">{o.unexpected_count}</td>' in row.group(2)

    by_table = {v.table: v for v in validations}
    assert by_table["metrics"].n_failed == 1 and by_table["runs"].n_failed >= 1
    assert "metrics.share_in_0_100" in dom and "runs.run_id_unique" in dom
    # the hostile value is text in the page, not markup
    assert "<script>alert(1)</script>" not in dom
    assert html.escape("<script>alert(1)</script>", quote=False) in dom
