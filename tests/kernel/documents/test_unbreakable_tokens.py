"""Nothing that belongs together breaks (issue 20 §2): amounts, dates, times, case and document numbers,
plates, ID and invoice numbers are unbreakable tokens — in the PDF line breaker (``textlayout.wrap``),
in the register printer (``register.break_lines``) and, with word joiners, in the DOCX.  A token wider
than the whole line breaks at its joints (after 年 / 月, after the year bracket, after 万 / 亿 / 元, after
the 「·」 of a plate), and only a piece still too wide between characters; 「¥」 never ends a line."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from courtdesk.kernel.documents import Document, Paragraph, render_docx, render_pdf
from courtdesk.kernel.documents.fonts import resolve_fonts
from courtdesk.kernel.documents.geometry import page_geometry
from courtdesk.kernel.documents.model import PageSetup
from courtdesk.kernel.documents.register import _is_atom_value, break_lines
from courtdesk.kernel.documents.textlayout import (
    NO_LINE_END,
    NO_LINE_START,
    WORD_JOINER,
    Measurer,
    is_unbreakable,
    join_tokens,
    joints,
    pieces,
    pieces_within,
    tokens,
    wrap,
)
from courtdesk.kernel.money import amount_in_words, format_yuan, from_fen
from tests.support.readback import docx_body_lines, pdf_glyphs, squash

G = page_geometry(PageSetup())
FONTS = resolve_fonts()
CN_DIGITS = "〇一二三四五六七八九"


def measurer(size: float) -> Measurer:
    return Measurer(FONTS, "body", size, G.char_space(size))


# --- generated tokens ----------------------------------------------------------------------------------

def _cn_count(n: int) -> str:
    """1–31 as a court date writes them: 一 … 十 … 二十一 … 三十一."""
    tens, ones = divmod(n, 10)
    return ("" if tens == 0 else ("十" if tens == 1 else CN_DIGITS[tens] + "十")) + (CN_DIGITS[ones] if ones else "")


FEN = st.one_of(st.integers(1, 99_999_999), st.integers(10_000_000, 99_999_999_999))
DAYS = st.dates(dt.date(1990, 1, 1), dt.date(2099, 12, 31))
PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
PLATE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"

AMOUNTS = st.one_of(
    FEN.map(lambda f: format_yuan(from_fen(f))),  # ¥37,489.65
    FEN.map(lambda f: f"人民币{f // 100:,}元"),  # 人民币58,300元
    FEN.map(lambda f: f"{f / 100:,.2f} 元"),  # 1,234.50 元
    FEN.map(lambda f: amount_in_words(from_fen(f), prefix=True)),  # 人民币叁万…整
)
DATES = st.one_of(
    DAYS.map(lambda d: f"{d.year}年{d.month}月{d.day}日"),
    DAYS.map(lambda d: "".join(CN_DIGITS[int(c)] for c in str(d.year)) + f"年{_cn_count(d.month)}月{_cn_count(d.day)}日"),
    DAYS.map(lambda d: f"{_cn_count(d.day)}日"),  # 十八日
    DAYS.map(lambda d: d.isoformat()),
)
CASE_NUMBERS = st.builds(
    lambda year, court, word, serial, paren: f"{paren[0]}{year}{paren[1]}{court}{word}{serial}号",
    st.integers(2000, 2099), st.sampled_from(["京0105", "冀1091", "", "沪0115"]),
    st.sampled_from(["执", "执恢", "民初", "执调字第", "第", "报", "借"]), st.integers(1, 99999),
    st.sampled_from(["（）", "()"]))
DOCUMENT_NUMBERS = st.builds(lambda issuer, year, serial: f"{issuer}〔{year}〕{serial}号",
                             st.sampled_from(["京朝法介", "廊开法", "冀法"]), st.integers(2000, 2099),
                             st.integers(1, 999))
PLATES = st.builds(lambda p, letter, dot, tail: f"{p}{letter}{dot}{tail}", st.sampled_from(PROVINCES),
                   st.sampled_from("ABCDEFGHJKLMNPQRSTUVWXYZ"), st.sampled_from(["·", ""]),
                   st.text(st.sampled_from(PLATE_CHARS), min_size=5, max_size=6))
ID_NUMBERS = st.builds(lambda digits, last: digits + last, st.text(st.sampled_from("0123456789"), min_size=17,
                                                                  max_size=17), st.sampled_from("0123456789X"))
INVOICE_NUMBERS = st.text(st.sampled_from("0123456789"), min_size=8, max_size=20)
TOKENS = st.one_of(AMOUNTS, DATES, CASE_NUMBERS, DOCUMENT_NUMBERS, PLATES, ID_NUMBERS, INVOICE_NUMBERS)
PROSE = st.text(st.sampled_from(list("被执行人名下存款车辆有效期至号牌冻结，。、：（）《》 ")), max_size=24)


def _span(lines: list[str], token: str, start: int | None = None) -> tuple[int, list[int]]:
    """Where ``token`` starts in the printed text (spaces ignored; the first time from ``start``), and
    the indexes of the lines it is printed on."""
    flat = "".join(lines).replace(" ", "")
    tok = token.replace(" ", "")
    at0 = flat.find(tok) if start is None else start
    assert at0 >= 0 and flat[at0:at0 + len(tok)] == tok, (token, lines)
    out, at = [], 0
    for i, line in enumerate(lines):
        n = len(line.replace(" ", ""))
        if at + n > at0 and at < at0 + len(tok):
            out.append(i)
        at += n
    return at0, out


def _lines_of(lines: list[str], token: str) -> list[int]:
    return _span(lines, token)[1]


@settings(max_examples=400, deadline=None)
@given(PROSE, TOKENS, PROSE, st.floats(min_value=24.0, max_value=G.frame_width), st.sampled_from([10.5, 12.0, 16.0]),
       st.booleans())
@example("有效期7天（二〇二六年一月十二日至", "二〇二六年一月十八日", "）", 230.0, 16.0, True)  # 「十八」 / 「日）」
@example("内存款", "人民币58,300元", "", 120.0, 10.5, False)  # the demo transcript's 查封标的 cell
@example("号牌", "蒙K·8X2Q7", "）", 60.0, 10.5, False)
@example("粘贴单金额合计", "¥37,489.65", "", 60.0, 10.5, False)
@example("合计", "¥100.00", "", 30.0, 10.5, False)  # 「¥」 alone at a line's end
@example("案号", "（2026）京0105执1234号", "，", 100.0, 12.0, False)
@example("下", "冀法〔2000〕1号", "", 89.0, 12.0, False)  # the issuer took 「下」 along: it goes first
def test_no_token_is_split_and_nothing_passes_the_frame(before: str, token: str, after: str, width: float,
                                                         size: float, indent: bool) -> None:
    m = measurer(size)
    first = 2 * size if indent and width > 4 * size else 0.0
    text = before + token + after
    assert is_unbreakable(token) or token.isalnum(), token  # each generated token is one token
    lines = wrap(text, m, width, first)
    printed = [line.text for line in lines]
    assert "".join(printed).replace(" ", "") == text.replace(" ", "")  # no character lost
    for i, line in enumerate(lines):
        room = width - (first if i == 0 else 0.0)
        assert line.width <= room + 0.01 or len(line.text) == 1, (printed, room)  # nothing passes the frame
        if i < len(lines) - 1:
            assert not line.text.endswith(("¥", "￥")), printed
    on = _lines_of(printed, token)
    # measured with the brackets and punctuation glued to it: 「号牌蒙K·」 / 「8X2Q7）」, not a 「）」 alone
    lead = before[len(before.rstrip("".join(NO_LINE_END))):]
    trail = after[:len(after) - len(after.lstrip("".join(NO_LINE_START)))]
    if m.width(lead + token + trail) <= width - first:
        assert len(on) == 1, (token, printed)  # whole on one line
    else:
        # wider than a line: it breaks only at its joints, as long as each piece fits a line (the
        # figures after a 「¥」 that has to go with them excepted: 「¥100.0」 / 「0」 in a 30 pt cell)
        parts = pieces_within(token, m, width - first, lead, trail)
        if all(m.width(p) <= width - first for p in parts) and parts[0] not in ("¥", "￥"):
            at = len(before.replace(" ", ""))
            for part in parts:
                _at, on_lines = _span(printed, part, at)
                assert len(on_lines) == 1 or part.strip() == "", (part, printed)
                at += len(part.replace(" ", ""))


def test_the_tokens_the_issue_names() -> None:
    assert tokens("有效期7天（二〇二六年一月十二日至二〇二六年一月十八日）")[-4:] == [
        "二〇二六年一月十二日", "至", "二〇二六年一月十八日", "）"]
    assert tokens("内存款人民币58,300元")[-1] == "人民币58,300元"
    assert tokens("号牌蒙K·8X2Q7）")[-2:] == ["蒙K·8X2Q7", "）"]
    assert tokens("案号（2026）京0105执1234号之一，")[-2:] == ["（2026）京0105执1234号之一", "，"]
    assert "京朝法介〔2026〕12号" in tokens("依京朝法介〔2026〕12号函")
    assert tokens("时间：二〇二六年十一月十七日九时三十分")[-2:] == ["二〇二六年十一月十七日", "九时三十分"]
    assert tokens("身份证号：13100319910722026X）")[-2:] == ["13100319910722026X", "）"]
    assert tokens("二〇二六年五月二十六日至\n")[:1] == ["二〇二六年五月二十六日"]
    assert "".join(tokens("任何文字 ¥1,000,另")) == "任何文字 ¥1,000,另"


def test_a_token_wider_than_the_line_breaks_at_its_joints() -> None:
    assert pieces("二〇二六年十二月十八日") == ["二〇二六年", "十二月", "十八日"]
    assert pieces("（2026）京0105执1234号") == ["（2026）", "京0105执1234号"]
    assert pieces("蒙K·8X2Q7") == ["蒙K·", "8X2Q7"]
    assert pieces("人民币叁万柒仟肆佰捌拾玖元陆角伍分") == ["人民币叁万", "柒仟肆佰捌拾玖元", "陆角伍分"]
    m = measurer(10.5)
    lines = [line.text for line in wrap("二〇二六年十二月十八日", m, 6 * 10.5)]
    assert lines == ["二〇二六年", "十二月十八日"]  # never 「十八」 / 「日」


# --- the register printer ----------------------------------------------------------------------------

@settings(max_examples=150, deadline=None)
@given(PROSE, TOKENS, PROSE, st.floats(min_value=30.0, max_value=200.0))
@example("", "¥100.00", "", 30.0)  # 「¥」 alone at a line's end, found by hypothesis in a register cell
def test_register_cells_keep_tokens_whole(before: str, token: str, after: str, width: float) -> None:
    m = Measurer(FONTS, "body", 10.5, 0.0)
    text = before + token + after
    lines = break_lines(text, m, width)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(m.width(line) <= width + 0.01 or len(line) == 1 for line in lines), lines
    assert not any(line.endswith("¥") for line in lines[:-1])
    lead = before[len(before.rstrip("".join(NO_LINE_END))):]  # with the punctuation glued to it
    trail = after[:len(after) - len(after.lstrip("".join(NO_LINE_START)))]
    if m.width(lead + token + trail) <= width and "号" not in token:  # a case number may go in two (after its year)
        assert len(_lines_of(lines, token)) == 1, (token, lines)


def test_a_register_column_of_court_dates_or_amounts_is_never_broken() -> None:
    assert _is_atom_value("二〇二六年十一月十七日")
    assert _is_atom_value("¥37,489.65")
    assert _is_atom_value("蒙K·8X2Q7")
    assert not _is_atom_value("被执行人名下小型轿车一辆")


# --- the DOCX ------------------------------------------------------------------------------------------

def test_word_joiners_sit_inside_tokens_only() -> None:
    assert join_tokens("十八日）") == WORD_JOINER.join("十八日") + "）"
    assert join_tokens("存款人民币58,300元") == "存款" + WORD_JOINER.join("人民币5") + "8,300" + WORD_JOINER + "元"
    assert join_tokens("¥37,489.65") == "¥" + WORD_JOINER + "37,489.65"
    assert join_tokens("13100319910722026X") == "13100319910722026X"  # ASCII: no word processor breaks it
    assert join_tokens("法院执行局") == "法院执行局"


TRANSCRIPT_CELL = "被执行人赵喆在中国工商银行股份有限公司廊坊开发区支行账户（尾号4567）内存款人民币58,300元"
LETTER = "有效期7天（二〇二六年一月十二日至二〇二六年一月十八日）；扣押被执行人小型轿车一辆（号牌蒙K·8X2Q7）。"


def test_the_docx_carries_the_joiners_and_reads_back_as_the_text(tmp_path: Path) -> None:
    doc = Document(title="t", blocks=(Paragraph(LETTER), Paragraph(TRANSCRIPT_CELL)))
    target = tmp_path / "t.docx"
    render_docx(doc, target)
    import docx

    raw = [p.text for p in docx.Document(str(target)).paragraphs if p.text.strip()]
    assert WORD_JOINER.join("二〇二六年一月十八日") in raw[0]
    assert WORD_JOINER.join("人民币5") in raw[1]
    assert docx_body_lines(target) == [LETTER, TRANSCRIPT_CELL]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_keeps_the_tokens_of_the_docx_on_one_line(tmp_path: Path) -> None:
    """LibreOffice (7.4 checked) honours U+2060 in a run whose East Asian language is not Chinese: no date
    or amount breaks in its layout (without the joiners and the run's language it printed
    「二〇二六年一月十」 / 「八日）」)."""
    narrow = PageSetup(left_mm=60.0, right_mm=60.0, grid=None)
    blocks = tuple(Paragraph("法" * k + LETTER + TRANSCRIPT_CELL) for k in range(8))
    target = tmp_path / "narrow.docx"
    render_docx(Document(title="t", blocks=blocks, page=narrow), target)
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(target)],
                   check=True, capture_output=True, timeout=120)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "narrow.pdf"), "-"], check=True,
                          capture_output=True, text=True).stdout.replace(WORD_JOINER, "")
    lines = [squash(line) for line in text.splitlines()]
    for token in ("二〇二六年一月十二日", "二〇二六年一月十八日", "人民币58,300元", "蒙K·8X2Q7"):
        assert sum(token in line for line in lines) == 8, (token, lines)


# --- rendered documents ----------------------------------------------------------------------------------

def _pdf_lines(doc: Document) -> list[str]:
    pdf = io.BytesIO()
    render_pdf(doc, pdf)
    return [squash("".join(g.char for g in line)) for page in pdf_glyphs(io.BytesIO(pdf.getvalue()))
            for line in page.lines()]


def test_the_demo_transcript_prints_the_amount_and_the_dates_whole() -> None:
    from courtdesk.areas.enforcement.transcript_document import (
        SeizureTranscriptContent,
        TranscriptItem,
        build_seizure_transcript,
    )

    content = SeizureTranscriptContent(
        court_name="河北省廊坊经济技术开发区人民法院", case_number="(2026)冀1091执1123号",
        held_at=dt.datetime(2026, 11, 17, 9, 30), place="廊坊经济技术开发区人民法院执行局", judge="黄磊",
        clerk="何佳", party="廊坊市恒达建材有限公司（委托代理人王磊）", case_words="你申请执行赵喆买卖合同纠纷",
        items=(TranscriptItem(TRANSCRIPT_CELL, dt.date(2026, 5, 26), dt.date(2026, 12, 17)),
               TranscriptItem("被执行人赵喆名下小型轿车一辆（号牌冀R·A1234）", dt.date(2026, 5, 26),
                              dt.date(2027, 1, 1))))
    lines = _pdf_lines(build_seizure_transcript(content))
    for token in ("人民币58,300元", "冀R·A1234", "二〇二六年五月二十六日", "二〇二六年十二月十七日",
                  "二〇二六年十一月十七日", "九时三十分", "(2026)冀1091执1123号"):
        assert sum(token in line for line in lines) >= 1, (token, lines)


def test_a_finance_form_with_a_total_above_100000_prints_it_on_one_line() -> None:
    from courtdesk.areas.finance.documents import (
        ClaimContent,
        LineContent,
        ReceiptContent,
        capitals,
        claim_document,
        paste_sheet_document,
        yuan,
    )

    day = dt.date(2026, 12, 18)
    fens = [12_345_678, 3_748_965, 9_999_999]  # ¥123,456.78 …
    claim = ClaimContent(
        court_name="河北省廊坊经济技术开发区人民法院", number="(2026)报0001号", kind="general", applicant="黄磊",
        department="执行局", purpose="购置执行车辆（号牌蒙K·8X2Q7）及办案费，发票号码 044001900211 12345678",
        filed_on=day, lines=tuple(LineContent("办案费", f"第{i}项", fen, 1) for i, fen in enumerate(fens)),
        receipts=tuple(ReceiptContent("增值税发票", f"0440019002{i:02d}", day, fen, 1, i) for i, fen in enumerate(fens)))
    total = sum(fens)
    assert total >= 10_000_000  # ≥ ¥100,000
    for doc in (claim_document(claim), paste_sheet_document(claim)):
        lines = _pdf_lines(doc)
        for token in (yuan(total), capitals(total), "二〇二六年十二月十八日", "蒙K·8X2Q7"):
            assert sum(squash(token) in line for line in lines) >= 1, (token, lines)
        assert not any(line.endswith(tuple(NO_LINE_END)) for line in lines), lines


def test_a_token_wider_than_its_docx_cell_is_joined_only_within_its_joints(tmp_path: Path) -> None:
    """The DOCX cannot make LibreOffice squeeze a token wider than its cell: the token is joined piece by
    piece (after the year bracket …), so it breaks there as in the PDF, not at 「(2021」 / 「)廊坊…」."""
    from courtdesk.kernel.documents import Column, Table

    number = "冀(2021)廊坊开发区不动产权第0012345号"
    doc = Document(title="t", blocks=(Table((Column("标的", 1.0, "left"), Column("期间", 4.0)),
                                            (("不动产权证号" + number, "二〇二六年十月二十八日"),)),))
    target = tmp_path / "cell.docx"
    render_docx(doc, target)
    import docx

    cells = [cell.text for row in docx.Document(str(target)).tables[0].rows for cell in row.cells]
    assert "(" + WORD_JOINER + "2021)" + WORD_JOINER not in cells[1]  # no joiner across the year's joint
    assert WORD_JOINER.join("二〇二六年") in cells[3]  # the date, which fits, is joined whole


# --- 禁则 around tokens: brackets and punctuation stay with their neighbours ------------------------------
#
# The limit, defined once.  A text is a row of atoms: its characters, except that a token (an amount, a
# date, a case number, a plate, a run of letters and digits) is one atom between two of its joints
# (:func:`joints`: 「蒙K·」 「8X2Q7」).  The rules glue two neighbouring atoms when the first ends with opening
# punctuation or 「¥」 (never at a line's end) or the second starts with closing punctuation (never at a
# line's start).  A line may break only between two atoms the rules do not glue — unless the glued run
# of atoms there is wider than a whole line (the narrowest line of the paragraph: the first, after its
# indent; the breakers plan with that width), when something has to give.  So no line ends with an
# opening bracket, none starts with 。，、）」 …, and no token breaks except at a joint, but where a line
# could not hold the run.  (Spaces beside brackets are not generated: 「（ 」 at a break is a case of its
# own, kept by the PDF breaker only.)

OPENING = sorted(NO_LINE_END)
CLOSING = sorted(NO_LINE_START)
WORDS = st.text(st.sampled_from(list("被执行人名下存款登记小型轿车一辆号牌有效期至冻结")), min_size=1, max_size=6)
PUNCTUATION = st.one_of(st.text(st.sampled_from(OPENING), min_size=1, max_size=2),
                        st.text(st.sampled_from(CLOSING), min_size=1, max_size=2))
MIXED = st.lists(st.one_of(TOKENS, WORDS, PUNCTUATION, PUNCTUATION), min_size=1, max_size=8).map("".join)


def _atoms(text: str) -> list[str]:
    return [atom for tok in tokens(text) for atom in (joints(tok) if len(tok) > 1 else [tok])]


def _check_kinsoku(text: str, printed: list[str], m: Measurer, room: float) -> None:
    assert "".join(printed).replace(" ", "") == text.replace(" ", ""), printed  # no character lost
    breaks, at = set(), 0  # after how many printed characters (spaces not counted) each line ends
    for line in printed[:-1]:
        at += len(line.replace(" ", ""))
        breaks.add(at)
    atoms = _atoms(text)
    starts, at = [], 0  # where each atom starts and ends, in printed characters
    for atom in atoms:
        starts.append(at)
        at += len(atom.replace(" ", ""))
    ends = [*starts[1:], at]

    def glued(k: int) -> bool:  # atoms k-1 and k
        return atoms[k - 1][-1:] in NO_LINE_END or atoms[k][:1] in NO_LINE_START

    def run(lo: int, hi: int) -> str:  # the glued run of atoms around atoms lo..hi, as printed on one line
        while lo > 0 and glued(lo):
            lo -= 1
        while hi + 1 < len(atoms) and glued(hi + 1):
            hi += 1
        return "".join(atoms[lo:hi + 1]).strip(" ")

    for k, atom in enumerate(atoms):
        inside = [b for b in breaks if starts[k] < b < ends[k]]
        if inside:  # a token broken between two joints
            assert m.width(run(k, k)) > room + 0.01, (atom, run(k, k), printed)
        if k and starts[k] in breaks and glued(k) and starts[k] > starts[k - 1]:  # a kinsoku break
            assert m.width(run(k - 1, k)) > room + 0.01, (run(k - 1, k), m.width(run(k - 1, k)), room, printed)


SIZES = st.sampled_from([9.0, 10.5, 12.0, 16.0])


@settings(max_examples=400, deadline=None)
@given(MIXED, st.floats(min_value=2.0, max_value=30.0), SIZES, st.booleans())
@example("被执行人名下登记小型轿车一辆（冀R·A1234）。", 6.5, 9.0, False)  # the 发函登记簿's row 8
@example("一辆（冀R·A1234）。", 6.0, 10.5, False)
@example("（《二〇二六年一月十八日》）。", 2.0, 10.5, False)
def test_the_paragraph_breaker_keeps_brackets_and_punctuation_with_their_neighbours(
        text: str, chars: float, size: float, indent: bool) -> None:
    m = measurer(size)
    width = min(chars * size, G.frame_width)
    first = 2 * size if indent and width > 4 * size else 0.0
    lines = wrap(text, m, width, first)
    _check_kinsoku(text, [line.text for line in lines], m, width - first)


@settings(max_examples=400, deadline=None)
@given(MIXED, st.floats(min_value=2.0, max_value=20.0), SIZES)
@example("被执行人名下登记小型轿车一辆（冀R·A1234）。", 6.5, 9.0)  # the 发函登记簿's row 8
@example("被执行人名下登记小型轿车一辆（冀R·A1234）。", 6.0, 10.5)
@example("依（冀法〔2000〕1号）。", 4.0, 10.5)
def test_register_cells_keep_brackets_and_punctuation_with_their_neighbours(text: str, chars: float,
                                                                           size: float) -> None:
    m = Measurer(FONTS, "body", size, 0.0)
    width = chars * size
    lines = break_lines(text, m, width)
    assert all(m.width(line) <= width + 0.01 or len(line) == 1 for line in lines), lines
    _check_kinsoku(text, lines, m, width)


def test_the_outgoing_letter_register_row_8_breaks_at_the_plate_joint() -> None:
    """The 发函登记簿's 回复情况 cell printed 「一辆」 / 「（」 / 「冀R·A1234）」 / 「。」."""
    text = "被执行人名下登记小型轿车一辆（冀R·A1234）。"
    for size in (9.0, 10.5):
        m = Measurer(FONTS, "body", size, 0.0)
        for chars in (6.0, 6.5):
            assert break_lines(text, m, chars * size)[-2:] == ["一辆（冀R·", "A1234）。"]
            assert [line.text for line in wrap(text, measurer(size), chars * size)][-2:] == ["一辆（冀R·", "A1234）。"]
