"""The extraction case table (tests/cases/*.jsonl) and how a case is judged.

Also a command: `python -m tests.extraction_cases` prints per-field accuracy
over the whole table (for the closing notes of extraction work).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from datetime import date
from pathlib import Path

CASES_DIR = Path(__file__).resolve().parent / "cases"
FIELDS = ("flow", "qualifier", "period", "countries", "commodity")
REL_TOL = 0.005


def load_cases() -> list[dict]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.jsonl")):
        if path.name == "published_dates.jsonl":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip():
                case = json.loads(line)
                case["_where"] = f"{path.name}:{n}"
                cases.append(case)
    return cases


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= REL_TOL * max(abs(a), abs(b), 1e-12)


def match_facts(expected: list[dict], predicted: list[dict]):
    """Pair expected and predicted facts by the scorer's rule: same measure and
    unit, status among the expected readings, value within 0.5 %."""
    used = [False] * len(predicted)
    pairs, missed = [], []
    for g in expected:
        best = None
        for i, p in enumerate(predicted):
            if used[i] or p["measure"] != g["measure"] or p["unit"] != g["unit"]:
                continue
            if p["status"] not in g["status"] or not _close(p["value"], g["value"]):
                continue
            score = (p["period"] == g["period"]) + (p["reporter"] == g["reporter"])
            if best is None or score > best[0]:
                best = (score, i)
        if best is None:
            missed.append(g)
        else:
            used[best[1]] = True
            pairs.append((g, predicted[best[1]]))
    spurious = [p for i, p in enumerate(predicted) if not used[i]]
    return pairs, missed, spurious


def field_checks(g: dict, p: dict) -> dict[str, bool]:
    return {
        "flow": p["flow"] == g["flow"],
        "qualifier": p["qualifier"] == g["qualifier"],
        "period": p["period"] == g["period"],
        "countries": (p["reporter"], p["partner"]) == (g["reporter"], g["partner"]),
        "commodity": p["commodity"] == g["commodity"],
    }


def run_case(case: dict) -> list[dict]:
    from stages.extract import extract_text

    published = date.fromisoformat(case["published"]) if case.get("published") else None
    return extract_text(case["text"], published, case.get("title"))


def judge(case: dict, predicted: list[dict]) -> list[str]:
    """Every way the prediction departs from the case; empty when it holds."""
    problems = []
    pairs, missed, spurious = match_facts(case["facts"], predicted)
    for g in missed:
        problems.append(f"missed {g['measure']} {g['status']} {g['value']} {g['unit']} ({g['quote']!r})")
    for p in spurious:
        problems.append(f"spurious {p['measure']} {p['status']} {p['value']} {p['unit']} ({p['quote']!r})")
    for g, p in pairs:
        for name, ok in field_checks(g, p).items():
            if not ok:
                want = (g["reporter"], g["partner"]) if name == "countries" else g[name]
                got = (p["reporter"], p["partner"]) if name == "countries" else p[name]
                problems.append(f"{name}: want {want!r}, got {got!r} ({g['quote']!r})")
        # the quote's offsets are found in the text; a mention must cover them
        start = case["text"].find(g["quote"])
        assert start >= 0, f"case quote not in text: {g['quote']!r}"
        end = start + len(g["quote"])
        spans = [(m["char_start"], m["char_end"]) for m in p["mentions"]]
        if not any(s < end and start < e for s, e in spans):
            problems.append(f"no mention overlaps the quote {g['quote']!r} (mentions at {spans})")
        if "mentions" in g and len(p["mentions"]) != g["mentions"]:
            problems.append(f"mentions: want {g['mentions']}, got {len(p['mentions'])} ({g['quote']!r})")
    return problems


def accuracy_report() -> dict:
    totals = Counter()
    fields = {f: [0, 0] for f in FIELDS}
    for case in load_cases():
        pred = run_case(case)
        pairs, missed, spurious = match_facts(case["facts"], pred)
        totals["cases"] += 1
        totals["cases_passing"] += not judge(case, pred)
        totals["expected"] += len(case["facts"])
        totals["matched"] += len(pairs)
        totals["spurious"] += len(spurious)
        for g, p in pairs:
            for name, ok in field_checks(g, p).items():
                fields[name][0] += ok
                fields[name][1] += 1
    precision = totals["matched"] / max(1, totals["matched"] + totals["spurious"])
    recall = totals["matched"] / max(1, totals["expected"])
    report = dict(totals)
    report.update(precision=round(precision, 4), recall=round(recall, 4),
                  f1=round(2 * precision * recall / max(1e-9, precision + recall), 4))
    report.update({f"{k}_accuracy": round(a / n, 4) if n else None for k, (a, n) in fields.items()})
    return report


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    if "-v" in sys.argv:
        for case in load_cases():
            problems = judge(case, run_case(case))
            if problems:
                print(f"{case['id']} [{case['_where']}]: {case['text'][:150]!r}")
                for p in problems:
                    print("    " + p)
    print(json.dumps(accuracy_report(), indent=1))
