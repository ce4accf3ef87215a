"""The run summary as Prefect artifacts: what a person sees of a run in the UI.

`summary_markdown` and `stage_count_rows` are plain functions of the summary
dict the flow returns; `publish_summary_artifacts` sends them to the API from
inside the flow run (the artifacts belong to that run, and keyed artifacts
keep a version per run under the deployment).
"""

from __future__ import annotations

import json

SUMMARY_KEY = "tradeclaims-run-summary"
STAGE_COUNTS_KEY = "tradeclaims-stage-counts"
HEADLINE = (("files_seen", "files seen"), ("documents_new", "documents new"),
            ("documents_skipped", "documents skipped (already published)"), ("duplicates", "duplicate files"),
            ("files_skipped", "files not read"), ("quarantined", "rows quarantined"),
            ("sentences", "sentences"), ("facts_written", "facts written"),
            ("mentions_written", "mentions written"))


def _cell(value) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _table(header: tuple[str, str], rows: list[tuple]) -> list[str]:
    lines = [f"| {header[0]} | {header[1]} |", "|---|---:|"]
    lines += [f"| {_cell(k)} | {_cell(v)} |" for k, v in rows]
    return lines


def stage_counts(summary: dict) -> dict[str, int]:
    raw = summary.get("counts_json") or "{}"
    return json.loads(raw) if isinstance(raw, str) else dict(raw)


def stage_count_rows(summary: dict) -> list[dict]:
    """Every stage's counts as table rows (`stage` is the counter's prefix)."""
    rows = []
    for name, value in sorted(stage_counts(summary).items()):
        stage = name.split("_", 1)[0]
        rows.append({"stage": stage, "count": name, "value": int(value)})
    return rows


def summary_markdown(summary: dict) -> str:
    """The run in Markdown: headline counts, counts per stage, quarantine reasons, facts per measure."""
    lines = [f"# tradeclaims run {summary.get('run_id', '')}", "",
             f"`{_cell(summary.get('input', ''))}` → `{_cell(summary.get('output', ''))}`, "
             f"validation **{summary.get('validation', '?')}**", ""]
    lines += _table(("count", "value"), [(label, summary.get(key, 0)) for key, label in HEADLINE])
    counts = stage_counts(summary)
    if counts:
        lines += ["", "## Counts per stage", ""] + _table(("counter", "value"), sorted(counts.items()))
    reasons = summary.get("quarantine_reasons") or {}
    lines += ["", "## Quarantine reasons", ""]
    lines += (_table(("reason", "rows"), sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0])))
              if reasons else ["none"])
    measures = summary.get("facts_by_measure") or {}
    lines += ["", "## Facts per measure (published snapshot)", ""]
    lines += _table(("measure", "facts"), sorted(measures.items())) if measures else ["none"]
    published = summary.get("published")
    if published is not None:
        lines += ["", "Tables written: " + (", ".join(published) or "none")]
    if summary.get("report"):
        lines += [f"Validation report: `{_cell(summary['report'])}`"]
    return "\n".join(lines) + "\n"


def publish_summary_artifacts(summary: dict) -> None:
    """Create the run's summary artifacts (call from inside the flow run)."""
    from prefect.artifacts import create_markdown_artifact, create_table_artifact

    create_markdown_artifact(key=SUMMARY_KEY, markdown=summary_markdown(summary),
                             description=f"tradeclaims run {summary.get('run_id', '')}: counts and outcomes")
    rows = stage_count_rows(summary)
    if rows:
        create_table_artifact(key=STAGE_COUNTS_KEY, table=rows,
                              description="tradeclaims: every stage's counts for this run")
