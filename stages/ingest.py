"""Ingest: list input files, read and decode them, join the manifest.

Every file under the input root ends up either as a document row or as a
quarantine row with a stable reason code; nothing is skipped silently.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import os
from collections import Counter
from pathlib import Path

import pandas as pd

from .base import StageResult, quarantine_frame, quarantine_row
from .dates import parse_iso_date, published_from_text

MANIFEST_NAME = "manifest.csv"
MANIFEST_COLUMNS = ["doc", "published", "source_url", "title"]
# Far above any news text (the seeds are 3-9 KB); larger files are quarantined
# rather than decoded, so one stray dump cannot exhaust memory.
MAX_FILE_BYTES = 5 * 1024 * 1024

FILE_COLUMNS = ["source", "path", "size"]
DOCUMENT_COLUMNS = [
    "doc_id", "source", "published", "published_from", "source_url", "title",
    "sha256", "n_chars", "encoding", "text",
]


def list_input_files(root: str | Path) -> StageResult:
    """Walk `root` (links never followed) and list the `.txt` files to read.

    Returns kept rows (source, path, size) sorted by source; links and files
    that are not `.txt` are quarantined with a `skipped_*` reason.
    """
    root = Path(root)
    files, quarantined = [], []
    counts: Counter = Counter()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        for d in list(dirnames):
            full = Path(dirpath) / d
            if full.is_symlink():
                dirnames.remove(d)
                counts["files_seen"] += 1
                counts["skipped"] += 1
                quarantined.append(quarantine_row(
                    "ingest", "skipped_symlink", f"directory link to {os.readlink(full)} not followed",
                    source=full.relative_to(root).as_posix()))
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            full = Path(dirpath) / name
            rel = full.relative_to(root).as_posix()
            if rel == MANIFEST_NAME or name.startswith("."):
                continue
            counts["files_seen"] += 1
            if full.is_symlink():
                counts["skipped"] += 1
                quarantined.append(quarantine_row(
                    "ingest", "skipped_symlink", f"link to {os.readlink(full)} not followed", source=rel))
            elif not name.lower().endswith(".txt"):
                counts["skipped"] += 1
                quarantined.append(quarantine_row(
                    "ingest", "skipped_not_txt", "only .txt files are read", source=rel))
            else:
                files.append({"source": rel, "path": str(full), "size": full.stat().st_size})
    kept = pd.DataFrame(files, columns=FILE_COLUMNS).sort_values("source", ignore_index=True)
    counts["files_listed"] = len(kept)
    return StageResult(kept, quarantine_frame(quarantined), counts)


def read_manifest(root: str | Path) -> StageResult:
    """Read `root/manifest.csv` into one row per document path.

    Problems are reported with stage `manifest` and never stop the run: a row
    for a missing file, a path escaping the root, an unparsable date,
    conflicting duplicate rows, extra columns, a missing manifest.
    """
    root = Path(root)
    path = root / MANIFEST_NAME
    rows: dict[str, dict] = {}
    problems: list[dict] = []
    empty = pd.DataFrame(columns=MANIFEST_COLUMNS)
    if not path.is_file():
        problems.append(quarantine_row("manifest", "manifest_absent",
                                       "no manifest.csv: dates come from the texts", source=MANIFEST_NAME))
        return StageResult(empty, quarantine_frame(problems), Counter(manifest_rows=0))
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(quarantine_row("manifest", "manifest_unreadable", str(exc), source=MANIFEST_NAME))
        return StageResult(empty, quarantine_frame(problems), Counter(manifest_rows=0))
    reader = csv.DictReader(io.StringIO(text))
    fields = reader.fieldnames or []
    missing = [c for c in ("doc",) if c not in fields]
    if missing:
        problems.append(quarantine_row("manifest", "manifest_no_doc_column",
                                       f"columns found: {fields}", source=MANIFEST_NAME))
        return StageResult(empty, quarantine_frame(problems), Counter(manifest_rows=0))
    extra = [c for c in fields if c not in MANIFEST_COLUMNS]
    if extra:
        problems.append(quarantine_row("manifest", "manifest_extra_columns",
                                       f"ignored columns: {', '.join(extra)}", source=MANIFEST_NAME))
    root_resolved = root.resolve()
    for line_no, rec in enumerate(reader, start=2):
        doc = (rec.get("doc") or "").strip().replace("\\", "/")
        where = f"{MANIFEST_NAME}:{line_no}"
        if not doc:
            problems.append(quarantine_row("manifest", "manifest_empty_doc", "row without a doc path", source=where))
            continue
        target = (root / doc).resolve()
        if doc.startswith("/") or not target.is_relative_to(root_resolved):
            problems.append(quarantine_row("manifest", "manifest_path_escapes_root",
                                           f"{doc!r} points outside the input root", source=where))
            continue
        doc = target.relative_to(root_resolved).as_posix()
        if not (root / doc).is_file():
            problems.append(quarantine_row("manifest", "manifest_missing_file",
                                           f"{doc!r} is not in the input", source=where))
            continue
        raw_date = (rec.get("published") or "").strip()
        published = parse_iso_date(raw_date) if raw_date else None
        if raw_date and published is None:
            problems.append(quarantine_row("manifest", "manifest_bad_date",
                                           f"{raw_date!r} is not a YYYY-MM-DD date; ignored", source=where))
        row = {"doc": doc, "published": published,
               "source_url": (rec.get("source_url") or "").strip() or None,
               "title": (rec.get("title") or "").strip() or None}
        if doc in rows:
            if rows[doc] != row:
                problems.append(quarantine_row("manifest", "manifest_conflict",
                                               f"second, different row for {doc!r}; the first is kept",
                                               source=where))
            continue
        rows[doc] = row
    kept = pd.DataFrame(list(rows.values()), columns=MANIFEST_COLUMNS)
    return StageResult(kept, quarantine_frame(problems), Counter(manifest_rows=len(kept)))


def decode_bytes(data: bytes) -> tuple[str | None, str]:
    """Decode file bytes: (text, encoding) or (None, reason code)."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError:
                return None, "undecodable"
    if b"\x00" in data:
        return None, "binary"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # cp1252 only when it plainly is: every byte defined and no C0 controls
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return None, "undecodable"
    if any(ord(c) < 32 and c not in "\r\n\t\f" for c in text):
        return None, "undecodable"
    return text, "cp1252"


