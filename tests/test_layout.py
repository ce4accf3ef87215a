"""stages/ stays pure: no Prefect, no Great Expectations."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = ("prefect", "great_expectations")


@pytest.mark.parametrize("path", sorted((ROOT / "stages").rglob("*.py")), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_stage_module_imports_no_orchestration_or_gx(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            imported.append(node.module)
    bad = [m for m in imported if m.split(".")[0] in FORBIDDEN]
    assert not bad, f"{path} imports {bad}"


def test_layout_has_the_designed_top_level():
    for name in ("pyproject.toml", "flows", "stages", "expectations", "tests", "seeds", "README.md", ".ci/run",
                 "requirements.lock"):
        assert (ROOT / name).exists(), name
