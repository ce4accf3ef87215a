"""One batch of files through ingest → clean → extract, and merging batches
into the published snapshot. No orchestration here: flows/ wires these into
Prefect tasks, one task per batch.
"""

from __future__ import annotations

import ctypes
import functools
import time
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .base import quarantine_frame, quarantine_row
from .clean import clean_documents
from .extract import MENTION_COLUMNS, METRIC_COLUMNS, extract_metrics
from .ingest import read_documents

DOCUMENT_OUT_COLUMNS = ["doc_id", "source", "published", "published_from", "source_url", "title", "sha256",
                        "n_chars", "encoding"]


@dataclass
class BatchOutput:
    documents: pd.DataFrame  # new documents (no text)
    metrics: pd.DataFrame
    mentions: pd.DataFrame
    quarantine: pd.DataFrame
    unchanged: list[str] = field(default_factory=list)  # sources already processed with this content
    counts: Counter = field(default_factory=Counter)
    seconds: Counter = field(default_factory=Counter)  # per stage: where a run's time goes


# Documents a batch takes through the stages at a time: a task may carry more
# (fewer tasks, less orchestration per document), but a worker holds the
# texts, sentences and findings of one chunk only.
CHUNK_SIZE = 500


def process_batch(files: pd.DataFrame, manifest: pd.DataFrame, known: dict[str, str] | None = None,
                  read_bytes=None, chunk_size: int = CHUNK_SIZE) -> BatchOutput:
    """Read, clean and extract a batch of listed files, `chunk_size` files at a time.

    `known` maps the sha256 of documents already published in the output to
    their source (the flow passes those of the batch's own sources). A file
    with known content is not extracted again: it is unchanged when it is
    that same source, else a duplicate of it. The output's `seconds` say how
    long each stage took.
    """
    size, known = max(1, chunk_size), known or {}
    if len(files) <= size:
        return _process_chunk(files, manifest, known, read_bytes)
    chunks = [_process_chunk(files.iloc[start:start + size].reset_index(drop=True), manifest, known, read_bytes)
              for start in range(0, len(files), size)]
    counts: Counter = Counter()
    seconds: Counter = Counter()
    for chunk in chunks:
        counts.update(chunk.counts)
        seconds.update(chunk.seconds)
    return BatchOutput(*(_stack([getattr(c, name) for c in chunks])
                         for name in ("documents", "metrics", "mentions", "quarantine")),
                       unchanged=[source for c in chunks for source in c.unchanged], counts=counts,
                       seconds=seconds)


