"""The benchmark corpus generator plants gold facts that follow shared/spec/trade-metrics.md."""

from __future__ import annotations

import csv
import hashlib
import importlib.util
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "benchmarks" / "corpus.py"
N_DOCS = 50

MEASURES = {"value", "growth", "share", "volume"}
STATUSES = {"actual", "target", "forecast"}
FLOWS = {"total", "export", "import"}
QUALIFIERS = {"exact", "approx", "over", "under"}
VOLUME_UNITS = {"t", "bbl", "m3"}
PERIOD = re.compile(r"^\d{4}$|^\d{4}-(0[1-9]|1[0-2])$|^\d{4}-(0[1-9]|1[0-2])/\d{4}-(0[1-9]|1[0-2])$")
CODE = re.compile(r"^[A-Z]{3}$")
# the planted facts use the seed gold's format, key for key
SEED_GOLD = ROOT.parent / "shared" / "gold" / "seeds.jsonl"
GOLD_KEYS = list(json.loads(SEED_GOLD.read_text(encoding="utf-8").splitlines()[0]))


def generate(out: Path, seed: int = 0, workers: int = 1, n: int = N_DOCS) -> None:
    subprocess.run(
        [
            sys.executable,
            str(CORPUS),
            "--docs",
            str(n),
            "--out",
            str(out),
            "--seed",
            str(seed),
            "--workers",
            str(workers),
        ],
        check=True,
        capture_output=True,
    )


def tree_digest(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    generate(out)
    return out


def load_gold(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "planted.jsonl").read_text(encoding="utf-8").splitlines()]


def doc_texts(out: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in (out / "docs").glob("*/*.txt")}


def test_layout_and_manifest(corpus: Path):
    docs = corpus / "docs"
    shards = [p for p in docs.iterdir() if p.is_dir()]
    assert shards
    for shard in shards:
        assert len(list(shard.iterdir())) <= 1000
    texts = doc_texts(corpus)
    assert len(texts) == N_DOCS
    with open(docs / "manifest.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["doc", "published", "source_url", "title"]
    for row in rows:
        assert (docs / row["doc"]).is_file(), row["doc"]
        assert row["published"] == "" or re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["published"])
    assert len({r["doc"] for r in rows}) == len(rows)
    for name, text in texts.items():
        size = len(text.encode("utf-8"))
        assert 1536 <= size <= 6144, (name, size)


def test_planted_facts_follow_the_spec(corpus: Path):
    texts = doc_texts(corpus)
    gold = load_gold(corpus)
    assert len(gold) >= N_DOCS // 2
    seen = set()
    for g in gold:
        assert list(g) == GOLD_KEYS
        assert g["doc"] in texts
        assert g["quote"] and g["quote"] in texts[g["doc"]], g
        assert g["measure"] in MEASURES
        assert isinstance(g["status"], list) and g["status"] and set(g["status"]) <= STATUSES
        assert g["flow"] in FLOWS
        assert g["qualifier"] in QUALIFIERS
        assert isinstance(g["value"], float)
        assert g["period"] is None or PERIOD.match(g["period"]), g["period"]
        assert CODE.match(g["reporter"]) and CODE.match(g["partner"]) and g["reporter"] != g["partner"]
        assert g["commodity"] is None or g["commodity"] == g["commodity"].lower()
        if g["measure"] in ("growth", "share"):
            assert g["unit"] == "percent"
        elif g["measure"] == "volume":
            assert g["unit"] in VOLUME_UNITS and g["commodity"]
        else:
            assert CODE.match(g["unit"]) and g["value"] > 0
        if g["measure"] == "share":
            assert g["partner"] != "WLD" and 0 < g["value"] <= 100
        elif g["flow"] == "total":
            assert g["reporter"] < g["partner"], g  # pair in alphabetical order
        assert "per day" not in g["quote"] and "bpd" not in g["quote"]
        key = (
            g["doc"],
            g["measure"],
            tuple(sorted(g["status"])),
            g["flow"],
            g["value"],
            g["unit"],
            g["commodity"],
        )
        assert key not in seen, g  # one record per fact
        seen.add(key)
    per_doc = Counter(g["doc"] for g in gold)
    assert max(per_doc.values()) <= 5


@pytest.fixture(scope="module")
def larger(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("larger")
    generate(out, seed=3, n=400, workers=2)
    return out


def test_relative_periods_are_null_without_a_publication_date(larger: Path):
    with open(larger / "docs" / "manifest.csv", encoding="utf-8", newline="") as fh:
        dated = {Path(r["doc"]).name for r in csv.DictReader(fh) if r["published"]}
    gold = load_gold(larger)
    undated = [g for g in gold if g["doc"] not in dated]
    assert undated and len(undated) < len(gold) / 4
    relative = re.compile(r"\b(this|last|next) (year|month)\b|\bend of the year\b|\bin the previous year\b")
    n_relative = 0
    for g in undated:
        if relative.search(g["quote"]) and not re.search(r"\b(19|20)\d\d\b", g["quote"]):
            n_relative += 1
            assert g["period"] is None, g
    assert n_relative


def test_falls_are_negative_growth(larger: Path):
    fall = re.compile(
        r"\b(fell|declined|dropped|decreased|slumped|contracted|down|decrease|decline|drop|contraction)\b"
    )
    growth = [g for g in load_gold(larger) if g["measure"] == "growth"]
    assert any(g["value"] < 0 for g in growth)
    for g in growth:
        assert (g["value"] < 0) == bool(fall.search(g["quote"])), g


def test_same_seed_same_bytes(tmp_path: Path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(a, seed=7)
    generate(b, seed=7, workers=2)
    generate(c, seed=8)
    assert tree_digest(a) == tree_digest(b)
    assert tree_digest(a) != tree_digest(c)


def test_regex_baseline_counts_money():
    spec = importlib.util.spec_from_file_location("regex_baseline", ROOT / "benchmarks" / "regex_baseline.py")
    rb = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(rb)
    text = (
        "Trade reached $146 billion, or 1.2 trillion yuan (US$170 bln), and Rs 1,25,000 crore; "
        "150 million doses and 100,000 troops in 2022."
    )
    assert rb.scan_money(text) == 4
    n_bytes, n_matches, secs = rb.scan_corpus([str(ROOT / "seeds")])
    assert n_bytes > 0 and n_matches > 0 and secs >= 0
