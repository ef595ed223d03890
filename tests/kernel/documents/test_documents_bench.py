"""The document benchmark runs and reports its numbers (never asserted: timings are not tests)."""

from __future__ import annotations

from courtdesk.bench.documents import bench_documents
from courtdesk.bench.samples import sample_introduction_letter


def test_bench_reports_every_number() -> None:
    result = bench_documents(2, sample_introduction_letter, batch_letters=3, libreoffice=False)
    assert set(result) == {
        "documents", "docx_ms_per_doc", "pdf_ms_per_doc", "pdf_first_ms", "pdf_bytes", "libreoffice_ms_per_doc",
        "libreoffice_ratio",
        "batch_letters", "batch_s", "batch_pages", "batch_peak_rss_mb", "batch_file_mb",
    }
    assert result["batch_letters"] == 3 and result["batch_pages"] == 3
    assert result["docx_ms_per_doc"] > 0 and result["pdf_ms_per_doc"] > 0
    assert result["libreoffice_ms_per_doc"] is None and result["libreoffice_ratio"] is None
    assert result["batch_peak_rss_mb"] is None or result["batch_peak_rss_mb"] > 10
    assert result["pdf_bytes"] > 1000


def test_render_cli_bench_times_the_command_and_reports_without_libreoffice(monkeypatch) -> None:  # noqa: ANN001
    from courtdesk.bench import render_cli

    monkeypatch.setattr(render_cli.shutil, "which", lambda name: None)
    result = render_cli.bench_render_cli(runs=1)
    assert result["runs"] == 1 and result["render_s"] > 0 and len(result["render_runs_s"]) == 1
    assert result["libreoffice_s"] is None and result["ratio"] is None
    assert result["pdf_bytes"] > 1000  # the command wrote the letter
