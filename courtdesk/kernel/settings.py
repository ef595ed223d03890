"""Court settings (court name, code, address …). Values are text; defaults apply until saved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from courtdesk.kernel import validation
from courtdesk.kernel.db.engine import Database
from courtdesk.kernel.documents import dates
from courtdesk.kernel.models.infra import Setting
from courtdesk.kernel.models.people import ADMIN, User
from courtdesk.kernel.people import require


@dataclass(frozen=True)
class SettingSpec:
    """One court setting: text, or a whole number between ``minimum`` and ``maximum`` (``kind="int"``),
    or exactly ``digits`` digits (``kind="digits"``, e.g. a postcode), or one of ``choices``
    (``kind="choice"``), or a date (``kind="date"``, stored 2026-12-01, may be empty), or a person
    (``kind="user"``: an active account's id, may be empty; the settings page offers the court's
    people). Areas add theirs in ``Area.settings``.

    ``check``: a rule over this setting together with the others (``values``: every setting as it
    would be after the save), run in the save's unit of work; it returns its refusals, each naming
    its setting (a stand-in period that ends before it starts).

    ``ask``: the court must check this value before its documents go out (the address a unit replies
    to …); the settings page asks for it, with this reason, until it holds a real value
    (:func:`to_confirm`). ``placeholder``: the factory value is a stand-in, not the court's (a phone
    number of zeros), so it is asked for as long as it is the value, saved or not."""

    key: str
    label: str
    default: str
    max_len: int = 200
    kind: str = "text"  # text | int | digits | choice | date | user
    minimum: int = 0
    maximum: int = 0
    digits: int = 0
    choices: tuple[str, ...] = ()
    ask: str = ""
    placeholder: bool = False
    check: Callable[[Session, Mapping[str, str]], list[validation.ValidationError]] | None = None

    def is_real(self, value: str, saved: bool) -> bool:
        """Whether ``value`` is one the court has given (for ``ask``): not empty, not a stand-in
        factory value, and (a factory value that may be right) checked and saved."""
        if not value.strip():
            return False
        if value == self.default:
            return saved and not self.placeholder
        return True

    def clean(self, raw: object) -> str:
        value = validation.text(raw, self.label, max_len=self.max_len, required=False)
        if self.kind == "int":
            return str(validation.integer(value, self.label, minimum=self.minimum, maximum=self.maximum))
        if self.kind == "digits" and value and not (value.isdigit() and len(value) == self.digits):
            raise validation.ValidationError(f"{self.label}：应为 {self.digits} 位数字", field=self.label)
        if self.kind == "choice":
            if not value:
                return self.default
            if value not in self.choices:
                raise validation.ValidationError(
                    f"{self.label}：只能是{'、'.join(f'「{c}」' for c in self.choices)}之一", field=self.label)
        if self.kind == "date":
            day = validation.date_value(value or None, self.label, required=False)
            return day.isoformat() if day is not None else ""
        if self.kind == "user" and value and not value.isdigit():
            raise validation.ValidationError(f"{self.label}：请从本院人员中选择", field=self.label)
        return value


#: The court's identity and the document engine's settings; areas declare the rest.
KERNEL_SPECS: tuple[SettingSpec, ...] = (
    SettingSpec("court_name", "法院名称", "河北省廊坊经济技术开发区人民法院", 60),
    SettingSpec("court_short_name", "法院简称", "廊坊经济技术开发区人民法院", 40),
    SettingSpec("court_code", "法院代字", "冀1091", 20),
    # a complete postal address: units reply to it by post
    SettingSpec("address", "法院地址", "河北省廊坊经济技术开发区华祥路118号", 120,
                ask="复函按此地址寄回，请写到街道门牌号"),
    SettingSpec("postcode", "邮政编码", "065001", 6, kind="digits", digits=6, ask="与法院地址一致"),
    SettingSpec("phone", "联系电话", "0316-0000000", 40, ask="文书上印的本院电话", placeholder=True),
    # 人民法院诉讼文书样式: 二〇二六年一月十四日; or 2026年1月14日
    SettingSpec("document_date_style", "文书日期写法", dates.CHINESE, 10, kind="choice", choices=dates.STYLES),
    SettingSpec("attachment_max_mb", "附件大小上限（MB）", "20", 3, kind="int", minimum=1, maximum=365),
    SettingSpec("font_body_path", "正文字体文件（仿宋，可空）", "", 260),
    SettingSpec("font_title_path", "标题字体文件（小标宋，可空）", "", 260),
    # Daily audit checkpoints (留痕检查点); empty: a "checkpoints" folder beside the database. Point it
    # at another machine or drive, so the database and its checkpoints cannot be lost or rewritten together.
    SettingSpec("checkpoint_dir", "留痕检查点文件夹（可空：放在数据库旁）", "", 260),
    SettingSpec("backup_dir", "每日自动备份文件夹（可空：放在数据库旁；保留近7天、4周、12个月）", "", 260),
)


def specs() -> tuple[SettingSpec, ...]:
    """Every setting: the kernel's, then each area's, in navigation order."""
    from courtdesk.kernel import area

    return KERNEL_SPECS + tuple(s for declared in area.areas() for s in declared.settings)


def _by_key() -> dict[str, SettingSpec]:
    return {s.key: s for s in specs()}


def _installed_specs() -> tuple[SettingSpec, ...]:
    """The kernel's settings and those of the areas imported so far (all of them once discovered; a
    ``render`` imports one area and those it builds on, whose settings are all its code reads)."""
    from courtdesk.kernel import area

    return KERNEL_SPECS + tuple(s for declared in area.installed() for s in declared.settings)


def _spec(key: str) -> SettingSpec | None:
    """The setting ``key``: among the installed ones first (a key is declared once, so the one found
    is the one), so reading a setting imports no other area (issue 21); else among every area's."""
    return next((s for s in _installed_specs() if s.key == key), None) or _by_key().get(key)


