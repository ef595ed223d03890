"""Sample documents with fictional data, for tests, previews and the document benchmark.

They show how a builder uses the model (fields filled with :func:`fill`, which refuses blanks); the
real builders live with their registers and take the court's data from the settings.
"""

from __future__ import annotations

from datetime import datetime

from courtdesk.kernel.documents.model import (
    Block,
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
    fill,
    require,
)
from courtdesk.kernel.documents.register import register_book

COURT = "河北省廊坊经济技术开发区人民法院"
COURT_SHORT = "廊坊经济技术开发区人民法院"
STANDARD_QUESTIONS = (
    "被执行人是否在此地居住？",
    "被执行人是否有工作单位？",
    "被执行人是否有土地、房产？是否有土地补偿金等？",
    "被执行人是否有其他财产？如养老金、公积金、不动产、保险、债权、股权、应收账款等？",
)
_CN_NUM = "一二三四五六七八九十"


def sample_introduction_letter(serial: int = 1, year: int = 2026) -> Document:
    """介绍信: stub (存根) and letter on one page, the serial number across the tear line."""
    number = f"({year})第{serial:04d}号"
    fields = {
        "单位": "廊坊市公安局经济技术开发区分局",
        "人员": "李明（审判员）、赵喆（法官助理）",
        "人数": "二",
        "事由": "调取被执行人户籍信息",
        "有效期": f"{year}年1月15日",
    }
    stub = (
        Title("介绍信（存根）", size=18.0),
        CaseNumberLine(number),
        Paragraph(fill("兹介绍{人员}等{人数}人前往{单位}联系{事由}事宜。", fields)),
        Paragraph(fill("有效期至：{有效期}", fields), indent=False),
        SignatureLine((("承办人：", "李明"), ("开具人：", "孙丽")), date=f"{year}年1月5日"),
    )
    letter = (
        Title("介　绍　信"),
        CaseNumberLine(number),
        Paragraph(fill("{单位}：", fields), indent=False, align="left"),
        Paragraph(fill("兹介绍我院{人员}等{人数}人前往你处联系{事由}事宜，请予接洽为盼。", fields)),
        Paragraph(fill("（有效期至{有效期}）", fields)),
        Spacer(1),
        Paragraph(COURT, indent=False, align="right"),
        Paragraph(f"{year}年1月5日", indent=False, align="right"),
    )
    return Document(title=f"介绍信{number}", blocks=stub + (TearLine(number),) + letter)


def sample_investigation_letter(serial: int = 1, year: int = 2026) -> Document:
    """调查函: stub with the postal-receipt box, letter, and reply form — three pages."""
    case_number = f"({year})冀1091执{100 + serial}号"
    f = {
        "申请执行人": "廊坊市恒达建材有限公司",
        "被执行人": "赵喆",
        "住所": "河北省廊坊市广阳区爱民东道168号",
        "发往单位": "廊坊市公安局广阳分局爱民东道派出所",
        "承办人": "李明",
        "微信号": "ld-lm-2026",
        "电话": "0316-5550123",
        "地址": "河北省廊坊市开发区汇源道330号（开发区法院）",
        "邮编": "065001",
    }
    stub: tuple[Block, ...] = (
        Paragraph(COURT, indent=False, align="center", role="title", size=18.0),
        Title("调查函（存根）"),
        CaseNumberLine(case_number),
        Table(
            columns=(Column("项目", 1.0), Column("内容", 3.0, "left")),
            rows=(
                ("调查对象", require(f["被执行人"], "调查对象")),
                ("发往单位", require(f["发往单位"], "发往单位")),
                ("承办人", fill("{承办人}　{电话}", f)),
            ),
        ),
        Paragraph("调查问题：", indent=False),
        *(Paragraph(f"{i}、{q}", indent=False) for i, q in enumerate(STANDARD_QUESTIONS, 1)),
        Spacer(1),
        Box("邮寄回单联粘贴处", height_mm=60),
        PageBreak(new_part=True),
    )
    letter: tuple[Block, ...] = (
        Paragraph(COURT, indent=False, align="center", role="title", size=18.0),
        Title("调查函"),
        CaseNumberLine(case_number),
        Paragraph(fill("{发往单位}：", f), indent=False, align="left"),
        Paragraph(fill(
            "关于{申请执行人}与{被执行人}申请执行纠纷一案，我院依法向{被执行人}发出执行通知书，"
            "但被执行人未按要求履行。经查{被执行人}住所地为{住所}，属于你单位辖区，为查清事实，"
            "现向你单位发函调查相关问题，请予以配合。", f)),
        Paragraph("此致", indent=True, align="left"),
        Paragraph(fill("{发往单位}", f), indent=False, align="left"),
        Spacer(1),
        Paragraph(COURT, indent=False, align="right"),
        Paragraph(f"{year}年1月6日", indent=False, align="right"),
        Spacer(1),
        Paragraph(fill("注：请填写复函并加盖印章，回寄或微信发送我院。承办人：{承办人}（微信号：{微信号}）"
                       "联系电话：{电话}；地址：{地址}；邮编：{邮编}", f), indent=False, size=12.0),
        PageBreak(new_part=True),
    )
    reply: tuple[Block, ...] = (
        Title("复　函"),
        Paragraph(f"{COURT_SHORT}：", indent=False, align="left"),
        Paragraph(fill("针对你院调查内容，现就被执行人{被执行人}（身份证号：____________________）的"
                       "相关情况，回复如下：", f)),
        *(item for i, q in enumerate(STANDARD_QUESTIONS)
          for item in (Paragraph(f"{_CN_NUM[i]}、{q}"), Paragraph("答：", indent=False))),
        Paragraph("以上回复保证真实。"),
        Box("（单位印章）", height_mm=30, width_mm=60, align="right", border=False),
        SignatureLine(date="年　　月　　日"),
        SignatureLine((("经办人：", ""), ("联系电话：", ""))),
    )
    return Document(title=f"调查函{case_number}", blocks=stub + letter + reply)


def sample_register(rows: int = 500) -> Document:
    """A 介绍信登记簿 with ``rows`` generated rows (streamed)."""

    def generate():  # type: ignore[no-untyped-def]
        for i in range(1, rows + 1):
            yield (
                f"(2026)第{i:04d}号", f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}",
                "廊坊市公安局经济技术开发区分局" if i % 3 else "廊坊市自然资源和规划局广阳分局",
                "李明、赵喆", "调取被执行人户籍信息" if i % 2 else "查询不动产登记信息及抵押情况",
                "孙丽", "已使用" if i % 5 else "作废：填写错误",
            )

    columns = [("编号", 1.3), ("开具日期", 1.1), ("前往单位", 2.6), ("持信人", 1.3), ("事由", 2.6),
               ("开具人", 0.8), ("状态", 1.2)]
    return register_book(COURT, "介绍信登记簿", "开具日期 2026-01-01 至 2026-12-31", columns, generate(),
                         datetime(2026, 3, 1, 9, 30))
