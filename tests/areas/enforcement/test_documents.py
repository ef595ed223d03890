"""The printed 调查函 and 查封措施告知笔录, parsed back from the PDF and the DOCX: every fixed phrase of
the court's templates, every field filled from the case, the officer and the settings, no blank
placeholder, fonts embedded."""

from __future__ import annotations

import datetime as dt

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from courtdesk.areas.enforcement import LetterService, SeizureService
from courtdesk.areas.enforcement.models import RecipientUnit
from courtdesk.areas.enforcement.roles import ENFORCEMENT
from courtdesk.kernel import printing
from courtdesk.kernel.documents import document_text_lines, render_docx, render_pdf
from courtdesk.kernel.documents.dates import ARABIC, CHINESE, court_date
from courtdesk.kernel.settings import SettingsService
from tests.areas.enforcement.helpers import person_id
from tests.support.readback import docx_body_lines, pdf_fonts, pdf_page_texts, squash

SEED_SETTINGS = {
    "address": "河北省廊坊市开发区汇源道330号（开发区法院）",
    "postcode": "065001",
    "enforcement_bureau": "开发区法院执行局",
}
STUB_PHRASES = (
    "河北省廊坊经济技术开发区人民法院", "调查函", "存根", "调查对象：", "发往单位：",
    "调查问题：1、被执行人是否在此地居住？", "2、被执行人是否有工作单位？",
    "3、被执行人是否有土地、房产？是否有土地补偿金等？",
    "4、被执行人是否有其他财产？如养老金、公积金、不动产、保险、债权、股权、应收账款等？", "邮寄回单联粘贴处",
)
LETTER_PHRASES = (
    "河北省廊坊经济技术开发区人民法院", "调查函", "申请执行纠纷一案，我院依法向", "发出执行通知书，但被执行人未按要求履行。经查",
    "住所地为", "属于你单位辖区，为查清事实，现向你单位发函调查相关问题，请予以配合。", "此致",
    "注：请填写复函并加盖印章，回寄或微信发送我院", "承办人：", "（微信号：", "联系电话：", "地址：", "邮编：",
)
REPLY_PHRASES = (
    "复函", "廊坊经济技术开发区人民法院：", "针对你院调查内容，现就被执行人", "（身份证号：", "的相关情况，回复如下：",
    "一、被执行人是否在此地居住？", "二、被执行人是否有工作单位？", "三、被执行人是否有土地？是否有土地补偿金等？",
    "四、被执行人是否有其他财产？如养老金、公积金、不动产、保险、债权、股权、应收账款等？",
    "以上回复保证真实。", "（单位印章）", "年月日", "经办人：", "联系电话：",
)
TRANSCRIPT_PHRASES = (
    "查封措施告知笔录", "时间：", "地点：", "执行员：", "书记员：", "当事人：", "关于你申请执行", "一案，我院已采取如下查封措施：",
    "序号", "查封标的", "查封期间",
    "你方应于上述查封到期前十五日向法院书面申请续查封，逾期不申请自行承担相应责任，你听清了吗？",
    "当事人：听清了。", "执：当事人核对笔录，无误后签字。", "当事人（签名）：", "执行员（签名）：", "书记员（签名）：",
)


def no_placeholder(text: str) -> None:
    for bad in ("{", "}", "None", "____", "null", "（）", "：："):
        assert bad not in text, f"{bad!r} left in the document"


def render_both(doc, tmp_path, name):
    pdf, docx_path = tmp_path / f"{name}.pdf", tmp_path / f"{name}.docx"
    render_pdf(doc, pdf)
    render_docx(doc, docx_path)
    return pdf, docx_path


def check_fonts(pdf) -> None:
    fonts = pdf_fonts(pdf)
    assert fonts and all(f.embedded for f in fonts), fonts


@pytest.fixture
def letter(db, users, today, case):
    SettingsService(db).save(users["admin"], SEED_SETTINGS)
    with db.read() as s:
        unit = s.scalar(select(RecipientUnit.id).where(RecipientUnit.name.like("%云鹏道派出所")))
    return LetterService(db).create(users["enforcer"], case.id, [unit])[0]


