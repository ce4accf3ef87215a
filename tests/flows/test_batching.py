"""Batches are bounded: what each task gets, how many run at once, and which runner runs them.

No flow is started here (see test_runners.py for that).
"""

from __future__ import annotations

import pandas as pd
import pytest

from flows import cli
from flows.pipeline import (BatchRows, _split_cross_batch_duplicates, batch_inputs, batch_size_for, results_in_order,
                            task_runner_for, workers_for_batches)
from stages.batch import process_batch


def _listing(n: int) -> pd.DataFrame:
    return pd.DataFrame({"source": [f"d{i:02d}.txt" for i in range(n)], "path": [f"/x/d{i:02d}.txt" for i in range(n)],
                         "size": [10] * n})


def test_each_batch_gets_only_its_own_manifest_rows_and_published_hashes():
    files = _listing(7)
    manifest = pd.DataFrame({"doc": ["d00.txt", "d04.txt", "d06.txt", "gone.txt"],
                             "published": [None] * 4, "source_url": [None] * 4, "title": ["a", "b", "c", "x"]})
    published = {"d01.txt": "sha1", "d05.txt": "sha5", "old.txt": "sha-old"}
    batches = list(batch_inputs(files, manifest, published, size=3))
    assert [list(b["source"]) for b, _, _ in batches] == [
        ["d00.txt", "d01.txt", "d02.txt"], ["d03.txt", "d04.txt", "d05.txt"], ["d06.txt"]]
    assert [list(m["doc"]) for _, m, _ in batches] == [["d00.txt"], ["d04.txt"], ["d06.txt"]]
    assert [k for _, _, k in batches] == [{"sha1": "d01.txt"}, {"sha5": "d05.txt"}, {}]
    assert list(batches[0][1].columns) == list(manifest.columns)


def test_a_corpus_without_manifest_rows_gives_empty_manifests_with_the_columns():
    manifest = pd.DataFrame(columns=["doc", "published", "source_url", "title"])
    batches = list(batch_inputs(_listing(4), manifest, {}, size=2))
    assert len(batches) == 2 and all(len(m) == 0 and list(m.columns) == list(manifest.columns)
                                     for _, m, _ in batches)


class _Future:
    def __init__(self, value, tracker):
        self.value, self.tracker = value, tracker

    def result(self):
        self.tracker["running"] -= 1
        if isinstance(self.value, Exception):
            raise self.value
        return self.value * 10


def test_no_more_than_the_window_is_in_flight_and_results_come_in_batch_order():
    tracker = {"running": 0, "peak": 0}

    def submit(x):
        tracker["running"] += 1
        tracker["peak"] = max(tracker["peak"], tracker["running"])
        return _Future(x, tracker)

    results = list(results_in_order(submit, ((i,) for i in range(25)), in_flight=4))
    assert results == [i * 10 for i in range(25)]
    assert tracker["peak"] == 4 and tracker["running"] == 0


def test_a_failed_batch_is_raised():
    tracker = {"running": 0}
    args = [(1,), (ValueError("batch 2 failed"),), (3,)]
    with pytest.raises(ValueError, match="batch 2"):
        list(results_in_order(lambda x: _Future(x, tracker), iter(args), in_flight=2))


def test_content_published_under_another_source_is_a_duplicate_and_its_rows_go():
    docs = pd.DataFrame({"doc_id": ["aaa", "bbb"], "source": ["moved.txt", "new.txt"],
                         "sha256": ["sha-a", "sha-b"]})
    metrics = pd.DataFrame({"doc_id": ["aaa", "bbb", "bbb"], "fact_id": ["f1", "f2", "f3"]})
    mentions = pd.DataFrame({"doc_id": ["aaa", "bbb"], "fact_id": ["f1", "f2"], "char_start": [0, 0],
                             "char_end": [3, 3]})
    kept, m, mm, q = _split_cross_batch_duplicates(docs, metrics, mentions, {"sha-a": "old.txt"})
    assert list(kept["source"]) == ["new.txt"]
    assert set(m["doc_id"]) == {"bbb"} and set(mm["doc_id"]) == {"bbb"}
    assert list(q["reason"]) == ["duplicate"] and list(q["source"]) == ["moved.txt"]
    assert q["detail"].iloc[0] == "same content as old.txt"


