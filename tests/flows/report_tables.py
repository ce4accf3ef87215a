"""A small published output folder for report tests, written through the real writer."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from stages import write

SENTENCES = {
    "a1": ("d1", "Trade between China and Russia reached $146 billion in 2020, customs said.", "$146 billion"),
    "a2": ("d1", "In the first nine months of 2021 trade exceeded $100 billion.", "exceeded $100 billion"),
    "t1": ("d2", "The leaders set a goal of bringing trade to $200 billion by 2024.", "trade to $200 billion"),
    "t2": ("d3", "Both sides reaffirmed the $200 billion target for 2024 <again>.", "$200 billion target"),
    "f1": ("d2", "Trade is expected to exceed $250 billion in 2025.", "exceed $250 billion"),
    "e1": ("d3", "India's exports to the UAE were $31 billion in 2022.", "$31 billion"),
    "u1": ("d3", "Trade has now passed $240 billion.", "$240 billion"),
}
FACTS = [  # fact_id, status, flow, value, period, reporter, partner
    ("a1", "actual", "total", 1.46e11, "2020", "CHN", "RUS"),
    ("a2", "actual", "total", 1.0e11, "2021-01/2021-09", "CHN", "RUS"),
    ("t1", "target", "total", 2.0e11, "2024", "CHN", "RUS"),
    ("t2", "target", "total", 2.0e11, "2024", "CHN", "RUS"),
    ("f1", "forecast", "total", 2.5e11, "2025", "CHN", "RUS"),
    ("e1", "actual", "export", 3.1e10, "2022", "IND", "ARE"),
    ("u1", "actual", "total", 2.4e11, None, "CHN", "RUS"),
]
CHARTED = [f[0] for f in FACTS if f[4]]


def write_report_tables(out: Path) -> Path:
    documents = pd.DataFrame([
        {"doc_id": d, "source": f"{d}.txt", "published": date(2022, 1, i + 1), "published_from": "manifest",
         "source_url": f"https://news.example/{d}" if d == "d1" else None, "title": f"Story {d} & <co>",
         "sha256": d * 8, "n_chars": 100, "encoding": "utf-8", "run_id": "r1"}
        for i, d in enumerate(("d1", "d2", "d3"))])
    metrics = pd.DataFrame([
        {"fact_id": fid, "doc_id": SENTENCES[fid][0], "measure": "value", "status": status, "statuses": [status],
         "flow": flow, "value": value, "unit": "USD", "qualifier": "exact", "period": period, "reporter": rep,
         "partner": par, "commodity": None, "quote": SENTENCES[fid][2], "n_mentions": 1, "run_id": "r1"}
        for fid, status, flow, value, period, rep, par in FACTS]
        + [{"fact_id": "g1", "doc_id": "d1", "measure": "growth", "status": "actual", "statuses": ["actual"],
            "flow": "total", "value": 35.8, "unit": "percent", "qualifier": "exact", "period": "2020",
            "reporter": "CHN", "partner": "RUS", "commodity": None, "quote": "35.8 percent", "n_mentions": 1,
            "run_id": "r1"}])
    mentions = pd.DataFrame([
        {"fact_id": fid, "doc_id": doc, "sentence": sentence, "char_start": 10, "char_end": 10 + len(quote),
         "run_id": "r1"} for fid, (doc, sentence, quote) in SENTENCES.items()])
    out.mkdir(parents=True, exist_ok=True)
    for name, df in (("documents", documents), ("metrics", metrics), ("mentions", mentions)):
        write.write_parquet(write.to_arrow(name, df), write.table_path(out, name))
    return out
