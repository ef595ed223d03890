"""Issue 21: a font file is parsed once per process, a face only when a character needs it, and a
subset is built once and shared by every document that needs the same characters (a batch)."""

from __future__ import annotations

import io

from pypdf import PdfReader

from courtdesk.bench.samples import sample_introduction_letter, sample_investigation_letter
from courtdesk.kernel.documents import PdfBatchWriter, render_pdf, resolve_fonts
from courtdesk.kernel.documents import fonts as fonts_module
from tests.support.readback import pdf_fonts, pdf_page_texts, squash


def _pdf(doc: object) -> bytes:
    out = io.BytesIO()
    render_pdf(doc, out)  # type: ignore[arg-type]
    return out.getvalue()


def test_each_font_file_is_parsed_once_however_many_documents_use_it() -> None:
    for serial in range(1, 4):
        _pdf(sample_investigation_letter(serial))
        _pdf(sample_introduction_letter(serial))
    fonts = resolve_fonts()
    for face in fonts.loaded_faces():
        assert fonts_module.PARSES[(str(face.path), face.subfont_index)] == 1, face


def test_a_font_set_parses_no_face_until_a_character_needs_it(tmp_path) -> None:  # noqa: ANN001
    import shutil

    for spec in fonts_module.BUNDLED.values():
        shutil.copy(fonts_module.bundled_fonts_dir() / spec.file, tmp_path / spec.file)
    fonts = resolve_fonts(bundled_dir=tmp_path)
    assert not [key for key in fonts_module.PARSES if key[0].startswith(str(tmp_path))]
    fonts.pick("审", "body")
    parsed = {key[0].rsplit("/", 1)[-1] for key in fonts_module.PARSES if key[0].startswith(str(tmp_path))}
    assert parsed == {"gbsn00lp.ttf"}  # the body role's first face has it: nothing further is read


def test_a_batch_builds_each_subset_once_and_every_letter_still_reads_whole() -> None:
    _pdf(sample_investigation_letter(1))  # the process has built this letter's subsets
    before = sum(fonts_module.SUBSET_BUILDS.values())
    out = io.BytesIO()
    with PdfBatchWriter(out, chunk_pages=6) as writer:  # 6 chunks of two letters, each embedding its fonts
        for serial in range(1, 13):
            writer.add(sample_investigation_letter(serial))
    assert sum(fonts_module.SUBSET_BUILDS.values()) == before
    reader = PdfReader(io.BytesIO(out.getvalue()))
    assert len(reader.pages) == 36
    texts = pdf_page_texts(io.BytesIO(out.getvalue()))
    assert "(2026)冀1091执112号" in squash(texts[33])
    assert all(font.embedded for font in pdf_fonts(io.BytesIO(out.getvalue())))


def test_a_letter_embeds_one_subset_of_the_song_face_not_two() -> None:
    # CJK faces never draw ASCII (the Latin face does), so their subsets hold 255 characters instead
    # of reserving 95 codes for ASCII: the letter's ~200 Song characters fit in one subset
    names = [font.base_font for font in pdf_fonts(io.BytesIO(_pdf(sample_investigation_letter(1))))]
    song = [name for name in names if "Bousung" in name]
    assert len(song) == 1, names


def test_a_long_batch_gives_the_objects_it_set_aside_back_whether_it_ends_or_is_abandoned() -> None:
    import gc

    for finish in ("close", "abort"):
        writer = PdfBatchWriter(io.BytesIO(), chunk_pages=3)
        for serial in range(1, 4):  # three chunks: the collector walks only what the batch made
            writer.add(sample_investigation_letter(serial))
        assert gc.get_freeze_count() > 0
        getattr(writer, finish)()
        assert gc.get_freeze_count() == 0, finish


def test_chunks_joined_without_pypdf_read_as_the_letters_they_hold() -> None:
    from courtdesk.kernel.documents.pdf_renderer import _reportlab_objects

    single = _pdf(sample_investigation_letter(7))
    parsed = _reportlab_objects(single)
    assert parsed is not None and len(parsed[1]) == 3  # reportlab's own file: read without pypdf
    assert _reportlab_objects(b"%PDF-1.4 not a reportlab file") is None  # anything else: pypdf
    out = io.BytesIO()
    with PdfBatchWriter(out, chunk_pages=3) as writer:  # one letter a chunk
        for serial in range(1, 5):
            writer.add(sample_investigation_letter(serial))
    texts = pdf_page_texts(io.BytesIO(out.getvalue()))
    assert len(texts) == 12
    for serial in range(1, 5):
        assert f"(2026)冀1091执{100 + serial}号" in squash(texts[3 * (serial - 1)])
    assert squash(texts[5]).startswith("复函")