def _stack(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The chunks' rows of one table, in order; the first chunk's (columns and dtypes) when none has any."""
    return concat(frames, list(frames[0].columns)) if any(len(f) for f in frames) else frames[0]


def _process_chunk(files: pd.DataFrame, manifest: pd.DataFrame, known: dict[str, str], read_bytes) -> BatchOutput:
    counts: Counter = Counter()
    seconds: Counter = Counter()
    t0 = time.perf_counter()
    ingested = read_documents(files, manifest, read_bytes=read_bytes)
    counts.update({f"ingest_{k}": v for k, v in ingested.counts.items()})
    docs = ingested.kept
    is_known = docs["sha256"].isin(known.keys())
    unchanged, dup_rows = [], []
    for source, sha, doc_id in zip(docs.loc[is_known, "source"], docs.loc[is_known, "sha256"],
                                   docs.loc[is_known, "doc_id"]):
        if known[sha] == source:
            unchanged.append(source)
        else:
            dup_rows.append(quarantine_row("ingest", "duplicate", f"same content as {known[sha]}",
                                           source=source, doc_id=doc_id))
    docs = docs.loc[~is_known].reset_index(drop=True)
    counts["documents_skipped"] = len(unchanged)
    counts["duplicates"] = len(dup_rows)
    t1 = time.perf_counter()
    cleaned = clean_documents(docs)
    counts.update({f"clean_{k}": v for k, v in cleaned.counts.items()})
    t2 = time.perf_counter()
    extracted = extract_metrics(docs, cleaned.kept)
    counts.update({f"extract_{k}": v for k, v in extracted.counts.items()})
    seconds.update(ingest=t1 - t0, clean=t2 - t1, extract=time.perf_counter() - t2)
    failed = set(cleaned.quarantine["doc_id"]) | set(extracted.quarantine["doc_id"])
    documents = docs.loc[~docs["doc_id"].isin(failed), DOCUMENT_OUT_COLUMNS].reset_index(drop=True)
    quarantine = concat([ingested.quarantine, quarantine_frame(dup_rows), cleaned.quarantine, extracted.quarantine],
                        list(ingested.quarantine.columns))
    return BatchOutput(documents, extracted.metrics, extracted.mentions, quarantine, unchanged, counts, seconds)


def concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if len(frames) == 1:  # no copy (copy-on-write): a 100k-document table is not held twice
        return frames[0].reset_index(drop=True)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)


def merge_snapshot(previous: dict[str, pd.DataFrame], new: dict[str, pd.DataFrame],
                   full_refresh: bool = False) -> dict[str, pd.DataFrame]:
    """The next snapshot of documents, metrics and mentions.

    A new document whose source was published before with other content
    replaces that document's rows; everything else published stays.

    `new` is consumed: its tables are taken out of it, and each is released
    while its sorted copy is made (a column at a time), so memory never holds
    the new rows both unsorted and sorted.
    """
    if full_refresh:
        base = {k: v.iloc[0:0] for k, v in previous.items()}
    else:
        old_docs = previous["documents"]
        gone = set(old_docs.loc[is_in(old_docs["source"], new["documents"]["source"]), "doc_id"])
        gone -= set(new["documents"]["doc_id"])
        base = {k: v.loc[~v["doc_id"].isin(gone)] if gone else v for k, v in previous.items()}
    out = {}
    for name, keys in (("documents", ["source"]), ("metrics", ["doc_id", "fact_id"]),
                       ("mentions", ["doc_id", "char_start", "char_end", "fact_id"])):
        rows = new.pop(name)
        merged = concat([base[name], rows], list(rows.columns))
        del rows
        if name == "documents":
            merged = drop_duplicate_rows(merged, "doc_id", keep="last")
        out[name] = take_rows(merged, sort_order(merged, keys), consume=True)
        del merged
    return out


def is_in(column: pd.Series, values: pd.Series) -> np.ndarray:
    """`column.isin(values)` as a boolean array (a null is in `values` if a null is there too).

    Two string columns are compared in Arrow: pandas' own `isin` makes a
    Python scalar of every value, seconds and tens of MB for a snapshot's ids.
    """
    if not len(column):
        return np.zeros(0, dtype=bool)
    if isinstance(column.dtype, pd.StringDtype) and isinstance(values.dtype, pd.StringDtype):
        value_set = pa.array(values, type=pa.large_string(), from_pandas=True)
        if isinstance(value_set, pa.ChunkedArray):
            value_set = value_set.combine_chunks()
        found = pc.is_in(pa.array(column, type=pa.large_string(), from_pandas=True), value_set=value_set)
        return found.to_numpy(zero_copy_only=False).astype(bool, copy=False)
    return column.isin(values).to_numpy(dtype=bool)


def drop_duplicate_rows(df: pd.DataFrame, subset, keep: str = "first") -> pd.DataFrame:
    """`df.drop_duplicates(subset, keep=keep)`, but `df` itself (not a copy) when no row is a duplicate."""
    duplicate = df.duplicated(subset, keep=keep)
    return df.loc[~duplicate] if duplicate.any() else df


def _arrow_sortable(column: pd.Series) -> bool:
    """Sorts the same in Arrow as in pandas: strings (by code point, as both do) and numpy ints."""
    dtype = column.dtype
    return isinstance(dtype, pd.StringDtype) or (isinstance(dtype, np.dtype) and dtype.kind in "iu")


def sort_order(df: pd.DataFrame, keys: list[str]) -> np.ndarray:
    """Row positions of `df` in the order of `df.sort_values(keys, kind="stable")`.

    Ascending, stable, nulls last. String and integer keys are sorted by
    Arrow on the key columns alone (no copy of the rest of the table, no
    per-key codes); other dtypes by pandas.
    """
    if not len(df):
        return np.arange(0, dtype=np.int64)
    columns = [df[k] for k in keys]
    if all(_arrow_sortable(c) for c in columns):
        table = pa.table({f"k{i}": pa.array(c, from_pandas=True) for i, c in enumerate(columns)})
        # nulls go last: Arrow's default, as pandas'
        order = pc.sort_indices(table, sort_keys=[(f"k{i}", "ascending") for i in range(len(keys))])
        return order.to_numpy().astype(np.int64, copy=False)
    return df[keys].reset_index(drop=True).sort_values(keys, kind="stable").index.to_numpy(dtype=np.int64)


def take_rows(df: pd.DataFrame, positions: np.ndarray, consume: bool = False) -> pd.DataFrame:
    """The rows of `df` at `positions`, with a fresh RangeIndex (as `df.take(positions)` with
    `ignore_index`). With `consume`, each column is dropped from `df` once taken (`df` ends
    with no columns), so a big table is not held twice while it is reordered."""
    columns = df.columns
    taken = {}
    for name in list(columns):
        taken[name] = df[name].array.take(positions)
        if consume:
            del df[name]
            give_back_freed_memory()
    return pd.DataFrame(taken, columns=columns, copy=False)


@functools.cache
def glibc():
    """The C library when it is glibc (malloc's knobs), else None."""
    try:
        return ctypes.CDLL("libc.so.6")
    except OSError:
        return None


def give_back_freed_memory() -> None:
    """Return the free pages of malloc's heap to the OS (glibc; elsewhere nothing).

    Batch rows arrive as many small buffers (each batch's unpickled result):
    freed, they stay in the heap, and a table sorted from them would come on
    top of them. Trimmed as each column is replaced, memory holds the rows
    about once.
    """
    trim = getattr(glibc(), "malloc_trim", None)
    if trim is not None:
        trim(0)


EMPTY = {
    "metrics": lambda: pd.DataFrame(columns=METRIC_COLUMNS),
    "mentions": lambda: pd.DataFrame(columns=MENTION_COLUMNS),
    "quarantine": lambda: quarantine_frame([]),
}
