"""The committed suite JSON is what the builder produces, and GX loads all of it."""

from __future__ import annotations

import json

import pytest

from expectations import build_suites
from expectations.build_suites import LEVELS, SUITE_VERSIONS, SUITES_DIR, render_suite_json, suite_dict
from expectations.runner import load_suite, load_suite_json
from stages.schemas import TABLES


@pytest.mark.parametrize("table", sorted(TABLES))
def test_committed_json_equals_builder(table: str) -> None:
    committed = (SUITES_DIR / f"{table}.json").read_text(encoding="utf-8")
    built = render_suite_json(suite_dict(table))
    assert committed == built, f"suites/{table}.json is stale: run `python -m expectations.build_suites`"


@pytest.mark.parametrize("table", sorted(TABLES))
def test_loading_keeps_every_expectation(table: str) -> None:
    raw = load_suite_json(table)
    suite = load_suite(table)
    assert len(suite.expectations) == len(raw["expectations"]) > 0
    assert suite.meta["suite_version"] == SUITE_VERSIONS[table]


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_expectation_has_a_unique_name_and_a_level(table: str) -> None:
    metas = [e["meta"] for e in load_suite_json(table)["expectations"]]
    names = [m["name"] for m in metas]
    assert len(names) == len(set(names))
    assert all(name.startswith(f"{table}.") for name in names)
    assert {m["level"] for m in metas} <= set(LEVELS)
    assert f"{table}.columns_present" in names


def test_a_misspelled_expectation_type_is_caught(tmp_path) -> None:
    raw = load_suite_json("metrics")
    raw["expectations"][3]["type"] = "expect_column_values_to_be_in_sett"
    (tmp_path / "metrics.json").write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(ValueError, match="misspelled"):
        load_suite("metrics", suites_dir=tmp_path)


def test_check_mode_reports_stale_files(tmp_path) -> None:
    build_suites.write_suites(tmp_path)
    assert build_suites.main(["--check", "--dir", str(tmp_path)]) == 0
    (tmp_path / "runs.json").write_text("{}", encoding="utf-8")
    assert build_suites.stale_suites(tmp_path) == ["runs"]
    assert build_suites.main(["--check", "--dir", str(tmp_path)]) == 1
