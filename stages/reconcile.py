"""Reconcile: each claim checked against the reference statistics.

Pure: the metrics snapshot and a validated reference table in, one
reconciliation row per fact out (`schemas.RECONCILIATION`). Texts state what
they state; this stage says when official statistics disagree, and with what.

Which claims are compared: `actual` facts of measure `value` or `growth` about
all goods, whose period is one calendar year (`2021`, or the span
`2021-01/2021-12`). The pair is unordered for `total` and reporter → partner
for `export`/`import` (no mirror flows: one country's exports and the other's
imports differ by freight, insurance and timing). A value is compared with the
reference figure in its own currency; a growth rate with the year-on-year
change of the reference levels (the year and the one before it).

Verdicts:

* `consistent`: the reference figure of the claim's year lies in the claim's
  tolerance band (`band`, below);
* `matches_other_year`: it does not, but another year's figure does
  (`other_year`, `other_value`: the closest such year);
* `inconsistent`: no year's figure lies in the band;
* `no_reference`: comparable, but the reference has no figure for that pair,
  flow, year and currency (for growth: no figure for the year or the year before);
* `not_comparable`: a target or forecast, another measure (share, volume), one
  commodity, a null period (reason `no period`: a level "already reached" or
  "now exceeds" has no year to look up), a month, a part of a year or a span
  across years (fiscal years).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

import pandas as pd
import pyarrow as pa

from .base import StageResult
from .reference_tables import pair_key
from .schemas import RECONCILIATION
from .write import text_cell

VERDICTS = ("consistent", "inconsistent", "matches_other_year", "no_reference", "not_comparable")
COMPARED = ("consistent", "inconsistent", "matches_other_year")

# Tolerances. A value's band is relative to the claimed figure; a growth rate's
# is in percentage points.
VALUE_REVISION = 0.005  # exact: never tighter than ±0.5 % (figures are revised after first release)
VALUE_APPROX = 0.05  # "about", "nearly", "some": within ±5 %
BOUND_HEADROOM = 0.20  # "more than X": above X, but a round floor just under the figure, not 20 % under it
GROWTH_SLACK_PP = 1.0  # a rate from two rounded, revised levels (customs' own +35.8 % for 2021 is 0.5 pp off)
GROWTH_APPROX_PP = 3.0  # "about 25 %": within ±3 pp

_NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")
_YEAR = re.compile(r"^(\d{4})$")
_SPAN = re.compile(r"^(\d{4})-(\d{2})/(\d{4})-(\d{2})$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")


@dataclass(frozen=True)
class Band:
    low: float
    high: float

    def __contains__(self, x: float) -> bool:
        return self.low <= x <= self.high


def stated_half_unit(value: float, quote: str | None, measure: str) -> float:
    """Half a unit of the stated figure's last written digit (its rounding).

    Read from the quote: the first number whose scale (value / number) is 1 for
    a rate or a power of ten for an amount ("$146 billion" → 0.5e9, "35.8
    percent" → 0.05). Else half a unit of the value's last non-zero digit.
    """
    target = abs(value)
    if target == 0 or not math.isfinite(target):
        return 0.0
    for token in _NUMBER.findall(quote or ""):
        number = float(token.replace(",", ""))
        if number == 0:
            continue
        scale = target / number
        exponent = round(math.log10(scale))
        if abs(scale / 10.0 ** exponent - 1) > 1e-9 or exponent < 0:
            continue
        if measure == "growth" and exponent != 0:  # a rate is written as it is
            continue
        decimals = len(token.split(".")[1]) if "." in token else 0
        return 0.5 * 10.0 ** (exponent - decimals)
    exponent = math.floor(math.log10(target)) - 14  # float64 holds ~15 significant digits
    while exponent < 300 and abs(round(target / 10.0 ** (exponent + 1)) * 10.0 ** (exponent + 1) - target) \
            <= 1e-9 * target:
        exponent += 1
    return 0.5 * 10.0 ** exponent


def band(measure: str, qualifier: str, claimed: float, half_unit: float) -> Band | None:
    """Where the reference figure must lie for the claim to hold (None: unknown qualifier)."""
    c = claimed
    if measure == "value":
        exact = max(half_unit, VALUE_REVISION * abs(c))
        approx = max(half_unit, VALUE_APPROX * abs(c))
        headroom = BOUND_HEADROOM * abs(c) + half_unit
    else:
        exact = half_unit + GROWTH_SLACK_PP
        approx = half_unit + GROWTH_APPROX_PP
        headroom = BOUND_HEADROOM * abs(c) + exact
    above, below = Band(c - exact, c + headroom), Band(c - headroom, c + exact)
    if c < 0:  # "fell more than 5 %" (-5.0, over) is a bigger fall: the qualifier bounds the size
        above, below = below, above
    return {
        "exact": Band(c - exact, c + exact),
        "approx": Band(c - approx, c + approx),
        "over": above,
        "under": below,
    }.get(qualifier)


def level_ratio(measure: str, claimed: float, reference: float) -> float | None:
    """Claimed over reference as levels: for growth, of the growth factors (1 + rate/100)."""
    if measure == "growth":
        claimed, reference = 1 + claimed / 100, 1 + reference / 100
    if reference == 0 or claimed / reference <= 0:
        return None
    return claimed / reference


def calendar_year(period: str | None) -> tuple[int | None, str | None]:
    """(year, None) for a calendar year, else (None, why it is not one)."""
    if period is None or (isinstance(period, float) and math.isnan(period)):
        return None, "no period"
    if m := _YEAR.match(period):
        return int(m.group(1)), None
    if m := _SPAN.match(period):
        y1, m1, y2, m2 = m.groups()
        if y1 == y2 and (m1, m2) == ("01", "12"):
            return int(y1), None
        return None, "part of a year" if y1 == y2 else "span across years"
    if _MONTH.match(period):
        return None, "one month"
    return None, f"period {period} not understood"


def _fmt(x: float, unit: str) -> str:
    if unit == "percent":
        return f"{x:+.2f} %"
    for scale, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if abs(x) >= scale:
            return f"{x / scale:.3f}".rstrip("0").rstrip(".") + f" {word} {unit}"
    return f"{x:,.0f} {unit}"


def _index_reference(reference: pd.DataFrame) -> dict[tuple, dict[str, dict[int, tuple[float, str]]]]:
    """(flow, pair key) → unit → year → (value, source)."""
    index: dict[tuple, dict[str, dict[int, tuple[float, str]]]] = {}
    for flow, rep, par, year, value, unit, source in zip(
            reference["flow"], reference["reporter"], reference["partner"], reference["year"],
            reference["value"], reference["unit"], reference["source"]):
        key = (flow, pair_key(flow, rep, par))
        index.setdefault(key, {}).setdefault(unit, {})[int(year)] = (float(value), source)
    return index


def _comparable_series(measure: str, unit: str, by_unit: dict[str, dict[int, tuple[float, str]]]
                       ) -> dict[int, tuple[float, str]]:
    """Year → (figure comparable with the claim, source)."""
    if measure == "value":
        return by_unit.get(unit, {})
    # growth: from the levels of one currency (USD first, if several)
    for cur in sorted(by_unit, key=lambda u: (u != "USD", u)):
        levels = by_unit[cur]
        rates = {}
        for y, (v, s) in levels.items():
            before, before_source = levels.get(y - 1, (0.0, None))
            if before:
                rates[y] = ((v / before - 1) * 100, s if s == before_source else f"{before_source}; {s}")
        if rates:
            return rates
    return {}


def _not_comparable_reason(row) -> str | None:
    if row.measure not in ("value", "growth"):
        return f"measure {row.measure}"
    if row.status != "actual":
        return str(row.status)
    if isinstance(row.commodity, str) and row.commodity:
        return f"commodity {row.commodity}"
    return None


def reconcile_fact(row, index) -> dict:
    """The reconciliation of one fact (a metrics row as a namedtuple)."""
    out = {"year": None, "reference_value": None, "ratio": None, "other_year": None, "other_value": None,
           "source": None}
    reason = _not_comparable_reason(row)
    year = None
    if reason is None:
        year, reason = calendar_year(row.period)
    if reason is not None:
        return {**out, "verdict": "not_comparable", "reason": reason}
    what = f"{row.reporter}-{row.partner} {row.flow}"
    by_unit = index.get((row.flow, pair_key(row.flow, row.reporter, row.partner)), {})
    series = _comparable_series(row.measure, row.unit, by_unit)
    out["year"] = year
    if year not in series:
        need = f"{year - 1} and {year}" if row.measure == "growth" else str(year)
        cur = "" if row.measure == "growth" else f" in {row.unit}"
        return {**out, "verdict": "no_reference", "reason": f"no reference figure for {what} {need}{cur}"}
    ref, source = series[year]
    out.update(reference_value=ref, source=source, ratio=level_ratio(row.measure, row.value, ref))
    b = band(row.measure, row.qualifier, row.value, stated_half_unit(row.value, row.quote, row.measure))
    if b is None:
        return {**out, "verdict": "not_comparable", "reason": f"qualifier {row.qualifier}"}
    window = f"[{_fmt(b.low, row.unit)}, {_fmt(b.high, row.unit)}]"
    if ref in b:
        return {**out, "verdict": "consistent",
                "reason": f"{row.qualifier}: {year} reference {_fmt(ref, row.unit)} within {window}"}
    others = []  # (distance as |log ratio|, distance in years, year) of each other year in the band
    for y, (v, _) in series.items():
        if y != year and v in b:
            r = level_ratio(row.measure, row.value, v)
            others.append((abs(math.log(r)) if r else math.inf, abs(y - year), y))
    if others:
        _, _, best = min(others)
        value, other_source = series[best]
        out.update(other_year=best, other_value=value)
        if other_source != source:
            out["source"] = f"{source}; {other_source}"
        return {**out, "verdict": "matches_other_year",
                "reason": f"{row.qualifier}: {year} reference {_fmt(ref, row.unit)} outside {window}; "
                          f"{best} reference {_fmt(value, row.unit)} within"}
    return {**out, "verdict": "inconsistent",
            "reason": f"{row.qualifier}: {year} reference {_fmt(ref, row.unit)} outside {window}, "
                      "and no other year within"}


CHUNK_ROWS = 20_000  # facts reconciled at a time: their Python objects are freed before the next ones

_STRING_COLUMNS = [f.name for f in RECONCILIATION if pa.types.is_string(f.type)]


def reconcile_table(metrics: pd.DataFrame, reference: pd.DataFrame, chunk_rows: int = CHUNK_ROWS) -> pa.Table:
    """The reconciliation of `metrics` as an Arrow table of the published schema, in metrics order.

    Facts are reconciled `chunk_rows` at a time into typed Arrow columns, so
    memory holds one chunk's Python values at most, not a row of objects per
    fact of the whole snapshot.
    """
    index = _index_reference(reference)
    chunks = []
    for start in range(0, len(metrics), max(1, chunk_rows)):
        columns: dict[str, list] = {name: [] for name in RECONCILIATION.names}
        for row in metrics.iloc[start:start + chunk_rows].itertuples(index=False):
            rec = reconcile_fact(row, index)
            rec.update(fact_id=row.fact_id, doc_id=row.doc_id, measure=row.measure, qualifier=row.qualifier,
                       period=None if pd.isna(row.period) else row.period, claimed_value=float(row.value),
                       unit=row.unit, quote=row.quote, run_id=getattr(row, "run_id", None))
            for name, values in columns.items():
                values.append(rec[name])
        for name in _STRING_COLUMNS:
            columns[name] = [text_cell(v) for v in columns[name]]
        chunks.append(pa.Table.from_pydict(columns, schema=RECONCILIATION))
        del columns
    if not chunks:
        return RECONCILIATION.empty_table()
    return pa.concat_tables(chunks)


def reconcile(metrics: pd.DataFrame, reference: pd.DataFrame, chunk_rows: int = CHUNK_ROWS) -> StageResult:
    """One reconciliation row per fact of `metrics`, in metrics order; counts per verdict.

    The rows are `reconcile_table`'s as a DataFrame: the dtypes of the
    published table as read back (nullable ints as floats, nulls as NaN).
    """
    kept = reconcile_table(metrics, reference, chunk_rows).to_pandas()
    counts = Counter({f"reconcile_{v}": 0 for v in VERDICTS})
    counts.update(f"reconcile_{v}" for v in kept["verdict"])
    return StageResult(kept=kept, counts=counts)