def test_investigation_letter_pdf_and_docx(db, users, today, case, letter, tmp_path):
    with db.read() as s:
        doc = printing.kind("investigation_letter").build(s, letter.id)
    pdf, docx_path = render_both(doc, tmp_path, "letter")
    pages = [squash(t) for t in pdf_page_texts(pdf)]
    assert len(pages) == 3
    stub, body, reply = pages
    unit = "廊坊市公安局经济技术开发区分局云鹏道派出所"
    id_no = person_id("13100219900202002")
    date = court_date(today)  # 二〇二六年十一月三十日, as 人民法院诉讼文书样式 writes it

    for phrase in STUB_PHRASES:
        assert squash(phrase) in stub, phrase
    for phrase in LETTER_PHRASES:
        assert squash(phrase) in body, phrase
    for phrase in REPLY_PHRASES:
        assert squash(phrase) in reply, phrase
    # every field, filled from the case, the officer's profile and the settings
    assert f"调查对象：李娜（身份证号：{id_no}）" in stub and f"发往单位：{unit}" in stub
    assert case.number in stub and case.number in body
    assert f"{unit}：" in body
    assert ("关于张伟与李娜申请执行纠纷一案，我院依法向李娜发出执行通知书，但被执行人未按要求履行。"
            "经查李娜住所地为河北省廊坊市经济技术开发区云鹏道99号，属于你单位辖区，") in body
    assert f"河北省廊坊经济技术开发区人民法院{date}" in body
    assert "承办人：黄磊（微信号：hl_zxj）联系电话：13803160051" in body
    assert "地址：河北省廊坊市开发区汇源道330号（开发区法院）邮编：065001" in body
    assert f"现就被执行人李娜（身份证号：{id_no}）的相关情况" in reply
    assert reply.count("答：") == 4
    for page in pages:
        assert f"发函编号：{letter.number}" in page
        no_placeholder(page)
    check_fonts(pdf)

    docx_text = squash("".join(docx_body_lines(docx_path)))
    for phrase in STUB_PHRASES + LETTER_PHRASES + REPLY_PHRASES:
        assert squash(phrase) in docx_text, phrase
    for field in (case.number, unit, id_no, "张伟", "李娜", "河北省廊坊市经济技术开发区云鹏道99号", date,
                  "黄磊", "hl_zxj", "13803160051", "河北省廊坊市开发区汇源道330号（开发区法院）", "065001"):
        assert field in docx_text, field
    no_placeholder(docx_text)
    # both renderers print the same text as the document model
    model_text = squash("".join(document_text_lines(doc)))
    assert model_text == docx_text


def test_the_officers_profile_and_the_settings_are_never_hard_coded(db, users, today, tmp_path):
    from courtdesk.areas.enforcement import CaseService
    from courtdesk.kernel.people import PeopleService
    from tests.areas.enforcement.helpers import case_data

    SettingsService(db).save(users["admin"], {"address": "河北省廊坊市某区某路1号", "postcode": "065099",
                                              "court_name": "河北省测试县人民法院", "court_short_name": "测试县人民法院",
                                              "court_code": "冀1099"})
    officer = PeopleService(db).create_user(users["admin"], username="new_officer", name="韩梅", password="Demo2026x",
                                            roles=[ENFORCEMENT], phone="13900000000", wechat="hm_wx")
    case = CaseService(db).create(officer, case_data(users, today, number=f"({today.year})冀1099执9号",
                                                     officer_id=officer.id))
    with db.read() as s:
        unit = s.scalar(select(RecipientUnit.id).limit(1))
    letter = LetterService(db).create(officer, case.id, [unit])[0]
    with db.read() as s:
        doc = printing.kind("investigation_letter").build(s, letter.id)
    pdf, _ = render_both(doc, tmp_path, "changed")
    stub, body, reply = (squash(t) for t in pdf_page_texts(pdf))
    assert stub.startswith(f"发函编号：{letter.number}河北省测试县人民法院调查函（存根）({today.year})冀1099执9号")
    assert "承办人：韩梅（微信号：hm_wx）联系电话：13900000000" in body
    assert "地址：河北省廊坊市某区某路1号邮编：065099" in body
    assert "测试县人民法院：" in reply and "开发区" not in reply
    for seed_value in ("汇源道", "黄磊", "hl_zxj", "13803160051", "065001"):
        assert seed_value not in body


