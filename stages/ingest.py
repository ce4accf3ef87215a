"""Ingest: list input files, read and decode them, join the manifest.

Every file under the input root ends up either as a document row or as a
quarantine row with a stable reason code; nothing is skipped silently.
"""

from __future__ import annotations

import codecs
import csv
import errno
import hashlib
import os
import stat
import time
from collections import Counter
from pathlib import Path

import pandas as pd

from .base import StageResult, quarantine_frame, quarantine_row
from .dates import parse_iso_date, published_from_text

MANIFEST_NAME = "manifest.csv"
MANIFEST_COLUMNS = ["doc", "published", "source_url", "title"]
# Far above any news text (the seeds are 3-9 KB, a long feature ~100 KB);
# larger files are quarantined unread, and no read takes more than this plus
# one byte, so one stray dump can neither exhaust memory nor hold up a batch
# (extraction time grows linearly with a text's length, see clean.py).
MAX_FILE_BYTES = 1024 * 1024
# Reads that fail with these may succeed when tried again (a flaky network
# share); they are retried with a doubling pause, the others are not.
TRANSIENT_ERRNOS = frozenset({errno.EIO, errno.EAGAIN, errno.EINTR, errno.ETIMEDOUT, errno.EBUSY})
READ_ATTEMPTS = 3
READ_BACKOFF_S = 0.2
# cp1252 is taken only for text that is mostly ASCII, as Western European
# prose is; text in another single-byte code page (Cyrillic, Greek) decodes
# as cp1252 too, but into mostly accented letters.
CP1252_MAX_NON_ASCII = 0.25


class InputUnusable(RuntimeError):
    """The input root as a whole cannot be read (not a folder, not listable)."""


class TransientReadError(OSError):
    """A read error that may go away when the read is tried again."""

FILE_COLUMNS = ["source", "path", "size"]
DOCUMENT_COLUMNS = [
    "doc_id", "source", "published", "published_from", "source_url", "title",
    "sha256", "n_chars", "encoding", "text",
]


def printable_path(rel: str) -> str:
    """A relative path as text: bytes of a name that are not UTF-8 (kept by
    the OS as surrogate escapes) are shown as \\xNN, so a table can store it."""
    return os.fsencode(rel).decode("utf-8", "backslashreplace")


def _link_target(path: str) -> str:
    try:
        return printable_path(os.readlink(path))
    except OSError as exc:
        return f"? ({exc.strerror})"


