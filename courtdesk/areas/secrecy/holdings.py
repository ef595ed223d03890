"""What a person still holds of the court's secrets (《保密工作制度》第三十一条、第二十三条): before 离岗 every
国家秘密载体 and 涉密信息设备 the person keeps or has out must be handed back.

:func:`outstanding` joins what each source in :data:`SOURCES` lists; a source is a function
``(session, user_id) -> list[str]`` naming each item in words (「(2026)密载0001号第2份（借阅）」). Another
kind of holding (classified computers, media) is one more entry in :data:`SOURCES`."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from courtdesk.areas.secrecy import devices
from courtdesk.areas.secrecy.models import SecretCopy
from courtdesk.areas.secrecy.service import GONE

Source = Callable[[Session, int], list[str]]

_HOW = {"lent": "借阅", "out": "携带外出"}
_KEPT = {"issued": "分发保管"}


def carrier_copies(session: Session, user_id: int) -> list[str]:
    """Copies of 涉密载体 the person keeps (保管, or 分发 to them) or has lent or carried out (借阅、携带外出) —
    not destroyed, not returned to their issuer."""
    copies = session.scalars(
        select(SecretCopy)
        .where(SecretCopy.status.notin_(GONE),
               or_(SecretCopy.keeper_id == user_id,
                   SecretCopy.status.in_(tuple(_HOW)) & (SecretCopy.borrower_id == user_id)))
        .order_by(SecretCopy.number))
    out = []
    for copy in copies:
        if copy.status in _HOW and copy.borrower_id == user_id:
            how = _HOW[copy.status]
        else:
            how = _KEPT.get(copy.status, "保管")
        out.append(f"{copy.number}（{how}）")
    return out


#: Every kind of holding the exit checks, in the order the refusal names them.
SOURCES: tuple[Source, ...] = (
    carrier_copies,
    devices.held_by,
)


def outstanding(session: Session, user_id: int) -> list[str]:
    """Everything the person still holds, in words; empty when all has been handed back."""
    return [item for source in SOURCES for item in source(session, user_id)]