def doc_id_for(sha256_hex: str) -> str:
    return sha256_hex[:16]


def read_documents(files: pd.DataFrame, manifest: pd.DataFrame, *, max_bytes: int = MAX_FILE_BYTES,
                   read_bytes=None) -> StageResult:
    """Read and decode a batch of listed files; join their manifest rows.

    `read_bytes(path) -> bytes` is the I/O edge (injectable for tests); an
    OSError from it quarantines the file as `read_error`.
    """
    read_bytes = read_bytes or (lambda p: Path(p).read_bytes())
    meta = {r.doc: r for r in manifest.itertuples(index=False)}
    docs, quarantined = [], []
    counts: Counter = Counter()
    for f in files.itertuples(index=False):
        if f.size > max_bytes:
            quarantined.append(quarantine_row(
                "ingest", "too_large", f"{f.size} bytes > limit of {max_bytes}", source=f.source))
            continue
        try:
            data = read_bytes(f.path)
        except OSError as exc:
            quarantined.append(quarantine_row("ingest", "read_error", f"{type(exc).__name__}: {exc}",
                                              source=f.source))
            continue
        sha = hashlib.sha256(data).hexdigest()
        text, encoding = decode_bytes(data)
        if text is None:
            detail = {"binary": "NUL bytes: not a text file",
                      "undecodable": "neither UTF-8/16 nor plainly cp1252"}[encoding]
            quarantined.append(quarantine_row("ingest", encoding, detail, source=f.source,
                                              doc_id=doc_id_for(sha)))
            continue
        if not text.strip():
            quarantined.append(quarantine_row("ingest", "empty", "no text", source=f.source,
                                              doc_id=doc_id_for(sha)))
            continue
        m = meta.get(f.source)
        published, published_from = (m.published, "manifest") if m is not None and m.published else (None, "none")
        if published is None:
            published = published_from_text(text)
            published_from = "text" if published else "none"
        docs.append({
            "doc_id": doc_id_for(sha), "source": f.source, "published": published,
            "published_from": published_from,
            "source_url": m.source_url if m is not None else None,
            "title": m.title if m is not None else None,
            "sha256": sha, "n_chars": len(text), "encoding": encoding, "text": text,
        })
        counts[f"encoding_{encoding}"] += 1
    counts["documents_read"] = len(docs)
    counts["quarantined"] = len(quarantined)
    return StageResult(pd.DataFrame(docs, columns=DOCUMENT_COLUMNS), quarantine_frame(quarantined), counts)


def split_duplicates(documents: pd.DataFrame, seen: dict[str, str] | None = None) -> StageResult:
    """Keep the first document of each content; quarantine the later copies.

    `seen` maps sha256 to the source already kept (updated in place), so the
    check spans batches.
    """
    seen = {} if seen is None else seen
    keep, quarantined = [], []
    for i, (sha, source, doc_id) in enumerate(zip(documents["sha256"], documents["source"], documents["doc_id"])):
        first = seen.get(sha)
        if first is None or first == source:
            seen[sha] = source
            keep.append(i)
        else:
            quarantined.append(quarantine_row("ingest", "duplicate", f"same content as {first}",
                                              source=source, doc_id=doc_id))
    kept = documents.iloc[keep].reset_index(drop=True)
    return StageResult(kept, quarantine_frame(quarantined), Counter(duplicates=len(quarantined)))
