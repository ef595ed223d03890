"""Many letters into one PDF: streamed in chunks, with progress and cancel."""

from __future__ import annotations

import gc
import threading
import tracemalloc
from pathlib import Path

import pytest
from pypdf import PdfReader

from courtdesk.bench.samples import sample_investigation_letter
from courtdesk.kernel.documents import PdfBatchWriter, write_batch
from tests.support.readback import pdf_fonts, pdf_page_texts, squash


def case_number(serial: int) -> str:
    return f"(2026)冀1091执{100 + serial}号"


def test_fifty_letters_make_one_pdf_of_fifty_times_three_pages(tmp_path: Path) -> None:
    path = tmp_path / "letters.pdf"
    progress: list[tuple[int, int | None]] = []
    result = write_batch((sample_investigation_letter(i) for i in range(1, 51)), path, title="调查函",
                         progress=lambda done, total: progress.append((done, total)), total=50)
    assert not result.cancelled and result.documents == 50 and result.pages == 150
    assert progress == [(i, 50) for i in range(1, 51)]
    reader = PdfReader(path, strict=True)
    assert len(reader.pages) == 150
    assert reader.metadata is not None and reader.metadata.title == "调查函"
    texts = [squash(text) for text in pdf_page_texts(path)]
    for serial in range(1, 51):
        stub, letter, reply = texts[3 * (serial - 1): 3 * serial]
        assert case_number(serial) in stub and "邮寄回单联粘贴处" in stub
        assert case_number(serial) in letter and "此致" in letter
        assert reply.startswith("复函")
    assert all(font.embedded and font.truetype_outlines for font in pdf_fonts(path))


def test_small_chunks_are_appended_into_one_valid_pdf(tmp_path: Path) -> None:
    path = tmp_path / "chunks.pdf"
    with PdfBatchWriter(path, title="分块", chunk_pages=4) as writer:  # 30 pages → 8 chunks
        for serial in range(1, 11):
            assert writer.add(sample_investigation_letter(serial)) == 3
    reader = PdfReader(path, strict=True)
    assert len(reader.pages) == 30
    assert [case_number(s) in squash(reader.pages[3 * (s - 1) + 1].extract_text()) for s in range(1, 11)] \
        == [True] * 10
    assert all(font.embedded for font in pdf_fonts(path))


def test_cancel_stops_early_and_leaves_no_file(tmp_path: Path) -> None:
    path = tmp_path / "cancelled.pdf"
    cancel = threading.Event()
    built: list[int] = []

    def docs():  # type: ignore[no-untyped-def]
        for serial in range(1, 51):
            built.append(serial)
            yield sample_investigation_letter(serial)

    def progress(done: int, total: int | None) -> None:
        if done == 5:
            cancel.set()

    result = write_batch(docs(), path, progress=progress, cancel=cancel)
    assert result.cancelled and result.documents == 5 and result.pages == 15
    assert len(built) <= 6  # documents are built lazily and stop with the cancel
    assert not path.exists()
    assert list(tmp_path.iterdir()) == []


def test_cancel_accepts_a_callable(tmp_path: Path) -> None:
    done: list[int] = []
    result = write_batch((sample_investigation_letter(i) for i in range(1, 20)), tmp_path / "x.pdf",
                         progress=lambda n, total: done.append(n), cancel=lambda: len(done) >= 4)
    assert result.cancelled and result.documents == 4


def test_an_error_midway_removes_the_partial_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"

    def docs():  # type: ignore[no-untyped-def]
        yield sample_investigation_letter(1)
        raise RuntimeError("数据库连接中断")

    with pytest.raises(RuntimeError):
        write_batch(docs(), path)
    assert list(tmp_path.iterdir()) == []


class _NullStream:
    """A write-only sink, so the measured memory is the writer's and not the output's."""

    def write(self, data: bytes) -> int:
        return len(data)

    def seekable(self) -> bool:
        return False


def _peak_bytes(letters: int, chunk_pages: int) -> int:
    with PdfBatchWriter(_NullStream()) as warm_up:  # fonts loaded and registered before measuring
        warm_up.add(sample_investigation_letter(1))
    # the automatic collector runs at allocation-count thresholds, so when it frees a chunk's canvas
    # (reference cycles) varies from run to run and moves the peak by a few hundred KB; the writer
    # collects after each chunk itself, so measure with only that
    gc.collect()
    gc.disable()
    tracemalloc.start()
    try:
        with PdfBatchWriter(_NullStream(), chunk_pages=chunk_pages) as writer:
            for serial in range(1, letters + 1):
                writer.add(sample_investigation_letter(serial))
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        gc.enable()


def test_batch_memory_does_not_grow_with_the_number_of_letters() -> None:
    # 30 vs 120 pages in chunks of 15 pages: the peak is that of two full chunks (the first is kept
    # until the second comes); both runs end on a full chunk, as a short last chunk parses smaller
    small, large = _peak_bytes(10, 15), _peak_bytes(40, 15)
    assert large < small + 150_000, (small, large)
    # the measurement can tell: one reportlab canvas for everything keeps every page (~5 KB each)
    whole_small, whole_large = _peak_bytes(8, 10_000), _peak_bytes(40, 10_000)
    assert whole_large > whole_small + 300_000, (whole_small, whole_large)