def list_input_files(root: str | Path) -> StageResult:
    """Walk `root` (links never followed) and list the `.txt` files to read.

    Returns kept rows (source, path, size) sorted by source. Every other entry
    is quarantined: links, hidden entries (a hidden folder as one entry),
    entries that are not regular files, and files that are not `.txt` with a
    `skipped_*` reason; an entry or folder that cannot be read as `read_error`.
    Raises InputUnusable when `root` itself cannot be listed.
    """
    root = Path(root)
    if not root.is_dir():
        raise InputUnusable(f"input {str(root)!r} is not a folder")
    files, quarantined = [], []
    counts: Counter = Counter()

    def skip(reason: str, detail: str, rel: str) -> None:
        counts["skipped"] += 1
        quarantined.append(quarantine_row("ingest", reason, detail, source=printable_path(rel)))

    # depth first with a stack of its own, not os.walk: that one recurses once
    # per level, and a folder nested a thousand deep would overflow it. Paths
    # as strings (a folder's path, its path relative to the root): a Path object
    # per entry was most of the time a 100k-file listing took.
    stack = [(str(root), "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError as exc:
            if not prefix:
                raise InputUnusable(f"input {str(root)!r} cannot be listed: {exc.strerror}") from exc
            counts["files_seen"] += 1
            counts["unreadable"] += 1
            quarantined.append(quarantine_row("ingest", "read_error", f"folder not listable: {exc.strerror}",
                                              source=printable_path(prefix)))
            continue
        subfolders = []
        for entry in entries:
            full = entry.path
            name = entry.name
            rel = prefix + name
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError as exc:
                counts["files_seen"] += 1
                counts["unreadable"] += 1
                quarantined.append(quarantine_row("ingest", "read_error", f"{type(exc).__name__}: {exc.strerror}",
                                                  source=printable_path(rel)))
                continue
            is_folder = stat.S_ISDIR(info.st_mode)  # (a link to a folder is a link: not followed)
            if is_folder and not name.startswith("."):
                subfolders.append((full, rel + "/"))
                continue
            if rel == MANIFEST_NAME:
                continue  # the manifest: read by read_manifest, not an input text
            counts["files_seen"] += 1  # a hidden folder counts as one entry
            if stat.S_ISLNK(info.st_mode):
                kind = "folder link" if os.path.isdir(full) else "link"
                skip("skipped_symlink", f"{kind} to {_link_target(full)} not followed", rel)
            elif name.startswith("."):
                skip("skipped_hidden", "hidden folder not read" if is_folder else "hidden file not read",
                     rel + "/" if is_folder else rel)
            elif not stat.S_ISREG(info.st_mode):
                skip("skipped_not_regular", "not a regular file (a pipe, socket or device)", rel)
            elif not name.lower().endswith(".txt"):
                skip("skipped_not_txt", "only .txt files are read", rel)
            else:
                # the path as bytes: a name that is not UTF-8 cannot live in a str column
                files.append((printable_path(rel), os.fsencode(full), info.st_size))  # FILE_COLUMNS
        stack.extend(reversed(subfolders))
    kept = pd.DataFrame(files, columns=FILE_COLUMNS).sort_values("source", ignore_index=True)
    counts["files_listed"] = len(kept)
    return StageResult(kept, quarantine_frame(quarantined), counts)


def read_manifest(root: str | Path, listed: set[str] | frozenset[str] = frozenset()) -> StageResult:
    """Read `root/manifest.csv` into one row per document path.

    Problems are reported with stage `manifest` and never stop the run: a row
    for a missing file, a path escaping the root, an unparsable date,
    conflicting duplicate rows, extra columns, a missing manifest.
    `listed`: the sources list_input_files found, if known. Those are regular
    files reached without following a link, so a row naming one of them
    plainly (no "..") needs no path resolution and no `stat` (two system
    calls a row, most of the time a 100k-row manifest takes).
    """
    root = Path(root)
    path = root / MANIFEST_NAME
    rows: dict[str, tuple] = {}
    problems: list[dict] = []
    empty = pd.DataFrame(columns=MANIFEST_COLUMNS)
    if path.is_symlink():
        problems.append(quarantine_row("manifest", "manifest_unreadable", "manifest.csv is a link: not followed",
                                       source=MANIFEST_NAME))
        return StageResult(empty, quarantine_frame(problems), Counter(manifest_rows=0))
    if not path.is_file():
        problems.append(quarantine_row("manifest", "manifest_absent",
                                       "no manifest.csv: dates come from the texts", source=MANIFEST_NAME))
        return StageResult(empty, quarantine_frame(problems), Counter(manifest_rows=0))
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        problems.append(quarantine_row("manifest", "manifest_unreadable", str(exc), source=MANIFEST_NAME))
        return StageResult(empty, quarantine_frame(problems), Counter(manifest_rows=0))
    reader = csv.DictReader(_lines_of(text))
    try:
        fields = reader.fieldnames or []
    except csv.Error as exc:
        problems.append(quarantine_row("manifest", "manifest_unreadable", f"header: {exc}", source=MANIFEST_NAME))
        return StageResult(empty, quarantine_frame(problems), Counter(manifest_rows=0))
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
    for line_no, rec in _csv_rows(reader, problems):
        doc = (rec.get("doc") or "").strip().replace("\\", "/")
        where = f"{MANIFEST_NAME}:{line_no}"
        if not doc:
            problems.append(quarantine_row("manifest", "manifest_empty_doc", "row without a doc path", source=where))
            continue
        lexical = os.path.normpath(doc)
        if lexical in listed and not doc.startswith("/") and ".." not in doc.split("/"):
            _add_manifest_row(rows, problems, Path(lexical).as_posix(), rec, where)
            continue
        try:
            target = (root / doc).resolve()
        except (OSError, ValueError) as exc:  # a NUL byte, a link loop
            problems.append(quarantine_row("manifest", "manifest_bad_path", f"{doc!r}: {exc}", source=where))
            continue
        # the row names the file by its own path (a link is not resolved into
        # another file's row); it must stay inside the root both as written
        # and once links are followed
        if (doc.startswith("/") or lexical == ".." or lexical.startswith("../")
                or not target.is_relative_to(root_resolved)):
            problems.append(quarantine_row("manifest", "manifest_path_escapes_root",
                                           f"{doc!r} points outside the input root", source=where))
            continue
        doc = Path(lexical).as_posix()
        if not (root / doc).is_file():
            problems.append(quarantine_row("manifest", "manifest_missing_file",
                                           f"{doc!r} is not in the input", source=where))
            continue
        _add_manifest_row(rows, problems, doc, rec, where)
    kept = pd.DataFrame(list(rows.values()), columns=MANIFEST_COLUMNS)
    return StageResult(kept, quarantine_frame(problems), Counter(manifest_rows=len(kept)))


def _add_manifest_row(rows: dict[str, tuple], problems: list[dict], doc: str, rec: dict, where: str) -> None:
    """Keep the manifest row `rec` for the input file `doc` (the first row of a doc wins)."""
    raw_date = (rec.get("published") or "").strip()
    published = parse_iso_date(raw_date) if raw_date else None
    if raw_date and published is None:
        problems.append(quarantine_row("manifest", "manifest_bad_date",
                                       f"{raw_date!r} is not a YYYY-MM-DD date; ignored", source=where))
    # a tuple in MANIFEST_COLUMNS order (a dict per row took twice the memory of 100k rows)
    row = (doc, published, (rec.get("source_url") or "").strip() or None, (rec.get("title") or "").strip() or None)
    if doc in rows:
        if rows[doc] != row:
            problems.append(quarantine_row("manifest", "manifest_conflict",
                                           f"second, different row for {doc!r}; the first is kept", source=where))
        return
    rows[doc] = row


def _lines_of(text: str):
    """The lines of `text`, each with its line feed, as iterating io.StringIO(text) gives
    them, one at a time (StringIO keeps a copy of the text at 4 bytes a character)."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start:end + 1]
        start = end + 1


def _csv_rows(reader: csv.DictReader, problems: list[dict]):
    """(line number, row) of each record; a malformed record (a field over the
    csv module's size limit) ends the manifest there, reported."""
    while True:
        try:
            rec = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            problems.append(quarantine_row("manifest", "manifest_unreadable",
                                           f"rows from here on ignored: {exc}",
                                           source=f"{MANIFEST_NAME}:{reader.line_num}"))
            return
        yield reader.line_num, rec


def decode_bytes(data: bytes) -> tuple[str | None, str]:
    """Decode file bytes: (text, encoding) or (None, reason code)."""
    # UTF-32 first: its little-endian BOM begins with UTF-16's
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"),
                     (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                text = data.decode(enc)
            except UnicodeDecodeError:
                return None, "undecodable"
            return (None, "binary") if "\x00" in text else (text, enc)
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
    if sum(1 for c in text if ord(c) > 127) > CP1252_MAX_NON_ASCII * len(text.replace(" ", "")):
        return None, "undecodable"
    return text, "cp1252"


def doc_id_for(sha256_hex: str) -> str:
    return sha256_hex[:16]


def read_file_bytes(path: str | bytes, limit: int = MAX_FILE_BYTES) -> bytes:
    """At most `limit` + 1 bytes of a regular file (one more than the limit
    tells that it is too large). Links are not followed and a pipe is not
    waited on, even when one replaced the file since it was listed."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", path)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            return fh.read(limit + 1)
    finally:
        os.close(fd)


def is_transient(exc: OSError) -> bool:
    return isinstance(exc, TransientReadError) or exc.errno in TRANSIENT_ERRNOS


def read_with_retry(read_bytes, path: str | bytes, attempts: int = READ_ATTEMPTS, backoff_s: float = READ_BACKOFF_S,
                    sleep=time.sleep) -> tuple[bytes, int]:
    """(bytes, attempts made): a transient OSError is retried after a pause
    that doubles each time; a permanent one, or the last, is raised."""
    for attempt in range(1, attempts + 1):
        try:
            return read_bytes(path), attempt
        except OSError as exc:
            if attempt == attempts or not is_transient(exc):
                exc.attempts = attempt
                raise
        sleep(backoff_s * 2 ** (attempt - 1))
    raise AssertionError("unreachable")


def read_documents(files: pd.DataFrame, manifest: pd.DataFrame, *, max_bytes: int = MAX_FILE_BYTES,
                   read_bytes=None, sleep=time.sleep) -> StageResult:
    """Read and decode a batch of listed files; join their manifest rows.

    `read_bytes(path) -> bytes` is the I/O edge (injectable for tests, as is
    `sleep`, the pause between attempts). A transient OSError is retried
    (`read_with_retry`); one that persists, or any other, quarantines the
    file as `read_error`.
    """
    read_bytes = read_bytes or (lambda p: read_file_bytes(p, max_bytes))
    meta = {r.doc: r for r in manifest.itertuples(index=False)}
    docs, quarantined = [], []
    counts: Counter = Counter()
    for f in files.itertuples(index=False):
        if f.size > max_bytes:
            quarantined.append(quarantine_row(
                "ingest", "too_large", f"{f.size} bytes > limit of {max_bytes}", source=f.source))
            continue
        try:
            data, attempts = read_with_retry(read_bytes, f.path, sleep=sleep)
        except OSError as exc:
            tries = getattr(exc, "attempts", 1)
            quarantined.append(quarantine_row(
                "ingest", "read_error",
                f"{type(exc).__name__}: {exc}" + (f" (after {tries} attempts)" if tries > 1 else ""),
                source=f.source))
            counts["read_retries"] += tries - 1
            continue
        counts["read_retries"] += attempts - 1
        if len(data) > max_bytes:  # grew since it was listed
            quarantined.append(quarantine_row(
                "ingest", "too_large", f"over {max_bytes} bytes when read (limit)", source=f.source))
            continue
        sha = hashlib.sha256(data).hexdigest()
        text, encoding = decode_bytes(data)
        if text is None:
            detail = {"binary": "NUL bytes: not a text file",
                      "undecodable": "neither UTF-8/16/32 nor plainly cp1252"}[encoding]
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
