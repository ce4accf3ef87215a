"""Bad input at the ingest edge: every entry gets a fate, nothing crashes.

These run the pure stages (no Prefect); test_hostile_end_to_end.py runs the
same hostile folder through the CLI.
"""

from __future__ import annotations

import codecs
import errno
import os
from collections import Counter

import pandas as pd
import pytest

from stages import ingest
from stages.accounting import file_fates
from stages.batch import process_batch
from stages.ingest import (InputUnusable, TransientReadError, decode_bytes, list_input_files, read_documents,
                           read_file_bytes, read_manifest)
from tests.reliability.hostile import DOCUMENT, QUARANTINE, STORY, build_hostile_input


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile") / "in"
    fate, manifest_reasons = build_hostile_input(root)
    return root, fate, manifest_reasons


# --- decoding -------------------------------------------------------------

@pytest.mark.parametrize("data, expected", [
    (STORY.encode("utf-8"), (STORY, "utf-8")),
    (codecs.BOM_UTF8 + STORY.replace("\n", "\r\n").encode(), (STORY.replace("\n", "\r\n"), "utf-8-sig")),
    (STORY.encode("utf-16"), (STORY, "utf-16")),
    (codecs.BOM_UTF16_BE + STORY.encode("utf-16-be"), (STORY, "utf-16")),
    (STORY.encode("utf-32"), (STORY, "utf-32")),
    ("Côte d’Ivoire’s exports rose 5% – to €2 billion.".encode("cp1252"),
     ("Côte d’Ivoire’s exports rose 5% – to €2 billion.", "cp1252")),
], ids=["utf-8", "utf-8-bom-crlf", "utf-16le", "utf-16be", "utf-32", "cp1252"])
def test_text_in_any_supported_encoding_decodes_and_records_it(data, expected):
    assert decode_bytes(data) == expected


@pytest.mark.parametrize("data, reason", [
    (b"GIF89a\x00\x01\x00\x01" + bytes(range(256)), "binary"),
    (STORY.encode("utf-16-le"), "binary"),  # UTF-16 without a BOM: NUL bytes
    (codecs.BOM_UTF16_LE + "trade\x00".encode("utf-16-le"), "binary"),
    (b"trade \x81\x8d\x8f rose", "undecodable"),  # bytes cp1252 leaves undefined
    (b"trade rose \xe9\x01\x02", "undecodable"),  # control characters: not text
    ("Товарооборот России и Китая вырос на 25%.".encode("cp1251"), "undecodable"),  # not plainly cp1252
    (codecs.BOM_UTF16_LE + b"t\x00\x00\xd8", "undecodable"),  # a lone surrogate
])
def test_bytes_that_are_not_plainly_text_get_a_reason(data, reason):
    assert decode_bytes(data) == (None, reason)


# --- listing --------------------------------------------------------------

def test_every_entry_of_the_hostile_folder_is_listed_or_skipped_with_a_reason(hostile):
    root, fate, _ = hostile
    listing = list_input_files(root)
    read = set(listing.kept["source"])
    skipped = dict(zip(listing.quarantine["source"], listing.quarantine["reason"]))
    assert not read & set(skipped)
    expected_skips = {s: r for s, (kind, r) in fate.items() if r.startswith("skipped_")}
    assert skipped == expected_skips
    assert read == set(fate) - set(expected_skips)
    assert listing.counts["files_seen"] == len(fate)
    assert listing.counts["skipped"] == len(expected_skips)
    assert all(listing.quarantine["detail"].str.len() > 0)


def test_a_folder_nested_deeper_than_the_recursion_limit_is_listed(tmp_path):
    # one level at a time, both ways: os.makedirs and shutil.rmtree recurse per level
    depth, folder = 1200, tmp_path / "in"
    folders = []
    for _ in range(depth + 1):
        folder.mkdir()
        folders.append(folder)
        folder = folder / "d"
    try:
        (folders[-1] / "x.txt").write_text(STORY, encoding="utf-8")
        listing = list_input_files(tmp_path / "in")
        assert list(listing.kept["source"]) == ["d/" * depth + "x.txt"]
    finally:
        (folders[-1] / "x.txt").unlink(missing_ok=True)
        for folder in reversed(folders):
            folder.rmdir()


