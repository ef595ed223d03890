#!/usr/bin/env python3
"""Does the DOCX lay out like the app's PDF?  A developer check, not part of the test suite.

For every document kind (its first demo record, and its first record that carries a stamp such as
「作废」) and every register (printed as its first user allowed to open it sees it), plus a 12-item
查封措施告知笔录, this renders the app's PDF and the DOCX, converts the DOCX to PDF with LibreOffice
and prints a table: kind, app pages, LibreOffice pages, equal.  It exits 1 when a count differs.

    .venv/bin/python packaging/libreoffice_check.py [--db demo.sqlite] [--out DIR] [--png] [--only NAME]

Needs ``soffice`` (Debian: ``apt-get install libreoffice-writer-nogui``); without it, it says so and
exits 0.  Without ``--db`` a demo database is made in a temporary folder (``python -m courtdesk
demo-data``, ~30 s).  ``--png`` also writes ``NAME-cmp.png`` per document: the app's pages above,
LibreOffice's below (pdftoppm, 40 dpi).

LibreOffice runs with its own profile and a fontconfig file that adds the bundled fonts
(``resources/fonts``) and maps every font the DOCX names (仿宋_GB2312, 方正小标宋简体, 楷体_GB2312,
黑体, 宋体, Times New Roman) to the bundled face the PDF draws that role with: LibreOffice then lays
the DOCX out with the PDF's metrics, as Word does on a court PC whose fonts match the configured ones.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


@dataclass
class Case:
    name: str  # file stem, e.g. introduction_letter-12
    label: str  # what the table shows
    doc: Any  # the Document
    fonts: Any  # the PDF fonts


def soffice_binary() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def libreoffice_version(soffice: str) -> str:
    result = subprocess.run([soffice, "--version"], capture_output=True, text=True, timeout=120, check=False)
    return result.stdout.strip() or result.stderr.strip()


def fontconfig_file(folder: Path) -> Path:
    """A fonts.conf: the system's, the bundled fonts, and each DOCX font name → the PDF's face."""
    from xml.sax.saxutils import escape

    from courtdesk.kernel.documents import fonts

    faces = {key: spec.label for key, spec in fonts.BUNDLED.items()}
    chains = getattr(fonts, "_ROLE_CHAIN", {})
    aliases: dict[str, str] = {}
    for role, spec in fonts.DOCX_FONTS.items():
        chain = chains.get(role, ("song",))
        aliases.setdefault(spec.east_asia, faces.get(chain[0], faces["song"]))
        aliases.setdefault(spec.latin, faces.get(fonts.LATIN, "Liberation Serif"))
    rare = getattr(fonts, "DOCX_RARE_FONT", None)
    if rare is not None:
        aliases.setdefault(rare.east_asia, faces.get("ming", faces["song"]))
    lines = ['<?xml version="1.0"?>', '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">', "<fontconfig>",
             '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>',
             f"  <dir>{escape(str(fonts.bundled_fonts_dir()))}</dir>",
             f"  <cachedir>{escape(str(folder / 'fc-cache'))}</cachedir>"]
    for name, face in aliases.items():
        lines.append(f'  <alias binding="same"><family>{escape(name)}</family>'
                     f"<prefer><family>{escape(face)}</family></prefer></alias>")
    lines.append("</fontconfig>")
    path = folder / "fonts.conf"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def convert(soffice: str, docx_files: list[Path], out: Path, work: Path) -> None:
    """DOCX → PDF with LibreOffice (one call for all files), its own profile and fonts."""
    env = dict(os.environ, FONTCONFIG_FILE=str(fontconfig_file(work)))
    profile = (work / "lo-profile").as_uri()
    for start in range(0, len(docx_files), 40):
        chunk = docx_files[start:start + 40]
        subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(out), *map(str, chunk)],
                       env=env, capture_output=True, text=True, timeout=1800, check=False)


def pages(pdf: Path) -> int | None:
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages) if pdf.exists() else None


def demo_database(folder: Path) -> Path:
    path = folder / "demo.sqlite"
    subprocess.run([sys.executable, "-m", "courtdesk", "demo-data", "--db", str(path)], cwd=ROOT, check=True,
                   capture_output=True, timeout=600)
    return path


def twelve_item_transcript() -> Any:
    """A 查封措施告知笔录 of twelve measures with long descriptions (several pages)."""
    from courtdesk.areas.enforcement.transcript_document import (
        SeizureTranscriptContent,
        TranscriptItem,
        build_seizure_transcript,
    )

    items = tuple(TranscriptItem(
        f"被执行人名下位于廊坊市广阳区新华路{i}号幸福家园小区{i}号楼{i}单元{i}01室房产一套"
        f"（不动产权证号冀（2021）廊坊市不动产权第00{i}2345号），建筑面积{80 + i}.5平方米，"
        f"及其地下车库{i}号车位一个",
        dt.date(2024, 1, i), dt.date(2027, 1, i)) for i in range(1, 13))
    return build_seizure_transcript(SeizureTranscriptContent(
        "河北省廊坊经济技术开发区人民法院", "（2024）冀1091执123号", dt.datetime(2024, 5, 6, 9, 30),
        "开发区法院执行局", "黄磊", "何佳", "张伟", "李娜民间借贷纠纷", items))


def cases(db_path: Path, only: str | None) -> list[Case]:
    from sqlalchemy import select

    from courtdesk.kernel import printing, registers
    from courtdesk.kernel.db import open_database
    from courtdesk.kernel.models.people import User
    from courtdesk.kernel.registers import RegisterQuery

    found: list[Case] = []
    db = open_database(str(db_path))
    with db.read() as s:
        fonts = printing.fonts_for(s)
        for k in printing.all_kinds():
            if only and only not in k.name:
                continue
            ids = sorted(s.scalars(k.ids()))
            if not ids:
                continue
            found.append(Case(f"{k.name}-{ids[0]}", f"{k.name} #{ids[0]}", k.build(s, ids[0]), fonts))
            for record_id in ids[1:]:  # the first record whose document is stamped (作废 …), if any
                doc = k.build(s, record_id)
                if doc.stamp and not found[-1].doc.stamp:
                    found.append(Case(f"{k.name}-{record_id}", f"{k.name} #{record_id}（{doc.stamp}）", doc, fonts))
                    break
        if not only or only in "seizure_transcript-12items":
            found.append(Case("seizure_transcript-12items", "seizure_transcript（12 项）", twelve_item_transcript(),
                              fonts))
        users = [u for u in s.scalars(select(User).order_by(User.id)) if u.active]
        for spec in registers.all_registers():
            if only and only not in f"register-{spec.key}":
                continue
            actor = next((u for u in users if spec.can_open(u)), None)
            if actor is None:
                continue
            doc = printing.register_document(s, actor, RegisterQuery(spec), fonts=fonts)
            found.append(Case(f"register-{spec.key}", f"登记簿 {spec.key}（{actor.username}）", doc, fonts))
    return found


def side_by_side(app: Path, lo: Path, out: Path, work: Path) -> None:
    from PIL import Image

    def strip(pdf: Path, prefix: str) -> Image.Image:
        subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(work / prefix)], check=True)
        images = [Image.open(p) for p in sorted(work.glob(f"{prefix}-*.png"))]
        canvas = Image.new("RGB", (sum(i.width for i in images) + 6 * len(images), max(i.height for i in images)),
                           "#999999")
        x = 0
        for image in images:
            canvas.paste(image, (x, 0))
            x += image.width + 6
        for p in work.glob(f"{prefix}-*.png"):
            p.unlink()
        return canvas

    top, bottom = strip(app, f"{out.stem}-app"), strip(lo, f"{out.stem}-lo")
    canvas = Image.new("RGB", (max(top.width, bottom.width), top.height + bottom.height + 12), "#cc3333")
    canvas.paste(top, (0, 0))
    canvas.paste(bottom, (0, top.height + 12))
    canvas.save(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="a CourtDesk database (default: a fresh demo database)")
    parser.add_argument("--out", type=Path, help="keep the PDFs and DOCX files here")
    parser.add_argument("--png", action="store_true", help="also write NAME-cmp.png (app above, LibreOffice below)")
    parser.add_argument("--only", help="only documents whose name contains this")
    args = parser.parse_args(argv)

    soffice = soffice_binary()
    if soffice is None:
        print("LibreOffice (soffice) is not installed: nothing checked. "
              "Debian: apt-get install libreoffice-writer-nogui")
        return 0
    from courtdesk.kernel.documents import render_docx, render_pdf

    with tempfile.TemporaryDirectory(prefix="cd-lo-") as tmp:
        work = Path(tmp)
        out = args.out or work / "out"
        (out / "lo").mkdir(parents=True, exist_ok=True)
        db_path = args.db or demo_database(work)
        found = cases(db_path, args.only)
        docx_files = []
        for case in found:
            render_pdf(case.doc, str(out / f"{case.name}.pdf"), fonts=case.fonts)
            buffer = io.BytesIO()
            render_docx(case.doc, buffer)
            (out / f"{case.name}.docx").write_bytes(buffer.getvalue())
            docx_files.append(out / f"{case.name}.docx")
        convert(soffice, docx_files, out / "lo", work)
        version = libreoffice_version(soffice)
        print(f"{version}\n")
        print("| 文书 | 应用 PDF 页数 | LibreOffice 页数 | 相同 |")
        print("| --- | ---: | ---: | :---: |")
        differ = 0
        for case in found:
            app, lo = pages(out / f"{case.name}.pdf"), pages(out / "lo" / f"{case.name}.pdf")
            same = app == lo
            differ += not same
            print(f"| {case.label} | {app} | {lo if lo is not None else '转换失败'} | {'是' if same else '**否**'} |")
            if args.png and lo is not None:
                side_by_side(out / f"{case.name}.pdf", out / "lo" / f"{case.name}.pdf",
                             out / f"{case.name}-cmp.png", work)
        print(f"\n{len(found) - differ} of {len(found)} equal" + (f"; files in {out}" if args.out else ""))
        return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
