"""Great Expectations validation of the output tables.

* `expectations.build_suites`: every expectation, in code; writes `suites/<table>.json`.
* `expectations.runner`: `validate_table`, `validate_directory` (row- and table-level outcomes).
* `expectations.report`: `render_report`, an offline single-file HTML report.

Names are re-exported lazily, so `import expectations` stays cheap (great_expectations
itself is imported only when a validation runs).
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ExpectationOutcome",
    "TableValidation",
    "render_report",
    "validate_directory",
    "validate_table",
]

_HOMES = {
    "ExpectationOutcome": "expectations.runner",
    "TableValidation": "expectations.runner",
    "validate_table": "expectations.runner",
    "validate_directory": "expectations.runner",
    "render_report": "expectations.report",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        import importlib

        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'expectations' has no attribute {name!r}")
