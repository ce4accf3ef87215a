"""The report page as a person sees it: headless Chromium draws the chart.

Two checks: the DOM Chromium builds has one linked circle per dated value
claim, and a screenshot's chart region (found by the chart's border) is not
blank and shows the actual and target colours.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from flows.report_cmd import STYLE, write_report
from tests.flows.processes import start, stop_tree, tail
from tests.flows.report_tables import CHARTED, write_report_tables

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
BORDER = (0xE4, 0xE4, 0xE4)  # svg.chart's border colour in the page's CSS


def _chromium(tmp_path: Path, *args: str, timeout: float = 120) -> Path:
    """Run headless Chromium once (its own process group, always stopped); returns its log."""
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed (make test installs it)")
    log = tmp_path / f"chromium-{len(list(tmp_path.glob('chromium-*')))}.log"
    proc = start([CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", *args], log)
    try:
        proc.wait(timeout=timeout)
    finally:
        stop_tree(proc, grace_s=5)
    return log


def read_png(path: Path) -> tuple[int, int, list[bytes]]:
    """Width, height and RGB rows of an 8-bit RGB/RGBA PNG (the screenshot format), no numpy."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, prev = [], bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up, ul = prev[i], (prev[i - channels] if i >= channels else 0)
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + ((left + up) >> 1)) & 0xFF
            elif kind == 4:
                p = left + up - ul
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - ul)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else ul)) & 0xFF
        prev = line
        rgb = bytes(line) if channels == 3 else bytes(b for i, b in enumerate(line) if i % 4 != 3)
        rows.append(rgb)
    return width, height, rows


def _near(px: tuple[int, int, int], colour: tuple[int, int, int], tol: int = 24) -> bool:
    return all(abs(a - b) <= tol for a, b in zip(px, colour))


def _hex(colour: str) -> tuple[int, int, int]:
    return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))


def chart_box(width: int, rows: list[bytes]) -> tuple[int, int, int, int]:
    """(left, top, right, bottom) of the first chart: its border's long horizontal runs."""
    edges = []
    for y, row in enumerate(rows):
        run = best = start = 0
        for x in range(width):
            if row[3 * x:3 * x + 3] == bytes(BORDER):
                run += 1
                if run > best:
                    best, start = run, x - run + 1
            else:
                run = 0
        if best >= 600:
            edges.append((y, start, start + best))
    assert len(edges) >= 2, "no chart border found in the screenshot"
    top, left, right = edges[0]
    bottom = next(y for y, _, _ in edges[1:] if y > top + 50)
    return left, top, right, bottom


def test_report_chart_is_drawn_in_headless_chromium(tmp_path):
    page = write_report(write_report_tables(tmp_path / "out"))

    # the DOM as Chromium built it: one circle per dated value claim, each a link to its evidence
    dom_file = tmp_path / "dom.html"
    log = _chromium(tmp_path, "--dump-dom", page.as_uri())
    dom = log.read_text(encoding="utf-8", errors="replace")
    dom_file.write_text(dom, encoding="utf-8")
    points = re.findall(r'<a href="#(ev-[\w-]+)"><circle class="pt pt-(\w+)" data-fact="(\w+)"', dom)
    assert sorted(f for _, _, f in points) == sorted(CHARTED), dom[-2000:]
    assert all(a == f"ev-{f}" and f'id="{a}"' in dom for a, _, f in points)

    # the screenshot: the chart region is drawn, with actual and target markers in their colours
    png = tmp_path / "report.png"
    log = _chromium(tmp_path, f"--screenshot={png}", "--window-size=1200,900", page.as_uri())
    assert png.exists(), tail(log)
    width, height, rows = read_png(png)
    assert (width, height) == (1200, 900)
    left, top, right, bottom = chart_box(width, rows)
    assert 700 <= right - left <= 800 and 250 <= bottom - top <= 300, (left, top, right, bottom)
    inside = [tuple(rows[y][3 * x:3 * x + 3]) for y in range(top + 2, bottom - 1) for x in range(left + 2, right - 1)]
    white = sum(px == (255, 255, 255) for px in inside)
    assert len(inside) - white > 0.02 * len(inside), "the chart region is blank"
    assert len(set(inside)) > 20, "the chart region is uniform"
    actual = sum(_near(px, _hex(STYLE["actual"][0])) for px in inside)
    target = sum(_near(px, _hex(STYLE["target"][0])) for px in inside)
    assert actual >= 2 * 60, f"actual markers not drawn ({actual} px)"  # two filled dots of radius 6
    assert target >= 60, f"target rings not drawn ({target} px)"
