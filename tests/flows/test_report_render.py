"""`tradeclaims report OUT`: the page's structure, without a browser."""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser

from tests.flows.conftest import ROOT
from tests.flows.report_tables import CHARTED, FACTS, write_report_tables


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.links, self.circles, self.tags = set(), [], [], []
        self._svg = 0
        self._chart = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append((tag, a))
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "svg":
            self._chart = "chart" in (a.get("class") or "")
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if tag == "circle" and self._chart:
            self.circles.append(a)


def _parse(path):
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def test_report_command_writes_a_page_with_one_linked_circle_per_dated_value_fact(tmp_path):
    out = write_report_tables(tmp_path / "out")
    proc = subprocess.run([sys.executable, "-m", "flows.cli", "report", str(out)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    path = out / "report.html"
    assert proc.stdout.strip() == str(path)
    page = _parse(path)
    assert sorted(c["data-fact"] for c in page.circles) == sorted(CHARTED)
    statuses = {c["data-fact"]: c["class"].split()[-1] for c in page.circles}
    assert statuses == {f[0]: f"pt-{f[1]}" for f in FACTS if f[4]}
    # targets and actuals are told apart by marker fill and colour
    styles = {(c["fill"], c["stroke"]) for c in page.circles if c["class"].endswith(("actual", "target"))}
    assert len(styles) == 2
    # every internal link lands on an evidence entry (or a chart), every point has one
    internal = [h[1:] for h in page.links if h.startswith("#")]
    assert internal and all(i in page.ids for i in internal)
    assert {f"ev-{f}" for f in CHARTED} <= set(internal)
    # the undated claim is listed as evidence but not drawn
    assert "ev-u1" in page.ids and "u1" not in statuses


def test_evidence_shows_sentence_quote_and_source_escaped(tmp_path):
    from flows.report_cmd import write_report

    out = write_report_tables(tmp_path / "out")
    path = write_report(out, tmp_path / "elsewhere" / "r.html")
    html = path.read_text(encoding="utf-8")
    entry = re.search(r'<li id="ev-t2">(.*?)</li>', html, re.S).group(1)
    assert "reaffirmed the <mark>$200 billion target</mark> for 2024 &lt;again&gt;." in entry
    assert "d3.txt" in entry and "Story d3 &amp; &lt;co&gt;" in entry and "published 2022-01-03" in entry
    assert not (out / "report.html").exists()


def test_page_loads_nothing_from_the_network(tmp_path):
    from flows.report_cmd import write_report

    page = _parse(write_report(write_report_tables(tmp_path / "out")))
    for tag, attrs in page.tags:
        assert tag not in ("script", "link", "img", "iframe", "object"), tag
        assert "src" not in attrs
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "url(" not in html and "@import" not in html
    external = [h for h in page.links if not h.startswith("#")]
    assert external == ["https://news.example/d1"] * len(external) and external  # source links only


def test_report_of_an_empty_folder_says_so(tmp_path):
    from flows.report_cmd import write_report

    html = write_report(tmp_path).read_text(encoding="utf-8")
    assert "No trade value claim with a period to draw." in html
    assert "<circle" not in html


def test_report_of_a_missing_folder_is_a_usage_error(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "flows.cli", "report", str(tmp_path / "nope")], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "is not a folder" in proc.stderr
