"""Reference statistics: official annual trade figures that claims are checked against.

A reference folder holds one or more `*.csv` files with the columns of
`schemas.REFERENCE` (reporter, partner, flow, year, value, unit, source); all
files are read as one table, so another pair or year is one more row (or file).
The copy shipped with the package is `stages/reference/` (see its README.md).

Reading is the only I/O here; `reference_check_columns` is the pure helper the
`reference` expectation suite validates, like the metrics suite's helpers.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .schemas import REFERENCE

DEFAULT_REFERENCE_DIR = Path(__file__).resolve().parent / "reference"

# Exports plus imports must equal the total within this share of the total: the
# three figures are rounded (and sometimes revised) separately.
TOTAL_PARTS_TOLERANCE = 0.005

_INT_COLUMNS = ("year",)
_FLOAT_COLUMNS = ("value",)


class ReferenceUnreadable(ValueError):
    """The reference folder is missing, holds no CSV file, or a file is not CSV."""


def read_reference(folder: str | Path | None = None) -> pd.DataFrame:
    """Every `*.csv` under `folder` (default: the embedded copy) as one table.

    Columns the schema knows are typed (a year or value that is not a number
    becomes null, which the suite reports); other columns are dropped; a missing
    column stays missing, so the suite's columns_present check names it.
    """
    folder = Path(folder) if folder is not None else DEFAULT_REFERENCE_DIR
    if not folder.is_dir():
        raise ReferenceUnreadable(f"reference folder {str(folder)!r} does not exist")
    files = sorted(folder.glob("*.csv"))
    if not files:
        raise ReferenceUnreadable(f"reference folder {str(folder)!r} holds no .csv file")
    frames = []
    for path in files:
        try:
            frames.append(pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8"))
        except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
            raise ReferenceUnreadable(f"reference file {str(path)!r} is not readable CSV: {exc}") from exc
    raw = pd.concat(frames, ignore_index=True)
    return type_reference(raw)


def type_reference(raw: pd.DataFrame) -> pd.DataFrame:
    """Columns of the schema, in schema order, with their types; blanks become null."""
    out = {}
    for name in REFERENCE.names:
        if name not in raw.columns:
            continue
        col = raw[name].astype("str").str.strip().replace("", None)
        if name in _INT_COLUMNS:
            num = pd.to_numeric(col, errors="coerce")
            whole = num.where(num.notna() & (num == np.floor(num)))
            out[name] = whole.astype("Int64")
        elif name in _FLOAT_COLUMNS:
            out[name] = pd.to_numeric(col, errors="coerce").astype("float64")
        else:
            out[name] = col
    return pd.DataFrame(out, index=raw.index)


def pair_key(flow: str, reporter: str, partner: str) -> tuple[str, str]:
    """The key a figure is looked up by: a total's pair is unordered, a flow's is not."""
    if flow == "total":
        return tuple(sorted((reporter, partner)))  # type: ignore[return-value]
    return (reporter, partner)


def reference_check_columns(df: pd.DataFrame) -> dict[str, pd.Series]:
    """Helper columns for the reference suite (True where the rule holds or does not apply).

    * `_pair_distinct`: reporter differs from partner.
    * `_pair_ordered`: a total's pair is in alphabetical order (as in the metrics
      table), unless the partner is WLD (trade with the whole world).
    * `_total_matches_parts`: on a total row, exports plus imports of the same
      pair, year, unit and source (both directions published by one of the two
      countries) equal the total within TOTAL_PARTS_TOLERANCE; true where one of
      the three is missing.

    Missing input columns give no helper (the columns_present check reports them).
    """
    cols = set(df.columns)
    out: dict[str, pd.Series] = {}
    if not {"reporter", "partner"} <= cols:
        return out
    reporter, partner = df["reporter"], df["partner"]
    missing = (reporter.isna() | partner.isna()).to_numpy(dtype=bool)
    out["_pair_distinct"] = pd.Series(missing | (reporter != partner).to_numpy(dtype=bool), index=df.index)
    if "flow" not in cols:
        return out
    applies = ((df["flow"] == "total") & (partner != "WLD")).to_numpy(dtype=bool)
    ordered = (reporter < partner).to_numpy(dtype=bool)
    out["_pair_ordered"] = pd.Series(missing | ~applies | ordered, index=df.index)
    if {"year", "value", "unit", "source"} <= cols:
        out["_total_matches_parts"] = _total_matches_parts(df)
    return out


def _total_matches_parts(df: pd.DataFrame) -> pd.Series:
    ok = pd.Series(True, index=df.index)
    columns = [df[c] for c in ("flow", "reporter", "partner", "year", "value", "unit", "source")]
    parts: dict[tuple, dict[str, float]] = {}
    for flow, rep, par, year, value, unit, source in zip(*columns):
        if flow in ("export", "import") and not pd.isna(value):
            parts.setdefault((rep, par, year, unit, source), {})[flow] = float(value)
    for idx, flow, rep, par, year, value, unit, source in zip(df.index, *columns):
        if flow != "total" or pd.isna(value) or pd.isna(rep) or pd.isna(par):
            continue
        for publisher, other in ((rep, par), (par, rep)):
            p = parts.get((publisher, other, year, unit, source), {})
            if len(p) == 2 and abs(p["export"] + p["import"] - value) > TOTAL_PARTS_TOLERANCE * abs(value):
                ok[idx] = False
    return ok


def describe_rows(df: pd.DataFrame, positions: list[int], limit: int = 5) -> str:
    """Rows of a reference table by their key, for an error message ("CHN-RUS total 2019")."""
    def key(pos: int) -> str:
        row = df.iloc[pos]
        return " ".join(str(row.get(c)) for c in ("reporter", "partner", "flow", "year")).replace(" ", "-", 1)

    shown = ", ".join(key(p) for p in positions[:limit])
    more = f" and {len(positions) - limit} more" if len(positions) > limit else ""
    return f"row{'s' if len(positions) > 1 else ''} {shown}{more}"