def test_runners_by_name():
    from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner
    from prefect_dask import DaskTaskRunner

    assert isinstance(task_runner_for("default"), ProcessPoolTaskRunner)
    assert isinstance(task_runner_for("threads"), ThreadPoolTaskRunner)
    local = task_runner_for("dask")
    assert isinstance(local, DaskTaskRunner) and local.address is None
    assert local.cluster_kwargs["processes"] is True and local.cluster_kwargs["threads_per_worker"] == 1
    remote = task_runner_for("dask", "tcp://127.0.0.1:8786")
    assert remote.address == "tcp://127.0.0.1:8786" and not remote.cluster_kwargs
    with pytest.raises(ValueError, match="unknown runner"):
        task_runner_for("spark")


def test_the_batches_get_a_process_pool_of_their_own_stopped_when_they_are_done():
    from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner

    flows_pool = ProcessPoolTaskRunner(max_workers=3)
    with workers_for_batches(flows_pool) as pool:
        assert isinstance(pool, ProcessPoolTaskRunner) and pool is not flows_pool
        assert pool._max_workers == 3
    with pytest.raises(RuntimeError, match="not started"):  # its workers are gone
        pool.submit(process_batch, parameters={})
    threads = ThreadPoolTaskRunner(max_workers=2)
    with workers_for_batches(threads) as same:  # nothing to let go: the flow's own
        assert same is threads


def test_cli_refuses_a_dask_address_without_the_dask_runner(tmp_path, capsys):
    code = cli.main(["run", "--input", str(tmp_path), "--out", str(tmp_path / "out"),
                     "--dask-address", "tcp://127.0.0.1:8786"])
    assert code == cli.EXIT_USAGE
    assert "--runner dask" in capsys.readouterr().err


def test_a_batch_reports_the_seconds_of_each_stage(tmp_path):
    (tmp_path / "a.txt").write_text("Trade between India and Brazil rose 12% to $15 billion in 2022.\n")
    files = pd.DataFrame({"source": ["a.txt"], "path": [str(tmp_path / "a.txt")], "size": [60]})
    out = process_batch(files, pd.DataFrame(columns=["doc", "published", "source_url", "title"]))
    assert set(out.seconds) == {"ingest", "clean", "extract"} and all(v >= 0 for v in out.seconds.values())
    assert len(out.metrics) >= 1


def test_batch_rows_come_back_whole_and_in_batch_order_with_nulls_typed_across_batches(tmp_path):
    from stages.base import quarantine_frame
    from stages.batch import BatchOutput

    def output(i, title, statuses):
        docs = pd.DataFrame({"doc_id": [f"d{i}"], "source": [f"s{i}.txt"], "title": [title]})
        metrics = pd.DataFrame({"doc_id": [f"d{i}"], "fact_id": [f"f{i}"], "statuses": [statuses],
                                "value": [float(i)]})
        return BatchOutput(docs, metrics, metrics.iloc[0:0], quarantine_frame([]), counts={"n": 1},
                           seconds={"extract": 0.5})

    rows = BatchRows(tmp_path / "spill")
    for i, (title, statuses) in enumerate([(None, ["actual"]), ("T", ["target", "forecast"])]):
        rows.add(output(i, title, statuses))
    # spilled to disk, one file per batch and table with rows; nothing but paths held
    assert sorted(p.relative_to(tmp_path / "spill").as_posix() for p in (tmp_path / "spill").rglob("*.arrow")) == [
        "documents/000000.arrow", "documents/000001.arrow", "metrics/000000.arrow", "metrics/000001.arrow"]
    docs = rows.take("documents", ["doc_id", "source"])
    assert list(docs["doc_id"]) == ["d0", "d1"] and docs["title"].isna().tolist() == [True, False]
    metrics = rows.take("metrics", ["doc_id", "fact_id"])
    assert [list(s) for s in metrics["statuses"]] == [["actual"], ["target", "forecast"]]
    assert metrics["value"].tolist() == [0.0, 1.0]
    assert rows.take("mentions", ["doc_id", "fact_id"]).columns.tolist() == ["doc_id", "fact_id"]
    assert rows.counts["n"] == 2 and rows.seconds["extract"] == 1.0
    assert rows.take("documents", ["doc_id"]).empty  # handed over, not held twice
    assert not list((tmp_path / "spill").rglob("*.arrow"))  # taken files are removed


