"""Where a document's closing (署名 and 成文日期) sits, read back from the PDF and the DOCX: used by the
tests of GB/T 9704-2012 §7.3.5.1 placement (成文日期右空四字, 署名居中排于成文日期之上)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx
import pypdf
from docx.oxml.ns import qn


def _baselines(path: Path, page: int) -> list[tuple[float, list[tuple[float, str]]]]:
    """The upright text runs of ``page`` by baseline, top to bottom, each baseline's runs left to right."""
    runs: list[tuple[float, float, str]] = []

    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if text.strip() and abs(cm[1]) < 1e-6 and abs(tm[1]) < 1e-6:
            runs.append((round(tm[5] * cm[3] + cm[5], 1), tm[4] + cm[4], text.strip()))

    pypdf.PdfReader(path).pages[page].extract_text(visitor_text=visit)
    lines: dict[float, list[tuple[float, str]]] = {}
    for y, x, text in runs:
        lines.setdefault(y, []).append((x, text))
    # stable: the runs of one text object (a font change) all report its start x, in drawing order
    return [(y, sorted(parts, key=lambda part: part[0])) for y, parts in sorted(lines.items(), reverse=True)]


def pdf_text_at(path: Path, text: str, page: int = 0, last: bool = False) -> tuple[float, float]:
    """(baseline y, x of its first glyph) of ``text`` printed as consecutive runs of one baseline (a
    whole line, or the date at the end of a signature line); the first such place, or the last."""
    found = []
    for y, parts in _baselines(path, page):
        for i in range(len(parts)):
            joined = ""
            for _, run in parts[i:]:
                joined += run.replace(" ", "")
                if joined == text:
                    found.append((y, parts[i][0]))
                    break
                if not text.startswith(joined):
                    break
    assert found, (text, _baselines(path, page))
    return found[-1] if last else found[0]


def docx_paragraph(path: Path, text: str, last: bool = False) -> dict[str, float | str]:
    """``jc``, ``left`` and ``right`` indents (points) and ``tab`` (the last right tab stop, points, or
    -1) of the body paragraph whose text (tabs dropped) ends with ``text``."""
    found = []
    for p in docx.Document(str(path)).paragraphs:
        if p.text.replace("\t", "").replace("\u2060", "").strip().endswith(text):  # joiners: see textlayout
            ppr = p._p.pPr
            ind = ppr.find(qn("w:ind")) if ppr is not None else None
            jc = ppr.find(qn("w:jc")) if ppr is not None else None
            tabs = ppr.findall(f"{qn('w:tabs')}/{qn('w:tab')}") if ppr is not None else []
            right_tabs = [int(t.get(qn("w:pos"))) / 20 for t in tabs if t.get(qn("w:val")) == "right"]

            def twips(attr: str, ind: Any = ind) -> float:
                value = ind.get(qn(attr)) if ind is not None else None
                return int(value) / 20 if value else 0.0

            found.append({"jc": jc.get(qn("w:val")) if jc is not None else "left",
                          "left": twips("w:left"), "right": twips("w:right"),
                          "tab": right_tabs[-1] if right_tabs else -1.0})
    assert found, text
    return found[-1] if last else found[0]
