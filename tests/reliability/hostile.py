"""A hostile input folder: every kind of broken input a scheduled run meets,
with what must become of each entry.

`build_hostile_input(root)` writes the folder and returns the expected fate of
every entry: `("document", encoding)` or `("quarantine", reason)`, keyed by the
`source` the pipeline records, plus the manifest problems expected (reason →
how many rows).
"""

from __future__ import annotations

import codecs
import os
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
SEED_LF = SEEDS / "001_b6600214311032fc.txt"  # a real story with known facts

# A short story with two countries and an amount, in plain ASCII, so every
# encoding below can carry it.
STORY = ("Trade between France and Germany rose 12% to EUR 150 billion in 2022, "
         "the statistics office said on Monday.\nOfficials expect further growth.\n")
LATIN_STORY = ("Les échanges: trade between France and Côte d’Ivoire rose 12% to €1.2 billion "
               "in 2022, the ministry said. Exports of cocoa grew.\n")

DOCUMENT = "document"
QUARANTINE = "quarantine"

# Size of the pathological texts.
LONG_LINE_CHARS = 500_000
DIGIT_RUN_CHARS = 200_000
HUGE_BYTES = 30 * 1024 * 1024
NEST_DEPTH = 60


def long_line_text(n: int = LONG_LINE_CHARS) -> str:
    """One line of trade-like prose with no sentence end: one 500 KB "sentence"."""
    unit = ("exports from India to China rose 5% as the trade ministry said that imports from "
            "China held steady, and officials in both capitals expected the partnership to deepen over the "
            "coming decade despite the pandemic, the sanctions and the freight costs; ")
    return (unit * (n // len(unit) + 1))[:n] + "\n"


def number_dump_text(n: int = LONG_LINE_CHARS) -> str:
    """A table flattened into text: numbers only, far more than any story holds."""
    return ("12.5%, 3.4 bn, 1,000 t; " * (n // 24 + 1))[:n] + "\n"


def digit_run_text(n: int = DIGIT_RUN_CHARS) -> str:
    """200 KB of "1,1,1,...": a number that never ends."""
    return ("1," * (n // 2))[:n] + "\n"


def build_hostile_input(root: Path) -> tuple[dict[str, tuple[str, str]], Counter]:
    """Write the hostile folder under `root`; return (fate by source, manifest reasons)."""
    root.mkdir(parents=True, exist_ok=True)
    outside = root.parent / (root.name + "-outside")
    outside.mkdir(exist_ok=True)
    (outside / "secret.txt").write_text(STORY, encoding="utf-8")
    fate: dict[str, tuple[str, str]] = {}

    def put(rel: str, data: bytes, expected: tuple[str, str]) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        fate[rel] = expected

    seed = SEED_LF.read_text(encoding="utf-8")
    # processed normally
    put("plain/seed.txt", seed.encode("utf-8"), (DOCUMENT, "utf-8"))
    put("plain/seed bom crlf.txt", codecs.BOM_UTF8 + seed.replace("\n", "\r\n").encode("utf-8"),
        (DOCUMENT, "utf-8-sig"))
    put("enc/latin.txt", LATIN_STORY.encode("cp1252"), (DOCUMENT, "cp1252"))
    put("enc/utf16le.txt", STORY.replace("12%", "13%").encode("utf-16"), (DOCUMENT, "utf-16"))
    put("enc/utf16be.txt", codecs.BOM_UTF16_BE + STORY.replace("12%", "14%").encode("utf-16-be"),
        (DOCUMENT, "utf-16"))
    put("enc/utf32.txt", STORY.replace("12%", "15%").encode("utf-32"), (DOCUMENT, "utf-32"))
    put("a/b/c/d/deep.txt", STORY.replace("12%", "16%").encode(), (DOCUMENT, "utf-8"))
    put("nest/" + "d/" * NEST_DEPTH + "x.txt", STORY.replace("12%", "22%").encode(), (DOCUMENT, "utf-8"))
    put("names/with space é.txt", STORY.replace("12%", "17%").encode(), (DOCUMENT, "utf-8"))
    put("names/中文 新闻.txt", STORY.replace("12%", "18%").encode(), (DOCUMENT, "utf-8"))
    put("names/Ελληνικά.TXT", STORY.replace("12%", "19%").encode(), (DOCUMENT, "utf-8"))
    # a name that is not UTF-8: recorded with the byte escaped
    raw_name = os.fsdecode(b"names/bad\xff name.txt")
    (root / raw_name).write_bytes(STORY.replace("12%", "20%").encode())
    fate["names/bad\\xff name.txt"] = (DOCUMENT, "utf-8")
    # identical content: one document, the second a duplicate of the first
    put("dup/first.txt", STORY.replace("12%", "21%").encode(), (DOCUMENT, "utf-8"))
    put("dup/sub/second.txt", STORY.replace("12%", "21%").encode(), (QUARANTINE, "duplicate"))
    # pathological text: a document (or quarantined by the time budget), never a hang
    put("patho/long line.txt", long_line_text().encode(), (DOCUMENT, "utf-8"))
    put("patho/digits.txt", digit_run_text().encode(), (DOCUMENT, "utf-8"))
    put("patho/number dump.txt", number_dump_text().encode(), (QUARANTINE, "too_many_numbers"))
    # quarantined with a reason
    put("bad/empty.txt", b"", (QUARANTINE, "empty"))
    put("bad/blank.txt", b"  \n\t \r\n   \n", (QUARANTINE, "empty"))
    put("bad/bom only.txt", codecs.BOM_UTF8 + b"\r\n", (QUARANTINE, "empty"))
    put("bad/binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, (QUARANTINE, "binary"))
    put("bad/garbage.txt", b"trade \x81\x8d\x8f\x90\x9d rose " * 50, (QUARANTINE, "undecodable"))
    put("bad/cyrillic cp1251.txt", ("Товарооборот между Россией и Китаем вырос на 25% до 200 млрд долларов. "
                                    * 5).encode("cp1251"), (QUARANTINE, "undecodable"))
    put("bad/utf16 broken.txt", codecs.BOM_UTF16_LE + b"t\x00r\x00\x00\xd8", (QUARANTINE, "undecodable"))
    with open(root / "bad" / "huge.txt", "wb") as fh:  # 30 MB of real text
        block = (STORY * 400).encode()
        for _ in range(HUGE_BYTES // len(block) + 1):
            fh.write(block)
    fate["bad/huge.txt"] = (QUARANTINE, "too_large")
    # never read: skipped with a reason
    put("skip/photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 64, (QUARANTINE, "skipped_not_txt"))
    put("skip/notes.md", STORY.encode(), (QUARANTINE, "skipped_not_txt"))
    put("skip/README", STORY.encode(), (QUARANTINE, "skipped_not_txt"))
    put("skip/manifest.csv", b"doc,published\n", (QUARANTINE, "skipped_not_txt"))  # only the root's is read
    put(".hidden.txt", STORY.encode(), (QUARANTINE, "skipped_hidden"))
    put(".git/objects/x.txt", STORY.encode(), (QUARANTINE, "skipped_hidden"))
    del fate[".git/objects/x.txt"]
    fate[".git/"] = (QUARANTINE, "skipped_hidden")  # a hidden folder is one entry
    (root / "links").mkdir()
    os.symlink(outside / "secret.txt", root / "links" / "outside.txt")
    os.symlink(outside, root / "links" / "outside_dir")
    os.symlink("../plain/seed.txt", root / "links" / "inside.txt")
    os.symlink("nowhere.txt", root / "links" / "dangling.txt")
    for rel in ("links/outside.txt", "links/outside_dir", "links/inside.txt", "links/dangling.txt"):
        fate[rel] = (QUARANTINE, "skipped_symlink")
    os.mkfifo(root / "skip" / "pipe.txt")
    fate["skip/pipe.txt"] = (QUARANTINE, "skipped_not_regular")

    # the manifest: one row of each problem (and good rows)
    (outside / "escaped.txt").write_text(STORY, encoding="utf-8")
    rows = [
        "doc,published,source_url,title,section",
        "plain/seed.txt,2022-12-30,https://example.org/a,Seed,world",
        '"plain/seed bom crlf.txt",2022-12-30,,"Seed, with BOM",world',
        "missing.txt,2022-01-01,,,",  # manifest_missing_file
        f"../{outside.name}/escaped.txt,2022-01-01,,,",  # manifest_path_escapes_root
        "/etc/hostname,2022-01-01,,,",  # manifest_path_escapes_root
        "enc/latin.txt,30/02/2022,,,",  # manifest_bad_date
        "dup/first.txt,2022-05-01,,First,",
        "dup/first.txt,2022-06-01,,Other,",  # manifest_conflict
        "dup/first.txt,2022-05-01,,First,",  # an exact repeat: harmless
        ",2022-01-01,,,",  # manifest_empty_doc
        "links/inside.txt,2022-01-01,,,",  # a link: resolves inside, but the file is skipped
    ]
    (root / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    manifest_reasons = Counter({"manifest_extra_columns": 1, "manifest_missing_file": 1,
                                "manifest_path_escapes_root": 2, "manifest_bad_date": 1,
                                "manifest_conflict": 1, "manifest_empty_doc": 1})
    return fate, manifest_reasons
