"""stages/report_data.py: tables in, chart series and evidence out."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from stages.report_data import anchor_for, chart_series, period_span


def fact(fact_id, doc_id="d1", measure="value", status="actual", value=1e11, unit="USD", period="2021",
         reporter="CHN", partner="RUS", flow="total", quote="$100 billion"):
    return {"fact_id": fact_id, "doc_id": doc_id, "measure": measure, "status": status, "statuses": [status],
            "flow": flow, "value": value, "unit": unit, "qualifier": "exact", "period": period,
            "reporter": reporter, "partner": partner, "commodity": None, "quote": quote, "n_mentions": 1,
            "run_id": "r"}


def tables(metrics, mentions=None):
    documents = pd.DataFrame([
        {"doc_id": "d1", "source": "a.txt", "published": date(2022, 2, 6), "title": "A", "source_url": None},
        {"doc_id": "d2", "source": "b/c.txt", "published": None, "title": None, "source_url": "https://x.example/c"},
    ])
    mentions = pd.DataFrame(mentions or [], columns=["fact_id", "doc_id", "sentence", "char_start", "char_end",
                                                      "run_id"])
    return documents, pd.DataFrame(metrics), mentions


@pytest.mark.parametrize("period, span", [
    ("2021", (date(2021, 1, 1), date(2022, 1, 1))),
    ("2021-11", (date(2021, 11, 1), date(2021, 12, 1))),
    ("2021-12", (date(2021, 12, 1), date(2022, 1, 1))),
    ("2021-01/2021-09", (date(2021, 1, 1), date(2021, 10, 1))),
    ("2019/2021", (date(2019, 1, 1), date(2022, 1, 1))),
    (None, None), ("", None), ("2021-13", None), ("2022/2021", None), ("soon", None),
])
def test_period_span(period, span):
    assert period_span(period) == span


def test_one_series_per_pair_and_unit_whatever_the_direction():
    docs, metrics, mentions = tables([
        fact("f1", period="2020"), fact("f2", reporter="RUS", partner="CHN", flow="export", period="2021"),
        fact("f3", status="target", period="2024", value=2e11), fact("f4", unit="CNY", period="2021"),
        fact("f5", reporter="IND", partner="RUS", period="2022"),
    ])
    data = chart_series(docs, metrics, mentions)
    keys = [(s.pair, s.unit, len(s.points)) for s in data.series]
    assert keys == [(("CHN", "RUS"), "USD", 3), (("CHN", "RUS"), "CNY", 1), (("IND", "RUS"), "USD", 1)]
    assert data.series[0].label == "China – Russia"
    assert [p.fact_id for p in data.series[0].points] == ["f1", "f2", "f3"]  # by time
    assert [e.fact_id for e in data.evidence] == ["f1", "f2", "f3", "f4", "f5"]  # chart order


def test_only_value_facts_are_charted_and_facts_without_a_period_are_listed_not_drawn():
    docs, metrics, mentions = tables([
        fact("v1"), fact("g1", measure="growth", unit="percent", value=25.0),
        fact("v2", period=None), fact("v3", period="someday"),
    ])
    data = chart_series(docs, metrics, mentions)
    assert [p.fact_id for s in data.series for p in s.points] == ["v1"]
    assert sorted(e.fact_id for e in data.undated) == ["v2", "v3"]
    assert (data.n_documents, data.n_facts) == (2, 4)


def test_evidence_is_the_first_mentions_sentence_with_the_quote_located_and_the_document():
    docs, metrics, mentions = tables(
        [fact("f1", doc_id="d2", quote="$100 billion")],
        [{"fact_id": "f1", "doc_id": "d2", "sentence": "Later it said $100 billion again.", "char_start": 90,
          "char_end": 102, "run_id": "r"},
         {"fact_id": "f1", "doc_id": "d2", "sentence": "Trade reached $100 billion in 2021.", "char_start": 14,
          "char_end": 26, "run_id": "r"}])
    ev = chart_series(docs, metrics, mentions).evidence[0]
    assert ev.sentence == "Trade reached $100 billion in 2021."
    assert ev.sentence[ev.quote_at:ev.quote_at + len(ev.quote)] == "$100 billion"
    assert (ev.source, ev.source_url, ev.published, ev.title) == ("b/c.txt", "https://x.example/c", None, None)
    assert ev.anchor == anchor_for("f1") == "ev-f1"


def test_a_fact_without_mentions_falls_back_to_its_quote():
    docs, metrics, mentions = tables([fact("f1", quote="trade of $5 billion")])
    ev = chart_series(docs, metrics, mentions).evidence[0]
    assert (ev.sentence, ev.quote_at) == ("trade of $5 billion", 0)


def test_point_sits_mid_period():
    docs, metrics, mentions = tables([fact("f1", period="2021-01/2021-09")])
    point = chart_series(docs, metrics, mentions).series[0].points[0]
    assert (point.start, point.end) == (date(2021, 1, 1), date(2021, 10, 1))
    assert date(2021, 5, 1) <= point.mid <= date(2021, 5, 31)


def test_empty_tables_give_an_empty_report():
    docs, metrics, mentions = tables([])
    metrics = pd.DataFrame(columns=list(fact("x")))
    data = chart_series(docs.iloc[0:0], metrics, mentions)
    assert (data.series, data.evidence, data.undated, data.n_facts) == ((), (), (), 0)