def test_links_are_never_followed_even_when_swapped_in_after_listing(tmp_path):
    (tmp_path / "outside.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "fifo").mkdir()
    os.mkfifo(tmp_path / "fifo" / "pipe")
    os.symlink(tmp_path / "outside.txt", tmp_path / "link.txt")
    with pytest.raises(OSError) as link:
        read_file_bytes(str(tmp_path / "link.txt"))
    assert link.value.errno == errno.ELOOP
    with pytest.raises(OSError, match="not a regular file"):  # and never blocks on a pipe
        read_file_bytes(str(tmp_path / "fifo" / "pipe"))


def test_an_input_root_that_cannot_be_listed_is_unusable_as_a_whole(tmp_path, monkeypatch):
    with pytest.raises(InputUnusable, match="not a folder"):
        list_input_files(tmp_path / "missing")
    real_scandir = os.scandir

    def denied(path="."):
        if os.fspath(path) == str(tmp_path):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", denied)
    with pytest.raises(InputUnusable, match="cannot be listed"):
        list_input_files(tmp_path)


def test_a_folder_that_cannot_be_listed_is_quarantined_and_the_rest_read(tmp_path, monkeypatch):
    (tmp_path / "ok.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "x.txt").write_text(STORY, encoding="utf-8")
    real_scandir = os.scandir

    def denied(path="."):
        if os.fspath(path).endswith("locked"):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", denied)
    listing = list_input_files(tmp_path)
    assert list(listing.kept["source"]) == ["ok.txt"]
    row = listing.quarantine.iloc[0]
    assert (row.source, row.reason) == ("locked/", "read_error")
    assert "Permission denied" in row.detail
    assert listing.counts["files_seen"] == 2


# --- manifest -------------------------------------------------------------

def test_each_manifest_problem_is_reported_once_with_stage_manifest(hostile):
    root, _, manifest_reasons = hostile
    manifest = read_manifest(root)
    assert set(manifest.quarantine["stage"]) == {"manifest"}
    assert Counter(manifest.quarantine["reason"]) == manifest_reasons
    assert all(manifest.quarantine["detail"].str.len() > 0)
    rows = manifest.kept.set_index("doc")
    # the first of two conflicting rows wins; a bad date is ignored, not the row
    assert rows.loc["dup/first.txt", "title"] == "First"
    assert rows.loc["enc/latin.txt", "published"] is None
    assert str(rows.loc["plain/seed bom crlf.txt", "published"]) == "2022-12-30"

@pytest.mark.parametrize("text", ["", "a", "a\n", "a\nb", "a\r\nb\r\n", "x\n\n\ny", "\n", "é\u2028f\nq\rr",
                                  'doc,title\n"a.txt","two\nlines"\n'])
def test_the_manifest_is_read_line_by_line_as_stringio_would_split_it(text):
    import io
    assert list(ingest._lines_of(text)) == list(io.StringIO(text))


def test_the_manifest_read_with_the_listing_gives_the_same_rows_and_problems(tmp_path):
    # the flow passes the listed sources so that their rows skip path resolution;
    # rows through links, "..", hidden or missing files must still be checked as before
    root = tmp_path / "in"
    build_hostile_input(root)
    (tmp_path / "out.txt").write_text("outside")
    os.symlink(tmp_path, root / "linked_dir")
    listed = set(list_input_files(root).kept["source"])
    inside = sorted(s for s in listed if "/" in s and "," not in s)[0]
    with open(root / "manifest.csv", "a", encoding="utf-8") as fh:
        # written like a listed file, but through the link it lies outside the input
        fh.write(f"linked_dir/../{inside},2022-01-01,,\nlinked_dir/out.txt,2022-01-01,,\n")
    plain, fast = read_manifest(root), read_manifest(root, listed=listed)
    assert len(fast.kept) > 0
    assert "manifest_path_escapes_root" in set(fast.quarantine["reason"])
    pd.testing.assert_frame_equal(plain.kept, fast.kept)
    assert list(plain.quarantine["reason"]) == list(fast.quarantine["reason"])
    assert list(plain.quarantine["source"]) == list(fast.quarantine["source"])



@pytest.mark.parametrize("content, reason", [
    (None, "manifest_absent"),
    (b"\xff\xfe\x00garbage", "manifest_unreadable"),  # not UTF-8
    (b"published,title\n2022-01-01,x\n", "manifest_no_doc_column"),
    (b'doc,published\n"' + b"x" * 200_000 + b'",2022-01-01\n', "manifest_unreadable"),  # csv field limit
    (b"doc,published\nbad\x00name.txt,2022-01-01\n", "manifest_bad_path"),
    (b"doc,published\n..\\outside.txt,2022-01-01\n", "manifest_path_escapes_root"),
    (b"doc,published\na.txt,2022-02-30\n", "manifest_bad_date"),
])
def test_a_broken_manifest_is_reported_never_a_crash(tmp_path, content, reason):
    (tmp_path / "a.txt").write_text(STORY, encoding="utf-8")
    if content is not None:
        (tmp_path / "manifest.csv").write_bytes(content)
    manifest = read_manifest(tmp_path)
    assert reason in set(manifest.quarantine["reason"])
    assert set(manifest.quarantine["stage"]) == {"manifest"}


def test_a_manifest_that_is_a_link_is_not_followed(tmp_path):
    (tmp_path / "elsewhere.csv").write_text("doc,published\na.txt,2022-01-01\n", encoding="utf-8")
    root = tmp_path / "in"
    root.mkdir()
    os.symlink(tmp_path / "elsewhere.csv", root / "manifest.csv")
    manifest = read_manifest(root)
    assert list(manifest.quarantine["reason"]) == ["manifest_unreadable"]
    assert manifest.kept.empty


# --- reading --------------------------------------------------------------

def _files(*rows):
    return pd.DataFrame([{"source": s, "path": p, "size": n} for s, p, n in rows], columns=ingest.FILE_COLUMNS)


def test_a_file_over_the_limit_is_never_read_and_a_grown_one_is_read_only_to_the_limit(tmp_path):
    big = tmp_path / "big.txt"
    big.write_bytes(b"trade " * 1000)
    calls = []

    def spy(path):
        calls.append(path)
        return read_file_bytes(path, limit=100)

    result = read_documents(_files(("big.txt", str(big), 6000)), pd.DataFrame(columns=ingest.MANIFEST_COLUMNS),
                            max_bytes=100, read_bytes=spy)
    assert calls == [] and list(result.quarantine["reason"]) == ["too_large"]
    # listed when small, grown since: the read stops one byte past the limit
    assert len(read_file_bytes(str(big), limit=100)) == 101
    grown = read_documents(_files(("big.txt", str(big), 50)), pd.DataFrame(columns=ingest.MANIFEST_COLUMNS),
                           max_bytes=100)
    assert list(grown.quarantine["reason"]) == ["too_large"]
    assert "when read" in grown.quarantine["detail"].item()


class FlakyDisk:
    """read_bytes that fails `failures` times per path with `error`, then reads."""

    def __init__(self, failures: int, error: OSError):
        self.failures, self.error, self.calls = failures, error, Counter()

    def __call__(self, path):
        self.calls[path] += 1
        if self.calls[path] <= self.failures:
            raise self.error
        return STORY.encode()


@pytest.mark.parametrize("error", [OSError(errno.EIO, "Input/output error"), OSError(errno.EAGAIN, "again"),
                                   OSError(errno.ETIMEDOUT, "timed out"), TransientReadError("share blip")],
                         ids=["EIO", "EAGAIN", "ETIMEDOUT", "TransientReadError"])
def test_a_transient_read_error_is_retried_with_backoff(tmp_path, error):
    disk, pauses = FlakyDisk(2, error), []
    result = read_documents(_files(("a.txt", "a.txt", 10)), pd.DataFrame(columns=ingest.MANIFEST_COLUMNS),
                            read_bytes=disk, sleep=pauses.append)
    assert list(result.kept["source"]) == ["a.txt"] and result.quarantine.empty
    assert disk.calls["a.txt"] == 3
    assert pauses == [ingest.READ_BACKOFF_S, 2 * ingest.READ_BACKOFF_S]
    assert result.counts["read_retries"] == 2


def test_a_transient_error_that_persists_quarantines_the_file_after_the_last_attempt():
    disk, pauses = FlakyDisk(99, OSError(errno.EIO, "Input/output error")), []
    result = read_documents(_files(("a.txt", "a.txt", 10), ("b.txt", "b.txt", 10)),
                            pd.DataFrame(columns=ingest.MANIFEST_COLUMNS), read_bytes=disk, sleep=pauses.append)
    assert result.kept.empty
    assert list(result.quarantine["reason"]) == ["read_error", "read_error"]
    assert disk.calls == Counter({"a.txt": ingest.READ_ATTEMPTS, "b.txt": ingest.READ_ATTEMPTS})
    assert all(f"after {ingest.READ_ATTEMPTS} attempts" in d for d in result.quarantine["detail"])


@pytest.mark.parametrize("error", [FileNotFoundError(errno.ENOENT, "No such file"),
                                   PermissionError(errno.EACCES, "Permission denied"),
                                   IsADirectoryError(errno.EISDIR, "Is a directory")])
def test_a_permanent_read_error_is_not_retried_and_quarantines_only_that_file(error):
    disk, pauses = FlakyDisk(1, error), []
    result = read_documents(_files(("a.txt", "a.txt", 10)), pd.DataFrame(columns=ingest.MANIFEST_COLUMNS),
                            read_bytes=disk, sleep=pauses.append)
    assert disk.calls["a.txt"] == 1 and pauses == []
    row = result.quarantine.iloc[0]
    assert (row.source, row.reason) == ("a.txt", "read_error")
    assert error.strerror in row.detail


def test_every_listed_file_of_the_hostile_folder_gets_its_expected_fate(hostile):
    root, fate, _ = hostile
    listing, manifest = list_input_files(root), read_manifest(root)
    batch = process_batch(listing.kept, manifest.kept)
    got = {s: (DOCUMENT, e) for s, e in zip(batch.documents["source"], batch.documents["encoding"])}
    got.update({s: (QUARANTINE, r) for s, r in zip(batch.quarantine["source"], batch.quarantine["reason"])})
    listed = {s: f for s, f in fate.items() if s in set(listing.kept["source"])}
    # a batch alone keeps both copies of one content; the flow splits duplicates across batches
    listed["dup/sub/second.txt"] = (DOCUMENT, "utf-8")
    # a 500 KB line may exceed the per-document time budget on a slow machine: quarantined, not hung
    if got.get("patho/long line.txt") == (QUARANTINE, "time_budget_exceeded"):
        listed["patho/long line.txt"] = got["patho/long line.txt"]
    assert got == listed
    quarantine = pd.concat([listing.quarantine, manifest.quarantine, batch.quarantine], ignore_index=True)
    fates = file_fates(listing.kept["source"], quarantine, batch.documents)
    assert fates.unaccounted.empty
    assert fates.total == listing.counts["files_seen"] == len(fate)
