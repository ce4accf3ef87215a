"""Accounting: what became of every input file of a run.

Each entry under the input root ends in exactly one of four places, and the
runs table records how many went where, so that

    files_seen = files_documents + files_quarantined + duplicates + files_skipped

- documents: a row of the published `documents` table (new, or already
  published with the same content);
- duplicates: same content as another file (a `duplicate` quarantine row);
- skipped: never read (a `skipped_*` quarantine row: links, hidden entries,
  not a regular file, not `.txt`);
- quarantined: read, or tried, and rejected (ingest, extract or validate).

A listed file found in none of these would be lost without a trace; it gets
a quarantine row of its own (`unaccounted`) so that it never is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pandas as pd

from .base import quarantine_frame, quarantine_row

SKIPPED_PREFIX = "skipped_"
DUPLICATE = "duplicate"
UNACCOUNTED = "unaccounted"


@dataclass(frozen=True)
class FileFates:
    files_documents: int
    files_quarantined: int
    duplicates: int
    files_skipped: int
    unaccounted: pd.DataFrame  # quarantine rows for listed files found nowhere (empty unless a bug)

    @property
    def total(self) -> int:
        return self.files_documents + self.files_quarantined + self.duplicates + self.files_skipped


def _row_source(stage: str, source, record) -> str | None:
    """The input file a quarantine row is about; a validate row of the
    documents table carries it in its record."""
    if stage == "validate":
        if source != "documents" or not isinstance(record, str):
            return None
        try:
            return json.loads(record).get("source")
        except (ValueError, AttributeError):
            return None
    return source


def file_fates(listed: pd.Series, quarantine: pd.DataFrame, documents: pd.DataFrame) -> FileFates:
    """Count where the run's input files went.

    `listed`: sources of the files the listing kept to read; `quarantine`: the
    run's quarantine rows; `documents`: the documents table to be published.
    Entries the listing itself quarantined (skipped, or unreadable before
    they could be listed) are counted from their rows.
    """
    listed_set = set(listed)
    documents_set = listed_set & set(documents["source"])
    duplicates, skipped, rejected = set(), 0, set()
    listing_errors = 0
    for stage, source, reason, record in zip(quarantine["stage"], quarantine["source"], quarantine["reason"],
                                             quarantine["record"]):
        if stage == "manifest":
            continue  # about manifest rows, not files
        if reason.startswith(SKIPPED_PREFIX):
            skipped += 1
            continue
        file = _row_source(stage, source, record)
        if file is None:
            continue  # a metrics or mentions row: the file is still a document
        if file not in listed_set:
            if stage == "ingest":
                listing_errors += 1  # unreadable before it could be listed (a folder, a vanished file)
            continue  # else: a published document of an earlier run, not an input of this one
        if reason == DUPLICATE:
            duplicates.add(file)
        elif file not in documents_set:
            rejected.add(file)
    duplicates -= documents_set
    rejected -= duplicates
    lost = sorted(listed_set - documents_set - duplicates - rejected)
    unaccounted = quarantine_frame([
        quarantine_row("ingest", UNACCOUNTED, "listed but neither a document nor quarantined: a bug, "
                                              "please report it", source=s) for s in lost])
    return FileFates(len(documents_set), len(rejected) + listing_errors + len(lost), len(duplicates), skipped,
                     unaccounted)
