"""A table-level failure inside a run fails the run and leaves the published folder untouched.

"Untouched" is byte for byte: every file under OUT (but the lock file) hashes the same and
no file or folder is added, so a failed run adds no runs/ or quarantine/ file, no report
and no staging folder.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from tests.validation.conftest import ROOT, SEEDS, bad_metric_rows, copy_out, tree_digest

pytestmark = pytest.mark.slow


def _duplicate_fact_key(good):
    """A second row for a real fact under another fact_id: the fact key repeats."""
    row = good.iloc[0].to_dict()
    return [{**row, "fact_id": "dup-" + row["fact_id"]}]


def _mostly_bad(good):
    """Shares of 140 (each a distinct fact): more than half the table's rows are bad."""
    share = bad_metric_rows(good)["metrics.share_in_0_100"]
    return [{**share, "fact_id": f"bad-share-{i}", "value": 140.0 + i} for i in range(3 * len(good) + 1)]


GATE_FAILURES = {
    "duplicate_fact_key": (_duplicate_fact_key, "metrics.fact_key_unique"),
    "too_many_bad_rows": (_mostly_bad, "too_many_bad_rows"),
}


@pytest.mark.parametrize("failure", sorted(GATE_FAILURES))
def test_table_level_failure_fails_the_run_and_publishes_nothing(failure, seeds_run, run_flow, inject_metrics,
                                                                   tmp_path):
    from flows.pipeline import QualityGateFailed

    make_rows, expected = GATE_FAILURES[failure]
    published, _ = seeds_run
    out = copy_out(published, tmp_path / "out")
    before = tree_digest(out)
    assert any(k.startswith("runs/") for k in before) and any(k.startswith("reports/") for k in before)

    injected = inject_metrics(make_rows)
    # full refresh: every document is extracted again
    state = run_flow(SEEDS, out, full_refresh=True, return_state=True)
    assert injected, "nothing was injected"
    assert state.is_failed(), state
    error = state.result(raise_on_failure=False)
    assert isinstance(error, QualityGateFailed), error
    assert expected in str(error) and "nothing published" in str(error)
    assert tree_digest(out) == before


_DRIVER = textwrap.dedent("""\
    # `tradeclaims run` with a faulty extractor: each batch's metrics get a second row for
    # their first fact under another fact_id. The patch is made at import time, so a task
    # runner's worker processes (which import this module again when spawned) have it too.
    import sys

    sys.path.insert(0, {root!r})

    import pandas as pd

    import flows.pipeline as pipeline

    _real = pipeline.process_batch


    def _process_batch(*args, **kwargs):
        output = _real(*args, **kwargs)
        if len(output.metrics):
            dup = output.metrics.iloc[[0]].assign(fact_id="dup-" + output.metrics["fact_id"].iloc[0])
            output.metrics = pd.concat([output.metrics, dup], ignore_index=True)
        return output


    pipeline.process_batch = _process_batch

    if __name__ == "__main__":
        from flows.cli import main

        sys.exit(main(sys.argv[1:]))
""")


def test_cli_exits_1_and_leaves_the_output_byte_identical(seeds_run, cli_env, tmp_path):
    published, _ = seeds_run
    out = copy_out(published, tmp_path / "out")
    before = tree_digest(out)
    driver = tmp_path / "faulty_extractor.py"
    driver.write_text(_DRIVER.format(root=str(ROOT)), encoding="utf-8")

    proc = subprocess.run([sys.executable, str(driver), "run", "--input", str(SEEDS), "--out", str(out),
                           "--full-refresh"], cwd=ROOT, env=cli_env, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 1, proc.stderr[-4000:]
    for text in ("metrics.fact_key_unique", "nothing published"):
        assert text in proc.stderr, proc.stderr[-4000:]
    assert proc.stdout == ""
    assert tree_digest(out) == before