@pytest.mark.parametrize("n_files, workers, asked, size", [
    (100_000, 2, None, 2000),   # capped: a task's rows stay small
    (10_000, 2, None, 1250),    # four batches per worker
    (1_000, 2, None, 500),      # never below a chunk
    (3, 2, None, 500),
    (10_000, 8, None, 500),
    (10_000, 2, 300, 300),      # asked for: taken as it is
    (10_000, 2, 0, 1),
])
def test_batch_size_follows_the_corpus_unless_asked(n_files, workers, asked, size):
    assert batch_size_for(n_files, workers, asked) == size


def _texts(folder, n):
    texts = {f"d{i:02d}.txt": (f"Trade between India and Brazil rose {i + 1}% to ${10 + i} billion in 2022.\n"
                               if i % 3 else "A note with no figure about trade.\n") for i in range(n)}
    texts["d05.txt"] = ""  # quarantined: empty
    for name, text in texts.items():
        (folder / name).write_text(text)
    names = sorted(texts)
    return pd.DataFrame({"source": names, "path": [str(folder / s) for s in names],
                         "size": [len(texts[s]) for s in names]})


def _as_arrow_rows(df: pd.DataFrame) -> list[dict]:
    import pyarrow as pa

    return pa.Table.from_pandas(df, preserve_index=False).to_pylist()


def test_a_batch_goes_through_the_stages_a_chunk_at_a_time_with_the_rows_of_one_pass(tmp_path, monkeypatch):
    import stages.batch as batch_module

    files = _texts(tmp_path, 9)
    manifest = pd.DataFrame({"doc": ["d04.txt"], "published": ["2023-05-01"], "source_url": [None], "title": ["T"]})
    first = process_batch(files.iloc[:1], manifest)
    known = {first.documents["sha256"][0]: "d00.txt"}  # d00 is published already
    whole = process_batch(files, manifest, known, chunk_size=100)
    read_sizes = []
    real_read = batch_module.read_documents
    monkeypatch.setattr(batch_module, "read_documents",
                        lambda f, *a, **k: read_sizes.append(len(f)) or real_read(f, *a, **k))
    chunked = process_batch(files, manifest, known, chunk_size=2)
    assert read_sizes == [2, 2, 2, 2, 1]
    for name in ("documents", "metrics", "mentions"):
        # compared as the flow spills them (Arrow): a column all null in one chunk is typed
        # object there, as in a batch of its own, and gets one type when batches are merged
        assert _as_arrow_rows(getattr(chunked, name)) == _as_arrow_rows(getattr(whole, name)), name
    # quarantine rows come chunk by chunk (each chunk's ingest, clean, extract rows): the same rows
    by_source = lambda rows: sorted(rows, key=lambda r: (r["source"], r["reason"]))  # noqa: E731
    assert by_source(_as_arrow_rows(chunked.quarantine)) == by_source(_as_arrow_rows(whole.quarantine))
    assert chunked.unchanged == whole.unchanged == ["d00.txt"]
    assert chunked.counts == whole.counts
    assert (whole.counts["ingest_documents_read"], whole.counts["duplicates"], whole.counts["extract_facts"]) == (8, 2, 10)
    assert set(chunked.seconds) == {"ingest", "clean", "extract"}
    assert {"d03.txt", "d05.txt", "d06.txt"} <= set(whole.quarantine["source"])  # duplicates of d00, empty


def test_chunks_without_any_metric_give_an_empty_table_with_the_columns(tmp_path):
    files = _texts(tmp_path, 4).iloc[[0, 3]].reset_index(drop=True)  # the two without a figure
    out = process_batch(files, pd.DataFrame(columns=["doc", "published", "source_url", "title"]), chunk_size=1)
    assert out.metrics.empty and list(out.metrics.columns) == list(process_batch(files.iloc[:0], pd.DataFrame(
        columns=["doc", "published", "source_url", "title"])).metrics.columns)
    assert len(out.documents) == 2
