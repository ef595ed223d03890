"""Claims made from a few words for the finance tests."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

NOW = dt.datetime(2026, 12, 1, 9, 0)
_numbers = itertools.count(90_000_001)


def invoice() -> str:
    return f"{next(_numbers):08d}"


def travel_data(**over: Any) -> dict[str, Any]:
    """A 差旅费报销单 of two lines, each with its receipt."""
    data: dict[str, Any] = {
        "kind": "travel", "purpose": "赴石家庄执行查控", "travellers": "黄磊",
        "trip_start": dt.date(2026, 11, 24), "trip_end": dt.date(2026, 11, 26), "places": "石家庄",
        "transport": "火车", "city_class": "二类",
        "expense_lines": [
            {"category": "城市间交通费", "description": "往返火车票", "amount": "356.00"},
            {"category": "住宿费", "description": "住宿 2 晚", "amount": "680.00"},
        ],
        "receipt_rows": [
            {"receipt_type": "火车票", "invoice_number": invoice(), "issued_on": dt.date(2026, 11, 24),
             "amount": "178.00", "line_no": 1},
            {"receipt_type": "火车票", "invoice_number": invoice(), "issued_on": dt.date(2026, 11, 26),
             "amount": "178.00", "line_no": 1},
            {"receipt_type": "住宿发票", "invoice_number": invoice(), "issued_on": dt.date(2026, 11, 26),
             "amount": "680.00", "line_no": 2},
        ],
    }
    data.update(over)
    return data


def general_data(amount: str = "460.00", **over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "general", "purpose": "购买打印耗材",
        "expense_lines": [{"category": "办公费", "description": "硒鼓", "amount": amount}],
        "receipt_rows": [{"receipt_type": "增值税普通发票", "invoice_number": invoice(),
                          "issued_on": dt.date(2026, 11, 28), "amount": amount, "line_no": 1}],
    }
    data.update(over)
    return data


def claim_against(db: Any, users: dict[str, Any], aid: int, amount: str, who: str = "judge") -> int:
    """A general claim of ``who`` set against advance ``aid``, approved and registered."""
    from courtdesk.areas.finance.claims import ClaimService

    claims = ClaimService(db)
    cid = claims.file(users[who], general_data(amount, advance_id=aid)).id
    claims.act(users[who], cid, "submit")
    claims.act(users["finance_leader"], cid, "approve")
    claims.act(users["finance"], cid, "register")
    return cid


def pay_out(db: Any, users: dict[str, Any], cid: int, who: str = "judge") -> None:
    """A registered claim sent, reimbursed, paid (as a set-off when nothing is due) and signed."""
    from courtdesk.areas.finance.claims import SET_OFF_ONLY, ClaimService
    from courtdesk.areas.finance.models import ExpenseClaim

    claims = ClaimService(db)
    claims.send_batch(users["finance"], [cid])
    claims.act(users["finance"], cid, "reimburse")
    with db.read() as s:
        due = s.get(ExpenseClaim, cid).payable_fen
    claims.act(users["cashier"], cid, "pay", pay_method=SET_OFF_ONLY if due == 0 else "现金")
    claims.act(users[who], cid, "sign")