def test_seizure_transcript_pdf_and_docx(db, users, today, case, tmp_path):
    SettingsService(db).save(users["admin"], SEED_SETTINGS)
    service = SeizureService(db)
    start = today - dt.timedelta(days=40)
    deposit = service.add(users["enforcer"], {
        "case_id": case.id, "measure": "freeze", "property_type": "deposit", "start_date": start,
        "description": "被执行人李娜在中国工商银行股份有限公司廊坊开发区支行账户内存款人民币35,000元"})
    car = service.add(users["enforcer"], {
        "case_id": case.id, "measure": "detain", "property_type": "vehicle", "start_date": start,
        "description": "被执行人李娜名下小型轿车一辆（号牌冀R·B5678）"})
    notice = service.create_notice(users["enforcer"], case.id, [deposit.id, car.id], {
        "held_at": dt.datetime.combine(today, dt.time(9, 30)), "party_name": "张伟"})
    service.record_notified(users["enforcer"], notice.id)
    with db.read() as s:
        doc = printing.kind("seizure_transcript").build(s, notice.id)
    pdf, docx_path = render_both(doc, tmp_path, "transcript")
    texts = pdf_page_texts(pdf)
    assert len(texts) == 1
    page = squash(texts[0])
    for phrase in TRANSCRIPT_PHRASES:
        assert squash(phrase) in page, phrase
    date = court_date(today)
    for field in (
        "河北省廊坊经济技术开发区人民法院", case.number, f"时间：{date}九时三十分", "地点：开发区法院执行局",
        "执行员：黄磊", "书记员：何佳", "当事人：张伟", "关于你申请执行李娜民间借贷纠纷一案，我院已采取如下查封措施：",
        "1冻结：被执行人李娜在中国工商银行股份有限公司廊坊开发区支行账户内存款人民币35,000元",
        f"{court_date(start)}至",
        "2扣押：被执行人李娜名下小型轿车一辆（号牌冀R·B5678）",
    ):
        assert squash(field) in page, field
    end1, end2 = deposit.end_date, car.end_date
    assert f"至{court_date(end1)}" in page and f"至{court_date(end2)}" in page
    assert "审判员" not in page  # the officer is 执行员 by his post, not a judge
    no_placeholder(page)
    check_fonts(pdf)
    docx_text = squash("".join(docx_body_lines(docx_path)))
    for phrase in TRANSCRIPT_PHRASES:
        assert squash(phrase) in docx_text, phrase
    assert squash("".join(document_text_lines(doc))) == docx_text
    no_placeholder(docx_text)


def test_a_batch_pdf_keeps_each_letters_own_fonts_embedded(db, users, today, case, tmp_path):
    from courtdesk.areas.enforcement import generate_batch

    with db.read() as s:
        units = list(s.scalars(select(RecipientUnit.id).limit(4)))
    out = tmp_path / "batch.pdf"
    generate_batch(db, users["enforcer"], case.id, units, out)
    assert len(PdfReader(out).pages) == 12
    check_fonts(out)


def test_the_date_style_setting_switches_the_printed_dates_both_ways(db, users, today, case, letter, tmp_path):
    arabic = f"{today.year}年{today.month}月{today.day}日"
    chinese = court_date(today)
    assert chinese.startswith("二〇") and arabic != chinese
    for style, shown, hidden in ((ARABIC, arabic, chinese), (CHINESE, chinese, arabic)):
        SettingsService(db).save(users["admin"], {"document_date_style": style})
        with db.read() as s:
            doc = printing.kind("investigation_letter").build(s, letter.id)
        pdf, docx_path = render_both(doc, tmp_path, f"letter-{style}")
        body = squash(pdf_page_texts(pdf)[1])
        assert f"河北省廊坊经济技术开发区人民法院{shown}" in body and hidden not in body, style
        assert shown in squash("".join(docx_body_lines(docx_path)))


def test_the_date_style_setting_refuses_other_values(db, users):
    from courtdesk.kernel.errors import ValidationError

    with pytest.raises(ValidationError, match="文书日期写法"):
        SettingsService(db).save(users["admin"], {"document_date_style": "罗马数字"})


def _vehicle_transcript(db, users, today, case, tmp_path, name):
    """The 告知笔录 of a car detained today in ``case`` by the demo's officer: its PDF and DOCX."""
    service = SeizureService(db)
    seizure = service.add(users["enforcer"], {
        "case_id": case.id, "measure": "detain", "property_type": "vehicle", "start_date": today,
        "description": "被执行人李娜名下小型轿车一辆（号牌冀R·B5678）"})
    notice = service.create_notice(users["enforcer"], case.id, [seizure.id], {"party_name": "张伟"})
    with db.read() as s:
        doc = printing.kind("seizure_transcript").build(s, notice.id)
    return render_both(doc, tmp_path, name)


def test_the_transcript_names_each_person_by_their_post(db, users, today, case, tmp_path):
    from courtdesk.kernel.people import PeopleService

    people = PeopleService(db)
    people.update_profile(users["admin"], users["enforcer"].id, title="法官助理")
    people.update_profile(users["admin"], users["enforce_clerk"].id, title="")  # no post recorded: 书记员
    pdf, docx_path = _vehicle_transcript(db, users, today, case, tmp_path, "posts")
    page = squash(pdf_page_texts(pdf)[0])
    assert "法官助理：黄磊" in page and "书记员：何佳" in page
    assert "法官助理（签名）：" in page and "审判员" not in page
    assert "法官助理：黄磊" in squash("".join(docx_body_lines(docx_path)))


