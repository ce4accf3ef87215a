#!/usr/bin/env python3
"""What validation costs: the metrics suite per 100k rows, against writing the same table.

    python benchmarks/validation_cost.py [--sizes 10000,100000,1000000] [--bad-share 0.01]
                                         [--seed 0] [--repeat 3] [--chunk-rows N]

For each size, generates a realistic metrics table (the measures, statuses, flows, units,
periods, country pairs and commodities the extractor produces, in the published dtypes:
built through the Arrow schema of stages/schemas.py and `to_pandas()`), of which about
`--bad-share` of the rows fail one row-level expectation each (a share of 140, currency
"XXX", reporter equal to partner, a null measure, a negative amount). Then, in this
process, it times:

- `validate_table("metrics", df)`: the suite as the flow's audit step runs it (GX, derived
  helper columns, mapping failures back to rows);
- the flow's write of the same table as it would publish it (less the rows validation
  flagged, which go to quarantine): `stages.write.to_arrow` plus `write_parquet` (zstd,
  fsync), and, for reference, a bare `pq.write_table(pa.Table.from_pandas(df))`.

Sizes up to 100k rows take the best of `--repeat` runs; larger ones one run. GX's import
and context set-up are paid once per process and reported apart (`gx_startup_s`).
Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flows import env  # noqa: E402

env.apply()

from stages import write  # noqa: E402
from stages.schemas import METRICS  # noqa: E402

AREAS = ["CHN", "RUS", "USA", "IND", "DEU", "JPN", "KOR", "BRA", "TUR", "GBR", "FRA", "ITA", "CAN", "MEX",
         "AUS", "IDN", "SAU", "ARE", "VNM", "THA", "MYS", "SGP", "ZAF", "EGY", "NGA", "KAZ", "BLR", "UKR",
         "POL", "NLD", "ESP", "ARG", "CHL", "PAK", "BGD", "IRN", "ISR", "NZL", "EUU"]
CURRENCIES = ["USD"] * 16 + ["EUR", "CNY", "INR", "RUB", "JPY", "GBP", "AUD", "TRY"]
COMMODITIES = ["crude oil", "soybeans", "coal", "wheat", "natural gas", "iron ore", "semiconductors",
               "cars", "steel", "rice"]
VOLUME_UNITS = ["t", "t", "m3", "bbl"]
BAD_KINDS = ["share_140", "currency_xxx", "reporter_is_partner", "null_measure", "negative_amount"]


def _hex_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    return np.array([f"{x:016x}" for x in rng.integers(0, 2**63, size=n, dtype=np.int64)], dtype=object)


def _periods(rng: np.random.Generator, n: int) -> np.ndarray:
    year = rng.integers(2005, 2031, size=n)
    month = rng.integers(1, 13, size=n)
    kind = rng.choice(4, size=n, p=[0.6, 0.15, 0.15, 0.1])  # year, month, span, none
    out = np.empty(n, dtype=object)
    for i in range(n):
        if kind[i] == 0:
            out[i] = str(year[i])
        elif kind[i] == 1:
            out[i] = f"{year[i]}-{month[i]:02d}"
        elif kind[i] == 2:
            out[i] = f"{year[i]}-01/{year[i]}-{month[i]:02d}"
        else:
            out[i] = None
    return out


def metrics_table(n: int, bad_share: float, seed: int) -> tuple[pd.DataFrame, dict[str, int]]:
    """`n` metric rows as the published table reads back; about `bad_share` of them bad."""
    rng = np.random.default_rng(seed)
    measure = rng.choice(["value", "growth", "share", "volume"], size=n, p=[0.55, 0.25, 0.1, 0.1])
    status = rng.choice(["actual", "target", "forecast"], size=n, p=[0.7, 0.15, 0.15])
    flow = rng.choice(["total", "export", "import"], size=n, p=[0.6, 0.25, 0.15])
    qualifier = rng.choice(["exact", "approx", "over", "under"], size=n, p=[0.6, 0.2, 0.15, 0.05])

    value = np.where(measure == "value", np.round(10 ** rng.uniform(6, 12, size=n), -5), 0.0)
    value = np.where(measure == "volume", np.round(10 ** rng.uniform(3, 8, size=n), 0), value)
    value = np.where(measure == "growth", np.round(rng.uniform(-60, 120, size=n), 1), value)
    value = np.where(measure == "share", np.round(rng.uniform(0.5, 60, size=n), 1), value)
    value = np.where(value == 0.0, 1.0, value)  # a growth of exactly 0 is kept out of the share mask
    unit = np.where(np.isin(measure, ["growth", "share"]), "percent",
                    np.where(measure == "volume", rng.choice(VOLUME_UNITS, size=n),
                             rng.choice(CURRENCIES, size=n))).astype(object)

    a = rng.integers(0, len(AREAS), size=n)
    b = (a + rng.integers(1, len(AREAS), size=n)) % len(AREAS)  # never equal to a
    areas = np.array(AREAS, dtype=object)
    reporter, partner = areas[a], areas[b]
    world = rng.random(n) < 0.08
    partner = np.where(world, "WLD", partner).astype(object)
    pair_rule = (flow == "total") & (measure != "share") & (partner != "WLD")
    swap = pair_rule & (reporter > partner)
    reporter, partner = np.where(swap, partner, reporter), np.where(swap, reporter, partner)

    commodity = np.where(rng.random(n) < 0.25, rng.choice(COMMODITIES, size=n), None).astype(object)
    commodity = np.where(measure == "volume", rng.choice(COMMODITIES[:6], size=n), commodity).astype(object)
    statuses = [["target", "forecast"] if s == "target" and r < 0.3 else [s]
                for s, r in zip(status, rng.random(n))]
    quote = np.array([f"trade {m} figure {v:g} {u}" for m, v, u in zip(measure, value, unit)], dtype=object)

    n_docs = max(1, n // 5)
    doc_ids = _hex_ids(rng, n_docs)
    cols = {
        "fact_id": _hex_ids(rng, n), "doc_id": doc_ids[rng.integers(0, n_docs, size=n)],
        "measure": measure.astype(object), "status": status.astype(object), "statuses": statuses,
        "flow": flow.astype(object), "value": value, "unit": unit, "qualifier": qualifier.astype(object),
        "period": _periods(rng, n), "reporter": reporter, "partner": partner, "commodity": commodity,
        "quote": quote, "n_mentions": rng.integers(1, 4, size=n), "run_id": ["20261123T000000Z-bench0"] * n,
    }

    # ~bad_share of the rows, each failing one row-level expectation
    bad_at = rng.choice(n, size=int(round(n * bad_share)), replace=False)
    kinds = {k: 0 for k in BAD_KINDS}
    for i, pos in enumerate(bad_at):
        kind = BAD_KINDS[i % len(BAD_KINDS)]
        kinds[kind] += 1
        # each bad row becomes an export, so that a total whose (share-exempt) pair order no
        # longer holds does not fail a second expectation
        cols["flow"][pos] = "export"
        if kind == "share_140":
            cols["measure"][pos], cols["unit"][pos], cols["value"][pos] = "share", "percent", 140.0 + i * 1e-6
        elif kind == "currency_xxx":
            cols["measure"][pos], cols["unit"][pos], cols["value"][pos] = "value", "XXX", 1e9 + i
        elif kind == "reporter_is_partner":
            cols["partner"][pos] = cols["reporter"][pos]
        elif kind == "null_measure":
            cols["measure"][pos] = None
        else:
            cols["measure"][pos], cols["unit"][pos], cols["value"][pos] = "value", "USD", -1e9 - i
    # the non-nullable measure column has to allow the injected nulls on the way through Arrow
    schema = pa.schema([f.with_nullable(True) if f.name == "measure" else f for f in METRICS])
    df = pa.Table.from_pydict(cols, schema=schema).to_pandas()
    key = ["doc_id", "measure", "status", "flow", "value", "unit", "commodity"]
    df = df.drop_duplicates(key, ignore_index=True)  # one row per fact, as the flow publishes
    return df, kinds


def _best(fn, repeat: int) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def measure(n: int, bad_share: float, seed: int, repeat: int, tmp: Path, chunk_rows: int) -> dict:
    from expectations.runner import validate_table

    t0 = time.perf_counter()
    df, kinds = metrics_table(n, bad_share, seed)
    generate_s = time.perf_counter() - t0
    reps = repeat if n <= 100_000 else 1

    validate_s, validation = _best(lambda: validate_table("metrics", df, chunk_rows=chunk_rows), reps)

    # what the flow then publishes: the table less its bad rows (a null measure cannot even
    # be written under the contract schema)
    keep = np.ones(len(df), dtype=bool)
    keep[list(validation.bad_rows)] = False
    published = df.loc[keep].reset_index(drop=True)
    path = tmp / f"metrics-{n}.parquet"

    def flow_write():
        write.write_parquet(write.to_arrow("metrics", published), path)

    def bare_write():
        pq.write_table(pa.Table.from_pandas(published, preserve_index=False), tmp / f"bare-{n}.parquet",
                       compression=write.COMPRESSION)

    write_s, _ = _best(flow_write, reps)
    bare_s, _ = _best(bare_write, reps)
    per = 100_000 / len(df)
    return {
        "rows": len(df),
        "injected_bad": kinds,
        "bad_rows_found": len(validation.bad_rows),
        "rows_written": len(published),
        "table_failures": validation.table_failures,
        "failed_expectations": [o.name for o in validation.failed],
        "generate_s": round(generate_s, 3),
        "validate_s": round(validate_s, 4),
        "validate_s_per_100k": round(validate_s * per, 4),
        "write_s": round(write_s, 4),
        "write_s_per_100k": round(write_s * per, 4),
        "bare_parquet_write_s": round(bare_s, 4),
        "parquet_mb": round(path.stat().st_size / 1e6, 2),
        "validate_to_write_ratio": round(validate_s / write_s, 2),
        "validate_to_bare_write_ratio": round(validate_s / bare_s, 2),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated row counts")
    parser.add_argument("--bad-share", type=float, default=0.01, help="share of rows made bad")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3, help="runs per size up to 100k rows (best is kept)")
    parser.add_argument("--chunk-rows", type=int, default=None,
                        help="rows per validation of the row-level expectations (default: the flow's)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]

    from expectations.runner import ROW_CHUNK, validate_table

    chunk_rows = args.chunk_rows or ROW_CHUNK
    t0 = time.perf_counter()
    warm, _ = metrics_table(200, args.bad_share, args.seed + 1)
    validate_table("metrics", warm)  # GX import, suite load, ephemeral context
    gx_startup_s = time.perf_counter() - t0

    import great_expectations

    results = []
    with tempfile.TemporaryDirectory(prefix="validation-cost-") as tmp:
        for n in sizes:
            results.append(measure(n, args.bad_share, args.seed, args.repeat, Path(tmp), chunk_rows))
    largest = results[-1] if results else {}
    print(json.dumps({
        "benchmark": "validation_cost",
        "table": "metrics",
        "bad_share": args.bad_share,
        "chunk_rows": chunk_rows,
        "seed": args.seed,
        "validate_s_per_100k": largest.get("validate_s_per_100k"),
        "validate_to_write_ratio": largest.get("validate_to_write_ratio"),
        "at_rows": largest.get("rows"),
        "gx_startup_s": round(gx_startup_s, 3),
        "sizes": results,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "great_expectations": great_expectations.__version__,
        "pandas": pd.__version__,
        "pyarrow": pa.__version__,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
