"""Helpers of the enforcement tests: valid identity numbers, case data, row counts, the clock."""

from __future__ import annotations

import datetime as dt
import itertools

from sqlalchemy import func, select

from courtdesk.areas.enforcement.models import (
    EnforcementCase,
    EnforcementParty,
    InvestigationLetter,
    RecipientUnit,
    Seizure,
    SeizureNotice,
    SeizureNoticeItem,
    SeizureRenewal,
)
from courtdesk.kernel import clock
from courtdesk.kernel.models.infra import AuditEntry, Counter, WorkflowStep
from courtdesk.kernel.validation import id_check_digit

TABLES = (EnforcementCase, EnforcementParty, RecipientUnit, InvestigationLetter, Seizure, SeizureRenewal,
          SeizureNotice, SeizureNoticeItem, AuditEntry, WorkflowStep, Counter)
_seq = itertools.count(7001)
#: Days before today the fixture case was filed: the tests' seizures start within this.
CASE_AGE = 400


def person_id(first17: str = "13100219880315123") -> str:
    return first17 + id_check_digit(first17)


def row_counts(db) -> dict[str, int]:
    """Row counts of every table a refused action could have touched (and the audit log)."""
    with db.read() as s:
        counts = {m.__tablename__: s.scalar(select(func.count()).select_from(m)) for m in TABLES}
        counts["counter_total"] = s.scalar(select(func.coalesce(func.sum(Counter.last), 0)))
        return counts


def case_data(users, today: dt.date, *, filed_days_ago: int = 0, **changes) -> dict:
    """A valid new case filed ``filed_days_ago`` days before ``today`` (seizures may not start earlier)."""
    seq = next(_seq)
    filed = today - dt.timedelta(days=filed_days_ago)
    data = {
        "number": f"({filed.year})冀1091执{seq}号",
        "filed_on": filed,
        "cause": "民间借贷纠纷",
        "basis": f"({today.year})冀1091民初88号民事判决书",
        "amount": "35000",
        "officer_id": users["enforcer"].id,
        "clerk_id": users["enforce_clerk"].id,
        "applicant_name": "张伟",
        "applicant_id_number": person_id("13100219750101001"),
        "applicant_domicile": "河北省廊坊市广阳区新华路1号",
        "respondent_name": "李娜",
        "respondent_id_number": person_id("13100219900202002"),
        "respondent_domicile": "河北省廊坊市经济技术开发区云鹏道99号",
    }
    data.update(changes)
    return data


def set_day(day: dt.date, hour: int = 9) -> None:
    clock.set_now(dt.datetime.combine(day, dt.time(hour, 0)))
