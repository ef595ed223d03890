"""The document model: filling fields, text lines, geometry."""

from __future__ import annotations

import pytest

from courtdesk.kernel.documents import (
    PAGE_X_OF_Y,
    Box,
    CaseNumberLine,
    Column,
    Document,
    PageBreak,
    Paragraph,
    SignatureLine,
    Spacer,
    Table,
    TearLine,
    Title,
    document_text_lines,
    fill,
    page_furniture,
    require,
)
from courtdesk.kernel.documents.geometry import mm, page_geometry
from courtdesk.kernel.documents.model import PageSetup
from courtdesk.kernel.errors import ValidationError


def test_fill_fills_every_field() -> None:
    text = fill("关于{申请执行人}与{被执行人}申请执行纠纷一案", {"申请执行人": "张三", "被执行人": "李四"})
    assert text == "关于张三与李四申请执行纠纷一案"


@pytest.mark.parametrize("value", [None, "", "   "])
def test_fill_refuses_a_blank_field_and_names_it(value: object) -> None:
    with pytest.raises(ValidationError) as caught:
        fill("经查{被执行人}住所地为{住所}", {"被执行人": "李四", "住所": value})
    assert "住所" in str(caught.value)
    assert caught.value.field == "住所"


def test_fill_refuses_a_missing_field() -> None:
    with pytest.raises(ValidationError, match="被执行人"):
        fill("{被执行人}", {})


def test_require_returns_stripped_text() -> None:
    assert require("  李四 ", "被执行人") == "李四"
    with pytest.raises(ValidationError, match="调查对象"):
        require("", "调查对象")


def test_table_refuses_a_one_shot_iterator() -> None:
    with pytest.raises(TypeError):
        Table(columns=(Column("a"),), rows=iter([("1",)]))


def test_text_lines_cover_every_block_in_order() -> None:
    doc = Document("t", (
        Title("第一行\n第二行"),
        CaseNumberLine("(2026)冀1091执1号"),
        Paragraph("正文"),
        Table(columns=(Column("序号"), Column("查封标的")), rows=[("1", "房产"), ("2", "")]),
        SignatureLine((("经办人：", ""), ("联系电话：", "123")), date="2026年1月1日"),
        Box("邮寄回单联粘贴处", 40),
        TearLine("(2026)第0001号"),
        Spacer(2),
        PageBreak(),
        Paragraph("   "),
    ))
    assert document_text_lines(doc) == [
        "第一行", "第二行", "(2026)冀1091执1号", "正文", "序号", "查封标的", "1", "房产", "2",
        "经办人：　联系电话：123　2026年1月1日", "邮寄回单联粘贴处", "(2026)第0001号",
    ]


def test_page_furniture_fills_page_numbers() -> None:
    doc = Document("t", (), header="法院　登记簿", footer=PAGE_X_OF_Y)
    assert page_furniture(doc, 2, 7) == ("法院　登记簿", "第 2 页 共 7 页")


def test_gb9704_geometry() -> None:
    g = page_geometry(PageSetup())
    assert g.width == pytest.approx(mm(210)) and g.height == pytest.approx(mm(297))
    assert g.frame_width == pytest.approx(mm(156)) and g.frame_height == pytest.approx(mm(225))
    assert g.char_pitch is not None
    assert 28 * g.char_pitch == pytest.approx(g.frame_width)
    assert 22 * g.line_pitch == pytest.approx(g.frame_height)
    # 3号 text on the grid advances by the character pitch; the title takes one grid line
    assert 16 + g.char_space(16) == pytest.approx(g.char_pitch)
    assert g.line_height(16) == pytest.approx(g.line_pitch)
    assert g.line_height(22) == pytest.approx(g.line_pitch)
    # DOCX: −0.25 pt keeps 28 full-width characters inside 156 mm in Word as well
    assert g.docx_spacing_twips(16) == -5
    assert 28 * (16 + g.docx_spacing_twips(16) / 20) <= g.frame_width
    assert 28 * (16 + (g.docx_spacing_twips(16) + 1) / 20) > g.frame_width


def test_landscape_register_geometry_has_no_grid() -> None:
    g = page_geometry(PageSetup(orientation="landscape", grid=None, body_size=10.5))
    assert g.width == pytest.approx(mm(297)) and g.height == pytest.approx(mm(210))
    assert not g.gridded and g.char_space(10.5) == 0
