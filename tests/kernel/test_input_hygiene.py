"""Input hygiene in the kernel (issue 8 item 9): invisible, reordering and broken characters,
implausible dates and timezone-aware times — each refused with a Chinese message naming the field,
with nothing written (checked through a real service write: the seal-use log's filing)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from courtdesk.areas.seals.models import Seal, SealUse
from courtdesk.areas.seals.service import SealService
from courtdesk.kernel import validation
from courtdesk.kernel.errors import ValidationError
from courtdesk.kernel.models.infra import AuditEntry


def _state(db) -> tuple[int, int]:
    with db.read() as s:
        return (s.scalar(select(func.count()).select_from(SealUse)),
                s.scalar(select(func.count()).select_from(AuditEntry)))


def _file(db, users, **changes):
    with db.read() as s:
        seal = s.scalars(select(Seal.id).where(Seal.kind == "office")).first()
    data = {"seal_id": seal, "title": "关于报送统计报表的函", "copies": 2, "impressions": 2,
            "purpose": "报送上级法院", **changes}
    return SealService(db).file(users["judge"], data)


@pytest.mark.parametrize(("title", "words"), [
    ("\u200b\u200b\u200b", "必填，不能为空"),  # zero-width spaces only
    ("\ufeff\u2060 \u200d", "必填，不能为空"),  # BOM, word joiner, space, zero-width joiner
    ("关于\u202e函的报送\u202c", "改变文字显示方向"),  # right-to-left override
    ("关于\u2067报送\u2069的函", "改变文字显示方向"),  # isolate
    ("关于报送\ud800的函", "无法识别的字符"),  # a lone surrogate
    ("关于\x07报送的函", "控制字符"),
    ("关于\x9b报送的函", "控制字符"),  # a C1 control
    ("关于报送\n统计报表的函", "只能填写一行"),  # issue 19 §4: a one-line field has no line break
    ("关于报送\u2028统计报表的函", "只能填写一行"),  # … nor a Unicode line separator
    ("关于报送\u2029统计报表的函", "只能填写一行"),
    ("张\u200b三的函", "看不见的字符"),  # a zero-width space inside the text
    ("张\u200d三的函", "看不见的字符"),  # a zero-width joiner inside
    ("关于\u200f报送的函", "改变文字显示方向"),  # a right-to-left mark
])
def test_bad_text_is_refused_naming_the_field_and_nothing_is_written(db, users, title, words):
    before = _state(db)
    with pytest.raises(ValidationError) as refused:
        _file(db, users, title=title)
    assert str(refused.value).startswith("文件名称：")
    assert words in str(refused.value)
    assert refused.value.field == "文件名称"  # the form marks the field
    assert _state(db) == before


def test_a_multiline_field_keeps_its_lines_and_a_one_line_field_its_text():
    assert validation.text("第一行\n第二行", "备注", max_len=20, multiline=True) == "第一行\n第二行"
    assert validation.text("  关于报送统计报表的函 ", "标题", max_len=20) == "关于报送统计报表的函"
    with pytest.raises(ValidationError, match="只能填写一行"):
        validation.text("第一行\u2028第二行", "备注", max_len=20, multiline=True)  # never U+2028


@pytest.mark.parametrize("day", ["0001-01-01", "1900-01-01", "1949-09-30", "2206-03-05"])
def test_implausible_dates_are_refused_naming_the_field(day):
    with pytest.raises(ValidationError, match="日期：不能(早|晚)于"):
        validation.date_value(day, "日期")
    with pytest.raises(ValidationError, match="时间：不能(早|晚)于"):
        validation.datetime_value(f"{day}T10:00", "时间")


def test_a_date_before_the_record_it_depends_on_is_refused():
    with pytest.raises(ValidationError, match="查封开始日期：不能早于立案日期（2026-03-02）"):
        validation.not_before(dt.date(2026, 3, 1), dt.date(2026, 3, 2), "查封开始日期", "立案日期")
    validation.not_before(dt.date(2026, 3, 2), dt.date(2026, 3, 2), "查封开始日期", "立案日期")


def test_timezone_aware_times_are_kept_as_local_wall_clock_time():
    utc = dt.datetime(2026, 11, 23, 2, 30, tzinfo=dt.UTC)
    local = validation.datetime_value(utc, "盖章时间")
    assert local is not None and local.tzinfo is None
    assert local == utc.astimezone().replace(tzinfo=None)
    text = validation.datetime_value("2026-11-23T10:30:00+08:00", "盖章时间")
    assert text is not None and text.tzinfo is None
    assert text == dt.datetime(2026, 11, 23, 2, 30, tzinfo=dt.UTC).astimezone().replace(tzinfo=None)


def test_a_deactivated_department_cannot_be_chosen_on_a_new_record(db, users):
    """Issue 19 §4: choices follow the live list on every write — also where the service never read the
    options (a dialog open since before the department was deactivated, a caller passing the id)."""
    from courtdesk.areas.it.models import ItAsset
    from courtdesk.areas.it.service import AssetService
    from courtdesk.kernel.models.people import Department
    from courtdesk.kernel.people import PeopleService

    with db.read() as s:
        dept = s.scalars(select(Department).where(Department.name == "刑事审判庭")).one()
        count = s.scalar(select(func.count()).select_from(ItAsset))
    PeopleService(db).set_department_active(users["admin"], dept.id, False)
    before = _state(db)
    with pytest.raises(ValidationError) as refused:
        AssetService(db).register(users["itops"], {"kind": "打印机", "brand_model": "奔图 P3305DN",
                                                   "department_id": dept.id, "network": "不联网"})
    assert refused.value.field == "使用部门" and "「刑事审判庭」已停用" in str(refused.value)
    assert _state(db) == before
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(ItAsset)) == count


def test_user_names_and_passwords_that_must_not_get_in(db, users):
    """Issue 19 §4: a user name differing from an existing one only by case or width is refused (NFKC,
    case-folded); a password longer than 256 characters is refused before any hashing."""
    from courtdesk.kernel.models.people import User
    from courtdesk.kernel.people import PeopleService

    people = PeopleService(db)
    for lookalike, words in (("CLERK", "只差大小写或全角半角"), ("ｃｌｅｒｋ", "「clerk」已被使用")):  # NFKC first
        with pytest.raises(ValidationError, match=words):
            people.create_user(users["admin"], username=lookalike, name="王芳二", password="Passw0rd2026", roles=[])
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(User).where(func.lower(User.username) == "clerk")) == 1
    with pytest.raises(ValidationError, match="新密码：不能超过 256 个字符"):
        people.create_user(users["admin"], username="newcomer", name="新同事", password="a1" * 200, roles=[])
    from courtdesk.kernel.models.people import LoginThrottle

    with pytest.raises(ValidationError, match="密码：不能超过 256 个字符"):
        people.login("clerk", "x" * 1_000_000)  # refused before hashing, and not counted as a guess
    with db.read() as s:
        assert s.scalar(select(LoginThrottle).where(LoginThrottle.name == "clerk")) is None
