"""The same flow on every runner gives the same tables: the default process
pool, a Dask cluster the run starts, and an existing Dask scheduler."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pandas as pd
import pytest

from tests.flows.conftest import ROOT

pytestmark = pytest.mark.slow

N_DOCS = 40
BATCH = "8"  # several batches, more than the in-flight window
KEYS = {"documents": ["doc_id"], "metrics": ["doc_id", "fact_id"],
        "mentions": ["doc_id", "fact_id", "char_start", "char_end"]}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus")
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "corpus.py"), "--docs", str(N_DOCS), "--out", str(out),
                    "--seed", "7"], check=True, capture_output=True)
    return out / "docs"


@pytest.fixture(scope="module")
def default_out(corpus, run_cli, tmp_path_factory):
    out = tmp_path_factory.mktemp("default")
    run_cli("run", "--input", str(corpus), "--out", str(out), "--batch-size", BATCH)
    return out


def _tables(out) -> dict[str, pd.DataFrame]:
    tables = {}
    for name, keys in KEYS.items():
        df = pd.read_parquet(out / f"{name}.parquet").drop(columns=["run_id"])
        tables[name] = df.sort_values(keys, ignore_index=True)
    return tables


def _assert_same_tables(a, b):
    left, right = _tables(a), _tables(b)
    for name in KEYS:
        pd.testing.assert_frame_equal(left[name], right[name], obj=name)


def test_the_default_run_processes_every_document(default_out):
    tables = _tables(default_out)
    assert len(tables["documents"]) == N_DOCS
    assert len(tables["metrics"]) > N_DOCS  # the generator plants about two facts a document
    assert not list((default_out / ".staging").rglob("*"))  # the batches' spilled rows are gone


def test_a_dask_cluster_of_the_run_gives_the_same_tables(corpus, default_out, run_cli, tmp_path):
    out = tmp_path / "dask"
    run_cli("run", "--input", str(corpus), "--out", str(out), "--batch-size", BATCH, "--runner", "dask")
    _assert_same_tables(default_out, out)


def test_an_existing_dask_scheduler_gives_the_same_tables(corpus, default_out, run_cli, tmp_path):
    from distributed import LocalCluster

    out = tmp_path / "remote"
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        run_cli("run", "--input", str(corpus), "--out", str(out), "--batch-size", BATCH, "--runner", "dask",
                "--dask-address", cluster.scheduler_address)
    _assert_same_tables(default_out, out)


def test_a_copy_of_a_published_file_in_another_batch_is_a_duplicate(corpus, default_out, run_cli, tmp_path):
    grown = tmp_path / "in"
    shutil.copytree(corpus, grown)
    first = sorted(grown.rglob("*.txt"))[0]
    (grown / "zz").mkdir()
    shutil.copy(first, grown / "zz" / "copy.txt")  # last in source order: its own batch
    out = tmp_path / "out"
    shutil.copytree(default_out, out)
    before = _tables(out)
    run_cli("run", "--input", str(grown), "--out", str(out), "--batch-size", BATCH)
    quarantine = pd.read_parquet(out / "quarantine")
    dup = quarantine[quarantine["reason"] == "duplicate"]
    assert list(dup["source"]) == ["zz/copy.txt"]
    assert dup["detail"].iloc[0] == f"same content as {first.relative_to(grown).as_posix()}"
    after = _tables(out)
    for name in KEYS:
        pd.testing.assert_frame_equal(before[name], after[name], obj=name)
