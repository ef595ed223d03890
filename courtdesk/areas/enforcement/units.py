"""Recipient units of investigation letters (调查函发往单位): a reusable, editable list.

:data:`REFERENCE_UNITS` is a starting list for 廊坊经济技术开发区 (police stations, the real-estate
registry, social security, the housing fund, village committees, banks …); an administrator or an
enforcement officer loads it with :meth:`UnitService.load_reference_list` and edits it from then on.
The names are the usual forms of such units in the district; check them against the court's own
address book before the first letters go out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from courtdesk.areas.enforcement.models import UNIT_KINDS, RecipientUnit
from courtdesk.areas.enforcement.roles import ENFORCEMENT
from courtdesk.kernel.db.engine import Database
from courtdesk.kernel.errors import ValidationError
from courtdesk.kernel.forms import FormField, clean
from courtdesk.kernel.models.people import ADMIN, User
from courtdesk.kernel.people import require
from courtdesk.kernel.records import load_or_refuse

#: (name, kind, address, postcode)
REFERENCE_UNITS: tuple[tuple[str, str, str, str], ...] = (
    ("廊坊市公安局经济技术开发区分局云鹏道派出所", "police", "河北省廊坊市经济技术开发区云鹏道", "065001"),
    ("廊坊市公安局经济技术开发区分局耀华道派出所", "police", "河北省廊坊市经济技术开发区耀华道", "065001"),
    ("廊坊市公安局经济技术开发区分局新源道派出所", "police", "河北省廊坊市经济技术开发区新源道", "065001"),
    ("廊坊市公安局经济技术开发区分局耿家务派出所", "police", "河北省廊坊市经济技术开发区耿家务镇", "065001"),
    ("廊坊市不动产登记中心经济技术开发区分中心", "real_estate", "河北省廊坊市经济技术开发区华祥路", "065001"),
    ("廊坊市社会保险事业服务中心经济技术开发区分中心", "social_security", "河北省廊坊市经济技术开发区华祥路",
     "065001"),
    ("廊坊市住房公积金管理中心经济技术开发区管理部", "housing_fund", "河北省廊坊市经济技术开发区四海路", "065001"),
    ("廊坊市公安局交通警察支队车辆管理所", "vehicle", "河北省廊坊市广阳区", "065000"),
    ("廊坊经济技术开发区市场监督管理局", "market", "河北省廊坊市经济技术开发区华祥路", "065001"),
    ("国家税务总局廊坊经济技术开发区税务局", "tax", "河北省廊坊市经济技术开发区友谊路", "065001"),
    ("耿家务镇北旺村村民委员会", "village", "河北省廊坊市经济技术开发区耿家务镇北旺村", "065001"),
    ("耿家务镇东张务村村民委员会", "village", "河北省廊坊市经济技术开发区耿家务镇东张务村", "065001"),
    ("耿家务镇西张务村村民委员会", "village", "河北省廊坊市经济技术开发区耿家务镇西张务村", "065001"),
    ("云鹏道街道怡馨园社区居民委员会", "village", "河北省廊坊市经济技术开发区云鹏道", "065001"),
    ("中国工商银行股份有限公司廊坊开发区支行", "bank", "河北省廊坊市经济技术开发区华祥路", "065001"),
    ("中国农业银行股份有限公司廊坊开发区支行", "bank", "河北省廊坊市经济技术开发区四海路", "065001"),
    ("中国银行股份有限公司廊坊开发区支行", "bank", "河北省廊坊市经济技术开发区友谊路", "065001"),
    ("中国建设银行股份有限公司廊坊开发区支行", "bank", "河北省廊坊市经济技术开发区云鹏道", "065001"),
    ("中国邮政储蓄银行股份有限公司廊坊市开发区支行", "bank", "河北省廊坊市经济技术开发区", "065001"),
    ("廊坊银行股份有限公司开发区支行", "bank", "河北省廊坊市经济技术开发区", "065001"),
    ("河北银行股份有限公司廊坊开发区支行", "bank", "河北省廊坊市经济技术开发区", "065001"),
    ("河北廊坊农村商业银行股份有限公司开发区支行", "bank", "河北省廊坊市经济技术开发区", "065001"),
)


def _kind_choices(session: Session, actor: User) -> list[tuple[Any, str]]:
    return list(UNIT_KINDS.items())


UNIT_FIELDS: tuple[FormField, ...] = (
    FormField("name", "单位名称", "text", max_len=100),
    FormField("kind", "单位类别", "choice", choices=_kind_choices, default="other"),
    FormField("address", "地址", "text", required=False, max_len=200),
    FormField("postcode", "邮政编码", "text", required=False, max_len=6),
    FormField("phone", "联系电话", "text", required=False, max_len=40),
)


def _clean_unit(data: dict[str, Any]) -> dict[str, Any]:
    fields = clean(UNIT_FIELDS, data)
    if fields["kind"] not in UNIT_KINDS:
        raise ValidationError("单位类别：请选择 " + "、".join(UNIT_KINDS.values()), field="单位类别")
    if fields["postcode"] and not (fields["postcode"].isdigit() and len(fields["postcode"]) == 6):
        raise ValidationError("邮政编码：应为 6 位数字", field="邮政编码")
    return fields


def _require_editor(actor: User) -> None:
    require(actor, ENFORCEMENT, ADMIN, action="维护调查函发往单位名录")


class UnitService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, actor: User, data: dict[str, Any]) -> RecipientUnit:
        _require_editor(actor)
        fields = _clean_unit(data)
        with self.db.write(actor) as s:
            if s.scalar(select(RecipientUnit.id).where(RecipientUnit.name == fields["name"])):
                raise ValidationError(f"单位名称：「{fields['name']}」已在名录中", field="单位名称")
            sort = (s.scalar(select(func.max(RecipientUnit.sort))) or 0) + 10
            unit = RecipientUnit(sort=sort, **fields)
            s.add(unit)
            s.flush()
            return unit

    def update(self, actor: User, unit_id: int, data: dict[str, Any]) -> RecipientUnit:
        _require_editor(actor)
        with self.db.write(actor) as s:
            unit = self._load(s, unit_id)
            current = {f.key: getattr(unit, f.key) for f in UNIT_FIELDS}
            fields = _clean_unit({**current, **data})
            clash = s.scalar(select(RecipientUnit.id).where(RecipientUnit.name == fields["name"],
                                                             RecipientUnit.id != unit.id))
            if clash:
                raise ValidationError(f"单位名称：「{fields['name']}」已在名录中", field="单位名称")
            for key, value in fields.items():
                setattr(unit, key, value)
            if "active" in data:
                unit.active = bool(data["active"])
            return unit

    def load_reference_list(self, actor: User) -> int:
        """Add the reference units that are not in the list yet; return how many were added."""
        _require_editor(actor)
        with self.db.write(actor) as s:
            have = set(s.scalars(select(RecipientUnit.name)))
            sort = s.scalar(select(func.max(RecipientUnit.sort))) or 0
            added = 0
            for name, kind, address, postcode in REFERENCE_UNITS:
                if name in have:
                    continue
                sort += 10
                s.add(RecipientUnit(name=name, kind=kind, address=address, postcode=postcode, sort=sort))
                added += 1
            return added

    def set_active(self, actor: User, unit_ids: Sequence[int], active: bool) -> int:
        """停用 / 启用 units (a unit in use keeps its letters; a stopped one is not offered any more)."""
        _require_editor(actor)
        with self.db.write(actor) as s:
            changed = 0
            for unit_id in unit_ids:
                unit = self._load(s, unit_id)
                if unit.active != active:
                    unit.active = active
                    changed += 1
            return changed

    @staticmethod
    def _load(session: Session, unit_id: int) -> RecipientUnit:
        return load_or_refuse(session, RecipientUnit, unit_id, "发往单位", "该单位不在名录中")


def list_units(session: Session, *, active_only: bool = True, kind: str | None = None) -> list[RecipientUnit]:
    stmt = select(RecipientUnit).order_by(RecipientUnit.sort, RecipientUnit.id)
    if active_only:
        stmt = stmt.where(RecipientUnit.active.is_(True))
    if kind:
        stmt = stmt.where(RecipientUnit.kind == kind)
    return list(session.scalars(stmt))


def unit_choices(session: Session, actor: User) -> list[tuple[Any, str]]:
    return [(u.id, f"{u.name}（{u.kind_label}）") for u in list_units(session)]

