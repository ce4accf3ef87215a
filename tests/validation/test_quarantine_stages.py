"""The quarantine `stage` values: what the code writes, what the suite allows, what the schema says."""

from __future__ import annotations

import ast
from pathlib import Path

from expectations.build_suites import QUARANTINE_STAGES
from expectations.runner import load_suite_json
from stages.schemas import QUARANTINE

ROOT = Path(__file__).resolve().parents[2]


def _written_stages() -> dict[str, list[str]]:
    """Every stage the code writes: `quarantine_row("<stage>", ...)` calls and
    `{"stage": "<stage>", "reason": ...}` row dicts in stages/ and flows/ -> where each is written."""
    found: dict[str, list[str]] = {}
    for path in sorted([*(ROOT / "stages").rglob("*.py"), *(ROOT / "flows").rglob("*.py")]):
        where = path.relative_to(ROOT).as_posix()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            values = []
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == \
                    "quarantine_row" and node.args:
                values.append(node.args[0])
            elif isinstance(node, ast.Dict):
                fields = {k.value: v for k, v in zip(node.keys, node.values) if isinstance(k, ast.Constant)}
                # a quarantine row (not any dict with a "stage"), other than quarantine_row's own
                if {"stage", "reason"} <= set(fields) and not isinstance(fields["stage"], ast.Name):
                    values.append(fields["stage"])
            for value in values:
                assert isinstance(value, ast.Constant), f"{where}:{node.lineno}: stage is not a literal"
                found.setdefault(value.value, []).append(f"{where}:{node.lineno}")
    return found


def test_every_stage_the_code_writes_is_allowed_by_the_suite():
    written = _written_stages()
    assert {"manifest", "ingest", "extract", "validate"} <= set(written), written
    unknown = {stage: where for stage, where in written.items() if stage not in QUARANTINE_STAGES}
    assert not unknown, unknown


def test_committed_suite_and_schema_doc_list_the_same_stages():
    suite = load_suite_json("quarantine")
    (stage_in_set,) = [e for e in suite["expectations"] if e["meta"]["name"] == "quarantine.stage_in_set"]
    assert stage_in_set["kwargs"]["value_set"] == list(QUARANTINE_STAGES)
    doc = QUARANTINE.field("stage").metadata[b"description"].decode()
    assert doc.split(" | ") == list(QUARANTINE_STAGES)
