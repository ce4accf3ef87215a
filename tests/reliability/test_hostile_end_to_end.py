"""Every kind of bad input in ONE run of `tradeclaims run`: it completes,
exits 0, publishes valid tables, and accounts for every entry."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from tests.reliability.hostile import DOCUMENT, QUARANTINE, build_hostile_input

pytestmark = pytest.mark.slow

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory, run_cli):
    base = tmp_path_factory.mktemp("hostile-e2e")
    root, out = base / "in", base / "out"
    fate, manifest_reasons = build_hostile_input(root)
    proc = run_cli("run", "--input", str(root), "--out", str(out), "--json")
    return root, out, fate, manifest_reasons, json.loads(proc.stdout)


def test_every_entry_ends_in_documents_or_quarantine_as_expected(hostile_run):
    _, out, fate, _, _ = hostile_run
    docs = pd.read_parquet(out / "documents.parquet")
    quarantine = pd.read_parquet(out / "quarantine")
    files = quarantine[quarantine["stage"] != "manifest"]
    got = {s: (DOCUMENT, e) for s, e in zip(docs["source"], docs["encoding"])}
    for source, reason in zip(files["source"], files["reason"]):
        assert source not in got, f"{source} has two fates"
        got[source] = (QUARANTINE, reason)
    expected = dict(fate)
    if got.get("patho/long line.txt") == (QUARANTINE, "time_budget_exceeded"):  # a slow machine
        expected["patho/long line.txt"] = got["patho/long line.txt"]
    assert got == expected
    assert (quarantine["detail"].str.strip().str.len() > 0).all()
    duplicate = files.loc[files["reason"] == "duplicate", "detail"].item()
    assert duplicate == "same content as dup/first.txt"


def test_manifest_problems_are_reported_and_every_reason_is_documented(hostile_run):
    _, out, _, manifest_reasons, _ = hostile_run
    quarantine = pd.read_parquet(out / "quarantine")
    manifest = quarantine[quarantine["stage"] == "manifest"]
    assert manifest["reason"].value_counts().to_dict() == dict(manifest_reasons)
    documented = set(re.findall(r"`([a-z0-9_]+)`", README.read_text(encoding="utf-8").split("Reason codes:")[1]
                                .split("\n\n")[0]))
    assert set(quarantine["reason"]) <= documented


def test_the_run_row_reconciles_every_file(hostile_run):
    _, out, fate, _, summary = hostile_run
    run = pd.read_parquet(out / "runs").iloc[0]
    assert run.files_seen == len(fate)
    assert run.files_seen == run.files_documents + run.files_quarantined + run.duplicates + run.files_skipped
    assert run.files_documents == sum(1 for kind, _ in fate.values() if kind == DOCUMENT) \
        - (fate["patho/long line.txt"] != (DOCUMENT, "utf-8"))
    assert run.duplicates == 1
    assert run.files_skipped == sum(1 for _, r in fate.values() if r.startswith("skipped_"))
    assert summary["files_documents"] == run.files_documents and summary["validation"] == "passed"


def test_utf8_with_bom_and_crlf_gives_the_same_facts_as_the_plain_text(hostile_run):
    _, out, _, _, _ = hostile_run
    docs = pd.read_parquet(out / "documents.parquet").set_index("source")
    metrics = pd.read_parquet(out / "metrics.parquet")
    cols = ["measure", "status", "flow", "value", "unit", "qualifier", "period", "reporter", "partner", "commodity"]

    def facts(source):
        rows = metrics[metrics["doc_id"] == docs.loc[source, "doc_id"]]
        return rows[cols].astype(str).sort_values(cols, ignore_index=True)

    plain, bom = facts("plain/seed.txt"), facts("plain/seed bom crlf.txt")
    assert len(plain) >= 3
    pd.testing.assert_frame_equal(plain, bom)


def test_published_text_fields_survive_any_encoding_and_name(hostile_run):
    root, out, _, _, _ = hostile_run
    docs = pd.read_parquet(out / "documents.parquet").set_index("source")
    metrics = pd.read_parquet(out / "metrics.parquet")
    latin = metrics[metrics["doc_id"] == docs.loc["enc/latin.txt", "doc_id"]]
    raw = (root / "enc" / "latin.txt").read_bytes().decode("cp1252")
    assert len(latin) and all(q in raw for q in latin["quote"])
    assert {"names/中文 新闻.txt", "names/Ελληνικά.TXT", "names/bad\\xff name.txt"} <= set(docs.index)


def test_the_output_validates_and_a_rerun_reconciles_again(hostile_run, run_cli):
    root, out, fate, _, _ = hostile_run
    assert run_cli("validate", str(out)).returncode == 0
    again = json.loads(run_cli("run", "--input", str(root), "--out", str(out), "--json").stdout)
    assert again["documents_new"] == 0
    assert again["files_seen"] == len(fate)
    assert again["files_documents"] == again["documents_skipped"] + again["documents_new"]
    assert again["files_seen"] == (again["files_documents"] + again["files_quarantined"] + again["duplicates"]
                                   + again["files_skipped"])