def test_the_reply_form_keeps_room_to_spare_on_its_page(db, users, letter, tmp_path):
    """Word or LibreOffice with fallback fonts wrap a line or two more than our PDF: the reply form of a
    letter with the four standard questions leaves three grid lines free under its last line (each
    paragraph that may wrap once more: the introduction, questions 3 and 4),
    and its signature line stays on the reply's page."""
    with db.read() as s:
        doc = printing.kind("investigation_letter").build(s, letter.id)
    pdf, _ = render_both(doc, tmp_path, "reply")
    reader = PdfReader(pdf)
    assert len(reader.pages) == 3
    lowest: list[float] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            lowest.append(tm[5] * cm[3] + cm[5])

    reader.pages[2].extract_text(visitor_text=visit)
    assert "经办人" in reader.pages[2].extract_text()
    from courtdesk.kernel.documents.geometry import page_geometry

    g = page_geometry(doc.page)
    assert min(lowest) - g.bottom >= 3 * g.line_pitch


def test_the_letters_date_ends_four_characters_from_the_margin_with_the_court_centred_over_it(
        db, users, today, letter, tmp_path):
    """GB/T 9704-2012 §7.3.5.1 on the 调查函 (page 2): 成文日期右空四字, the court centred over it; the
    reply's （单位印章） sits over its date the same way. PDF and DOCX."""
    from courtdesk.kernel.documents.geometry import page_geometry
    from tests.support.closing import docx_paragraph, pdf_text_at

    with db.read() as s:
        doc = printing.kind("investigation_letter").build(s, letter.id)
    court, date = "河北省廊坊经济技术开发区人民法院", court_date(today)
    g = page_geometry(doc.page)
    pitch = g.char_pitch
    assert pitch is not None
    width = {text: len(text) * pitch - g.char_space(g.body_size) for text in (court, date)}
    pdf, docx_path = render_both(doc, tmp_path, "closing")
    date_y, date_x = pdf_text_at(pdf, date, page=1)
    court_y, court_x = pdf_text_at(pdf, court, page=1, last=True)  # the 署名, not the heading
    assert date_x + width[date] == pytest.approx(g.left + g.frame_width - 4 * pitch, abs=0.5)
    assert court_x + width[court] / 2 == pytest.approx(date_x + width[date] / 2, abs=0.5)
    assert court_y == pytest.approx(date_y + g.line_pitch, abs=0.2)
    seal_y, _ = pdf_text_at(pdf, "（单位印章）", page=2)
    blank_date_y, _ = pdf_text_at(pdf, "年　　月　　日", page=2)
    assert seal_y == pytest.approx(blank_date_y + g.line_pitch, abs=0.2)

    letter_date = docx_paragraph(docx_path, date)
    assert letter_date["jc"] == "right" and letter_date["right"] == pytest.approx(4 * pitch, abs=0.05)
    signer = docx_paragraph(docx_path, court, last=True)
    assert signer["jc"] == "center"
    assert (signer["left"] + g.frame_width - signer["right"]) / 2 == pytest.approx(
        g.frame_width - 4 * pitch - width[date] / 2, abs=0.1)


def test_the_reply_asks_the_third_question_in_the_rule_books_words(db, users, letter, tmp_path):
    """The rule book's 复函 asks 「被执行人是否有土地？是否有土地补偿金等？」 where the stub asks about
    土地、房产; a question the officer wrote himself is asked as written."""
    with db.read() as s:
        doc = printing.kind("investigation_letter").build(s, letter.id)
    pdf, _ = render_both(doc, tmp_path, "reply3")
    stub, _, reply = (squash(t) for t in pdf_page_texts(pdf))
    assert "3、被执行人是否有土地、房产？是否有土地补偿金等？" in stub
    assert "三、被执行人是否有土地？是否有土地补偿金等？" in reply and "房产" not in reply
    from courtdesk.areas.enforcement.letter_document import REPLY_WORDING, STANDARD_QUESTIONS

    assert set(REPLY_WORDING) <= set(STANDARD_QUESTIONS)


def test_the_officers_closing_line_is_marked_with_his_post(db, users, today, case, tmp_path):
    """The template's 「审：当事人核对笔录，无误后签字。」 is the 审判员's line: an officer printed as
    执行员 says it as 「执：」 (the demo's and this case's officer)."""
    from courtdesk.areas.enforcement.transcript_document import closing

    assert closing("审判员") == "审：当事人核对笔录，无误后签字。"
    assert closing("执行员") == "执：当事人核对笔录，无误后签字。"
    assert closing("法官助理") == "法官助理：当事人核对笔录，无误后签字。"
    pdf, docx_path = _vehicle_transcript(db, users, today, case, tmp_path, "closing")
    for text in (squash(pdf_page_texts(pdf)[0]), squash("".join(docx_body_lines(docx_path)))):
        assert "执行员：" in text and "执：当事人核对笔录，无误后签字。" in text and "审：" not in text
