"""Court settings (court name, code, address …). Values are text; defaults apply until saved."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from courtdesk import validation
from courtdesk.db.engine import Database
from courtdesk.models.infra import Setting
from courtdesk.models.people import Role, User
from courtdesk.services.people import require


@dataclass(frozen=True)
class SettingSpec:
    key: str
    label: str
    default: str
    max_len: int = 200


SPECS: tuple[SettingSpec, ...] = (
    SettingSpec("court_name", "法院名称", "河北省廊坊经济技术开发区人民法院", 60),
    SettingSpec("court_short_name", "法院简称", "廊坊经济技术开发区人民法院", 40),
    SettingSpec("court_code", "法院代字", "冀1091", 20),
    SettingSpec("address", "法院地址", "河北省廊坊经济技术开发区", 120),
    SettingSpec("postcode", "邮政编码", "065001", 6),
    SettingSpec("phone", "联系电话", "0316-0000000", 40),
    SettingSpec("enforcement_bureau", "执行局名称", "廊坊经济技术开发区人民法院执行局", 60),
    SettingSpec("letter_reply_days", "调查函回复期限（天）", "15", 3),
    SettingSpec("attachment_max_mb", "附件大小上限（MB）", "20", 3),
    SettingSpec("font_body_path", "正文字体文件（仿宋，可空）", "", 260),
    SettingSpec("font_title_path", "标题字体文件（小标宋，可空）", "", 260),
)
_BY_KEY = {s.key: s for s in SPECS}


def get(session: Session, key: str) -> str:
    value = session.scalar(select(Setting.value).where(Setting.key == key))
    if value is None:
        return _BY_KEY[key].default if key in _BY_KEY else ""
    return value


def get_all(session: Session) -> dict[str, str]:
    values = {s.key: s.default for s in SPECS}
    values.update({row.key: row.value for row in session.scalars(select(Setting))})
    return values


def get_int(session: Session, key: str) -> int:
    return int(get(session, key) or _BY_KEY[key].default)


class SettingsService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def save(self, actor: User, values: dict[str, str]) -> None:
        require(actor, Role.ADMIN, action="修改系统设置")
        cleaned: dict[str, str] = {}
        for key, raw in values.items():
            spec = _BY_KEY.get(key)
            if spec is None:
                continue
            cleaned[key] = validation.text(raw, spec.label, max_len=spec.max_len, required=False)
        for key in ("letter_reply_days", "attachment_max_mb"):
            if key in cleaned:
                cleaned[key] = str(validation.integer(cleaned[key], _BY_KEY[key].label, minimum=1, maximum=365))
        if "postcode" in cleaned and cleaned["postcode"] and not (
            cleaned["postcode"].isdigit() and len(cleaned["postcode"]) == 6
        ):
            raise validation.ValidationError("邮政编码：应为 6 位数字", field="邮政编码")
        with self.db.write(actor) as s:
            for key, value in cleaned.items():
                row = s.scalar(select(Setting).where(Setting.key == key))
                if row is None:
                    s.add(Setting(key=key, value=value))
                elif row.value != value:
                    row.value = value
