"""The consumer contract: one explicit Arrow schema per output table.

Every write goes through these schemas, so an all-null batch never becomes an
Arrow `null` column and a later file never silently drops a column. README.md
documents each column; change both together, additively only.
"""

from __future__ import annotations

import pyarrow as pa

SCHEMA_VERSION = "1"

TS = pa.timestamp("us", tz="UTC")


def _f(name: str, typ: pa.DataType, nullable: bool = False, doc: str = "") -> pa.Field:
    return pa.field(name, typ, nullable=nullable, metadata={"description": doc} if doc else None)


DOCUMENTS = pa.schema(
    [
        _f("doc_id", pa.string(), doc="stable id: first 16 hex digits of the content's sha256"),
        _f("source", pa.string(), doc="path of the input file relative to the input root"),
        _f("published", pa.date32(), True, "publication date"),
        _f("published_from", pa.string(), doc="origin of `published`: manifest / text / none"),
        _f("source_url", pa.string(), True),
        _f("title", pa.string(), True),
        _f("sha256", pa.string(), doc="sha256 of the file's bytes"),
        _f("n_chars", pa.int64(), doc="characters in the decoded raw text"),
        _f("encoding", pa.string(), doc="how the bytes were decoded"),
        _f("run_id", pa.string(), doc="run that processed this document"),
    ]
)

METRICS = pa.schema(
    [
        _f("fact_id", pa.string(), doc="stable id of the fact within its document"),
        _f("doc_id", pa.string()),
        _f("measure", pa.string(), doc="value | growth | share | volume"),
        _f("status", pa.string(), doc="actual | target | forecast (first reading)"),
        _f("statuses", pa.list_(pa.string()), doc="every reading of the status, e.g. [target, forecast]"),
        _f("flow", pa.string(), doc="total | export | import"),
        _f("value", pa.float64(), doc="amount in `unit`"),
        _f("unit", pa.string(), doc="ISO 4217 code, percent, t, m3 or bbl"),
        _f("qualifier", pa.string(), doc="exact | approx | over | under"),
        _f("period", pa.string(), True, "YYYY, YYYY-MM or YYYY-MM/YYYY-MM"),
        _f("reporter", pa.string(), doc="ISO 3166 alpha-3 (or WLD/EUU)"),
        _f("partner", pa.string(), doc="ISO 3166 alpha-3 (or WLD/EUU)"),
        _f("commodity", pa.string(), True, "lower-case commodity, null for all goods"),
        _f("quote", pa.string(), doc="exact substring of the raw text: the first mention"),
        _f("n_mentions", pa.int64(), doc="how many mentions state this fact"),
        _f("run_id", pa.string()),
    ]
)

MENTIONS = pa.schema(
    [
        _f("fact_id", pa.string()),
        _f("doc_id", pa.string()),
        _f("sentence", pa.string(), doc="the sentence as it stands in the raw text"),
        _f("char_start", pa.int64(), doc="raw[char_start:char_end] is the mention"),
        _f("char_end", pa.int64()),
        _f("run_id", pa.string()),
    ]
)

QUARANTINE = pa.schema(
    [
        _f("run_id", pa.string()),
        _f("stage", pa.string(), doc="manifest | ingest | clean | extract | validate | publish"),
        _f("source", pa.string(), True, "input path relative to the root, or the table name"),
        _f("doc_id", pa.string(), True),
        _f("reason", pa.string(), doc="short stable code"),
        _f("detail", pa.string(), True, "readable explanation"),
        _f("record", pa.string(), True, "the rejected row as JSON, for replay"),
    ]
)

RUNS = pa.schema(
    [
        _f("run_id", pa.string()),
        _f("started_at", TS),
        _f("finished_at", TS),
        _f("input", pa.string()),
        _f("output", pa.string()),
        _f("files_seen", pa.int64()),
        _f("documents_new", pa.int64(), doc="documents processed in this run"),
        _f("documents_skipped", pa.int64(), doc="already processed with the same content"),
        _f("duplicates", pa.int64(), doc="files whose content equals another file's"),
        _f("files_skipped", pa.int64(), doc="files not read (links, hidden, not regular, not .txt)"),
        _f("quarantined", pa.int64(), doc="quarantine rows written in this run"),
        _f("sentences", pa.int64()),
        _f("facts_written", pa.int64()),
        _f("mentions_written", pa.int64()),
        _f("validation", pa.string(), doc="passed | failed"),
        _f("counts_json", pa.string(), doc="every stage's counts as JSON"),
        # files_seen = files_documents + files_quarantined + duplicates + files_skipped
        # (null in runs recorded before these columns existed)
        _f("files_documents", pa.int64(), True, "input files that are a published document"),
        _f("files_quarantined", pa.int64(), True, "input files read, or tried, and rejected"),
    ]
)

RECONCILIATION = pa.schema(
    [
        _f("fact_id", pa.string()),
        _f("doc_id", pa.string()),
        _f("measure", pa.string(), doc="the fact's measure"),
        _f("qualifier", pa.string(), doc="exact | approx | over | under: sets the tolerance band"),
        _f("period", pa.string(), True, "the fact's period"),
        _f("claimed_value", pa.float64(), doc="the fact's value, in `unit`"),
        _f("unit", pa.string(), doc="the fact's unit (percent for growth)"),
        _f("year", pa.int64(), True, "calendar year compared; null when nothing was looked up"),
        _f("reference_value", pa.float64(), True, "reference figure for `year` (growth: % change on year-1)"),
        _f("ratio", pa.float64(), True, "claimed / reference as levels (growth: of 1 + rate/100)"),
        _f("verdict", pa.string(),
           doc="consistent | inconsistent | matches_other_year | no_reference | not_comparable"),
        _f("other_year", pa.int64(), True, "the year whose figure the claim matches (matches_other_year)"),
        _f("other_value", pa.float64(), True, "that year's reference figure"),
        _f("source", pa.string(), True, "publisher and series of the reference figures used"),
        _f("reason", pa.string(), doc="why this verdict, briefly"),
        _f("quote", pa.string(), doc="the fact's evidence: its first mention"),
        _f("run_id", pa.string(), doc="run that processed the document"),
    ]
)

TABLES: dict[str, pa.Schema] = {
    "documents": DOCUMENTS,
    "metrics": METRICS,
    "mentions": MENTIONS,
    "quarantine": QUARANTINE,
    "runs": RUNS,
    "reconciliation": RECONCILIATION,
}

# Inputs validated with a suite but never written to OUT.
REFERENCE = pa.schema(
    [
        _f("reporter", pa.string(), doc="ISO 3166 alpha-3 of the publisher's country (total: pair in order)"),
        _f("partner", pa.string(), doc="ISO 3166 alpha-3 (or WLD)"),
        _f("flow", pa.string(), doc="total | export | import"),
        _f("year", pa.int64(), doc="calendar year"),
        _f("value", pa.float64(), doc="the amount as published"),
        _f("unit", pa.string(), doc="ISO 4217 currency code"),
        _f("source", pa.string(), doc="publisher and series"),
    ]
)

INPUT_TABLES: dict[str, pa.Schema] = {"reference": REFERENCE}