class _Values(dict[str, str]):
    """:func:`get_all`'s values. A setting of an area not imported yet (none, once every area is) is
    looked up when asked for, so no caller ever reads a missing default."""

    def __missing__(self, key: str) -> str:
        spec = _spec(key)
        if spec is None:
            raise KeyError(key)
        self[key] = spec.default
        return spec.default

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        try:
            return self[key]
        except KeyError:
            return default


def get(session: Session, key: str) -> str:
    value = session.scalar(select(Setting.value).where(Setting.key == key))
    if value is None:
        spec = _spec(key)
        return spec.default if spec is not None else ""
    return value


def get_all(session: Session) -> dict[str, str]:
    """Every setting's value: saved, else its default (the installed areas' settings are filled in at
    once, any other area's when asked for — see :class:`_Values`)."""
    values = _Values({s.key: s.default for s in _installed_specs()})
    values.update({row.key: row.value for row in session.scalars(select(Setting))})
    return values


def date_style(session: Session) -> str:
    """How documents print dates (``dates.CHINESE`` or ``dates.ARABIC``), read once per document."""
    value = get(session, "document_date_style")
    return value if value in dates.STYLES else dates.CHINESE


def to_confirm(session: Session) -> list[SettingSpec]:
    """Settings the court must check (``ask``) whose value is not yet a real one
    (:meth:`SettingSpec.is_real`): the settings page asks for them. Decided by the values, so saving
    the page unchanged does not silence the question while a stand-in would still be printed."""
    saved = {row.key: row.value for row in session.scalars(select(Setting))}
    return [s for s in specs() if s.ask and not s.is_real(saved.get(s.key, s.default), s.key in saved)]


def get_int(session: Session, key: str) -> int:
    value = get(session, key)
    if value:
        return int(value)
    spec = _spec(key)
    if spec is None:
        raise KeyError(key)
    return int(spec.default)


def get_date(session: Session, key: str) -> dt.date | None:
    """A date setting's value, or None when it is empty."""
    value = get(session, key)
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def people(session: Session) -> list[tuple[str, str]]:
    """The court's active people as a ``kind="user"`` setting offers them: (id as text, 姓名（部门）)."""
    from courtdesk.kernel.models.people import Department

    rows = session.execute(select(User.id, User.name, Department.name)
                           .outerjoin(Department, Department.id == User.department_id)
                           .where(User.active.is_(True)).order_by(User.id)).all()
    return [(str(uid), f"{name}（{dept}）" if dept else name) for uid, name, dept in rows]


def _person_refusal(session: Session, spec: SettingSpec, value: str) -> validation.ValidationError | None:
    user = session.get(User, int(value)) if value.isdigit() else None
    if user is None or not user.active:
        return validation.ValidationError(f"{spec.label}：该人员不存在或账号已停用，请重新选择", field=spec.label)
    return None


class SettingsService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def save(self, actor: User, values: dict[str, str]) -> None:
        require(actor, ADMIN, action="修改系统设置")
        known = _by_key()
        cleaned: dict[str, str] = {}
        refused: list[validation.ValidationError] = []
        for key, raw in values.items():
            if key not in known:
                continue
            try:
                cleaned[key] = known[key].clean(raw)
            except validation.ValidationError as exc:  # go on: every bad field is reported at once
                refused.append(exc)
        if refused:
            raise validation.ValidationError.joined(refused)
        with self.db.write(actor) as s:
            # the rules over a person or over several settings, on the values as they would be saved
            after = {**get_all(s), **cleaned}
            for key, value in cleaned.items():
                if known[key].kind == "user" and value:
                    problem = _person_refusal(s, known[key], value)
                    if problem is not None:
                        refused.append(problem)
            for spec in known.values():
                if spec.check is not None:
                    refused.extend(spec.check(s, after))
            if refused:
                raise validation.ValidationError.joined(refused)
            store(s, cleaned)


def store(session: Session, values: Mapping[str, str]) -> None:
    """Write settings already cleaned and checked, in the caller's unit of work (the settings page's
    save; the first-run setup, which writes the court's own values with everything else it sets up)."""
    for key, value in values.items():
        row = session.scalar(select(Setting).where(Setting.key == key))
        if row is None:
            session.add(Setting(key=key, value=value))
        elif row.value != value:
            row.value = value
