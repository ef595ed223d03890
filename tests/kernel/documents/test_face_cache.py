"""What parsing a font face found is kept on disk (issue 21: AR PL UMing alone took ≈170 ms of a cold
``render``): a face read back from the cache is the face parsed — same characters, widths, metrics and
subsets — and a cache file that is damaged, of another version of the font, or cannot be written only
means the face is parsed again."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from courtdesk.kernel.documents import fonts

FIELDS = (*fonts._INFO_FIELDS, *fonts._NAME_FIELDS)


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(fonts.FACE_CACHE_ENV, str(folder))
    return folder


@pytest.fixture
def latin(tmp_path: Path) -> str:
    """A copy of the bundled Latin face (small: the test stays fast; its own file: its own key)."""
    target = tmp_path / "LiberationSerif-Regular.ttf"
    shutil.copy(fonts.bundled_fonts_dir() / "LiberationSerif-Regular.ttf", target)
    return str(target)


def _same(a: fonts.CachedFace, b: fonts.CachedFace) -> None:
    for field in FIELDS:
        assert getattr(a, field) == getattr(b, field), field
        assert type(getattr(a, field)) is type(getattr(b, field)), field
    assert a.name.ustr == b.name.ustr == "LiberationSerif"
    assert a._pdfScale(1234) == b._pdfScale(1234)
    text = [ord(ch) for ch in "Court 2026 lI1 (No.) ABCxyz"]
    assert a.makeSubset(text) == b.makeSubset(text)
    assert [a.getCharWidth(c) for c in text] == [b.getCharWidth(c) for c in text]


def test_a_face_read_from_the_cache_is_the_face_parsed(cache: Path, latin: str) -> None:
    hits = sum(fonts.CACHE_HITS.values())
    parsed = fonts.CachedFace(latin)
    assert sum(fonts.CACHE_HITS.values()) == hits  # first time: parsed, and written
    assert len(list(cache.glob("*.face"))) == 1
    cached = fonts.CachedFace(latin)
    assert sum(fonts.CACHE_HITS.values()) == hits + 1
    _same(parsed, cached)


def test_a_damaged_cache_file_is_ignored_and_written_again(cache: Path, latin: str) -> None:
    parsed = fonts.CachedFace(latin)
    (written,) = cache.glob("*.face")
    written.write_bytes(written.read_bytes()[: len(written.read_bytes()) // 2])  # cut off
    hits = sum(fonts.CACHE_HITS.values())
    again = fonts.CachedFace(latin)
    assert sum(fonts.CACHE_HITS.values()) == hits  # parsed, not read
    _same(parsed, again)
    assert sum(fonts.CACHE_HITS.values()) == hits
    _same(parsed, fonts.CachedFace(latin))  # and the rewritten file serves the next one
    assert sum(fonts.CACHE_HITS.values()) == hits + 1


def test_a_changed_font_file_is_parsed_again(cache: Path, latin: str) -> None:
    fonts.CachedFace(latin)
    stat = os.stat(latin)
    os.utime(latin, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))  # a newer version of the file
    hits = sum(fonts.CACHE_HITS.values())
    fonts.CachedFace(latin)
    assert sum(fonts.CACHE_HITS.values()) == hits
    assert len(list(cache.glob("*.face"))) == 2


def test_an_unwritable_or_switched_off_cache_only_costs_time(tmp_path: Path, latin: str,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    monkeypatch.setenv(fonts.FACE_CACHE_ENV, str(blocker / "cache"))
    hits = sum(fonts.CACHE_HITS.values())
    _same(fonts.CachedFace(latin), fonts.CachedFace(latin))
    monkeypatch.setenv(fonts.FACE_CACHE_ENV, "off")
    _same(fonts.CachedFace(latin), fonts.CachedFace(latin))
    assert sum(fonts.CACHE_HITS.values()) == hits
