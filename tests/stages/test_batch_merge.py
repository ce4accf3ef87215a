"""The snapshot merge: the Arrow sort keeps pandas' stable order, rows are taken once, the result
is the straightforward merge's, and the new rows are released as they are sorted."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from stages.batch import drop_duplicate_rows, merge_snapshot, sort_order, take_rows
from stages.schemas import DOCUMENTS, MENTIONS, METRICS

WORDS = ["a", "b", "B", "ab", "a b", "é", "e", "ß", "z", "Z", "中", "😀", "", "0", "10", "9"]


def _random_frame(n: int, seed: int) -> pd.DataFrame:
    rng = random.Random(seed)
    keys = [rng.choice(WORDS + [None]) for _ in range(n)]
    return pd.DataFrame({
        "k1": pd.Series(keys, dtype="str"),
        "k2": pd.Series([rng.choice(WORDS) for _ in range(n)], dtype="str"),
        "i": np.array([rng.randrange(-3, 3) for _ in range(n)], dtype=np.int64),
        "row": np.arange(n, dtype=np.int64),  # tells equal keys apart: the sort must be stable
        "f": np.array([rng.random() for _ in range(n)]),
        "lists": pd.Series([np.array(["x"] * (i % 3), dtype=object) for i in range(n)], dtype=object),
    })


@pytest.mark.parametrize("keys", [["k1"], ["k2", "k1"], ["k1", "i"], ["i", "k2", "k1"], ["i"]])
@pytest.mark.parametrize("seed", range(3))
def test_arrow_sort_keeps_pandas_stable_order(keys, seed):
    df = _random_frame(300, seed)
    expected = df.sort_values(keys, kind="stable").index.to_numpy()
    assert list(sort_order(df, keys)) == list(expected)


def test_other_dtypes_are_sorted_by_pandas():
    df = pd.DataFrame({"f": [2.0, np.nan, 1.0, 2.0], "o": ["b", "a", "b", None]})
    for keys in (["f"], ["o", "f"]):
        assert list(sort_order(df, keys)) == list(df.sort_values(keys, kind="stable").index)
    assert len(sort_order(df.iloc[0:0], ["f"])) == 0


def test_take_rows_is_take_with_a_fresh_index_and_can_consume_its_input():
    df = _random_frame(50, 1).set_index(pd.RangeIndex(100, 150))
    order = sort_order(df, ["k1", "k2"])
    expected = df.sort_values(["k1", "k2"], kind="stable", ignore_index=True)
    pd.testing.assert_frame_equal(take_rows(df, order), expected)
    assert len(df.columns) == 6  # not consumed
    pd.testing.assert_frame_equal(take_rows(df, order, consume=True), expected)
    assert len(df.columns) == 0


def test_drop_duplicate_rows_copies_only_when_a_row_goes():
    df = pd.DataFrame({"a": ["x", "y", "x"], "b": [1, 2, 1]})
    assert drop_duplicate_rows(df.iloc[:2], ["a", "b"]).equals(df.iloc[:2])
    pd.testing.assert_frame_equal(drop_duplicate_rows(df, ["a", "b"]), df.drop_duplicates(["a", "b"]))
    pd.testing.assert_frame_equal(drop_duplicate_rows(df, "a", keep="last"),
                                  df.drop_duplicates("a", keep="last"))


# --- merge_snapshot against the straightforward merge --------------------------------------------


def _reference_merge(previous, new, full_refresh=False):
    """The merge as written before it sorted in Arrow (copies everything, sorts in pandas)."""
    if full_refresh:
        base = {k: v.iloc[0:0] for k, v in previous.items()}
    else:
        replaced = set(new["documents"]["source"])
        old_docs = previous["documents"]
        gone = set(old_docs.loc[old_docs["source"].isin(replaced), "doc_id"])
        gone -= set(new["documents"]["doc_id"])
        base = {k: v.loc[~v["doc_id"].isin(gone)] if gone else v for k, v in previous.items()}
    out = {}
    for name, keys in (("documents", ["source"]), ("metrics", ["doc_id", "fact_id"]),
                       ("mentions", ["doc_id", "char_start", "char_end", "fact_id"])):
        frames = [f for f in (base[name], new[name]) if len(f)]
        merged = pd.concat(frames, ignore_index=True) if frames else new[name].iloc[0:0]
        if name == "documents":
            merged = merged.drop_duplicates("doc_id", keep="last")
        out[name] = merged.sort_values(keys, kind="stable", ignore_index=True)
    return out


def _tables(docs: list[tuple[str, str]], run_id: str | None) -> dict[str, pd.DataFrame]:
    """(doc_id, source) documents with two facts and three mentions each, as read back from Arrow."""
    d, m, mm = [], [], []
    for i, (doc_id, source) in enumerate(docs):
        d.append({"doc_id": doc_id, "source": source, "published": None, "published_from": "none",
                  "source_url": None, "title": f"t{i}", "sha256": doc_id * 4, "n_chars": 10 + i,
                  "encoding": "utf-8", "run_id": run_id})
        for j in (1, 0):  # facts not in id order
            fact = f"{doc_id[:8]}f{j}"
            m.append({"fact_id": fact, "doc_id": doc_id, "measure": "value", "status": "actual",
                      "statuses": ["actual"], "flow": "total", "value": float(i + j), "unit": "USD",
                      "qualifier": "exact", "period": None if j else "2020", "reporter": "CHN",
                      "partner": "RUS", "commodity": None, "quote": f"q{i}{j}", "n_mentions": 1 + j,
                      "run_id": run_id})
            for start in ((5, 0) if j else (5, 5)):  # equal positions: the fact id decides, then order
                mm.append({"fact_id": fact, "doc_id": doc_id, "sentence": f"s{i}{j}{start}",
                           "char_start": start, "char_end": start + 3, "run_id": run_id})
    out = {}
    for name, rows, schema in (("documents", d, DOCUMENTS), ("metrics", m, METRICS),
                               ("mentions", mm, MENTIONS)):
        df = pa.Table.from_pylist(rows, schema=schema).to_pandas()
        out[name] = df if run_id else df.drop(columns="run_id")
    return out


@pytest.mark.parametrize("full_refresh", [False, True])
def test_merge_equals_the_straightforward_merge(full_refresh):
    previous = _tables([("00aa", "b.txt"), ("00bb", "a.txt"), ("00cc", "c.txt")], "r1")
    # c.txt changed content (00cc is replaced by 00dd); a new document; one batch row twice (00ee)
    new = _tables([("00ee", "e.txt"), ("00dd", "c.txt"), ("00ff", "d.txt"), ("00ee", "e2.txt")], None)
    expected = _reference_merge(previous, {k: v.copy() for k, v in new.items()}, full_refresh)
    merged = merge_snapshot(previous, new, full_refresh)
    assert new == {}  # consumed
    for name in expected:
        pd.testing.assert_frame_equal(merged[name], expected[name], check_exact=True)
    if not full_refresh:
        assert "00cc" not in set(merged["metrics"]["doc_id"]) and "00aa" in set(merged["documents"]["doc_id"])


def test_merge_of_nothing_new_and_into_nothing():
    previous = _tables([("00aa", "b.txt"), ("00bb", "a.txt")], "r1")
    empty = {k: v.iloc[0:0].drop(columns="run_id") for k, v in previous.items()}
    nothing_before = {k: v.iloc[0:0] for k, v in previous.items()}
    for prev, new in ((previous, empty), (nothing_before, _tables([("00cc", "c")], None))):
        expected = _reference_merge(prev, {k: v.copy() for k, v in new.items()})
        merged = merge_snapshot(prev, dict(new))
        for name in expected:
            pd.testing.assert_frame_equal(merged[name], expected[name], check_exact=True)


@pytest.mark.parametrize("values", [["a", None, "x"], ["a"], [], [None]])
def test_is_in_is_pandas_isin(values):
    from stages.batch import is_in

    column = pd.Series(["a", None, "b", "c", "a"], dtype="str")
    for vals in (pd.Series(values, dtype="str"), pd.Series(values, dtype=object)):
        assert list(is_in(column, vals)) == list(column.isin(vals))
    assert list(is_in(column.iloc[0:0], pd.Series(values, dtype="str"))) == []


def test_giving_back_freed_memory_is_harmless():
    from stages.batch import give_back_freed_memory

    give_back_freed_memory()
    give_back_freed_memory()
