"""Shared helpers of the introduction-letter and blank-letterhead tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select

from courtdesk.areas.letters.demo import BEARERS
from courtdesk.areas.letters.models import (
    BlankLetterhead,
    BlankLetterheadReport,
    IntroductionLetter,
    IntroductionLetterBearer,
)
from courtdesk.areas.seals.models import SealUse
from courtdesk.kernel.db import Database
from courtdesk.kernel.models.infra import AuditEntry, Counter
from courtdesk.kernel.models.people import User

#: "Today" in these tests: a few days after the last demo record (2026-11-20).
NOW = dt.datetime(2026, 11, 23, 9, 0)

COUNTED = (IntroductionLetter, IntroductionLetterBearer, BlankLetterhead, BlankLetterheadReport, SealUse,
           AuditEntry)


def row_counts(db: Database) -> dict[str, int]:
    """Rows of every table these registers write, plus the yearly counters' values."""
    with db.read() as s:
        counts = {m.__tablename__: int(s.scalar(select(func.count()).select_from(m)) or 0) for m in COUNTED}
        counts.update({f"counter:{r.register}:{r.year}": r.last for r in s.scalars(select(Counter))})
    return counts


def load_users(db: Database) -> dict[str, User]:
    """Demo users by login name, usable after the session closes."""
    with db.read() as s:
        users = {u.username: u for u in s.scalars(select(User))}
        for u in users.values():
            _ = u.roles, u.department
    return users


def letter_data(users: dict[str, User], **overrides: Any) -> dict[str, Any]:
    """A complete, valid letter request filed by the enforcement officer for himself and his clerk."""
    data: dict[str, Any] = {
        "recipient": "廊坊市自然资源和规划局",
        "purpose": "查询被执行人名下不动产登记信息",
        "validity_days": 7,
        "bearers": [
            {"name": users["enforcer"].name, "title": BEARERS["enforcer"][0], "id_number": BEARERS["enforcer"][1]},
            {"name": users["enforce_clerk"].name, "title": BEARERS["enforce_clerk"][0],
             "id_number": BEARERS["enforce_clerk"][1]},
        ],
        "signer_id": users["leader"].id,
    }
    data.update(overrides)
    return data


def wrong_check_digit(number: str) -> str:
    last = "0" if number[-1] != "0" else "1"
    return number[:-1] + last
