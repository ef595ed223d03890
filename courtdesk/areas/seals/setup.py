"""First run, the seals area's part: the court's seals and the people who keep them.

The court seal (院印) and the office seal (办公室印) are kept by the office's head (办公室负责人), the
party-group seal (党组印) by 政治处 (《保密工作制度》第二十条(1), :meth:`SealService.check_custodian`).
Both keepers are new accounts made in the same write as the seals, each in the department of that
category typed on the departments page, with an initial password they must change at first login.
Seal names are suggested from the court's short name and stay editable.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from courtdesk.areas.seals.service import add_seal
from courtdesk.areas.system import roles
from courtdesk.areas.system.setup import DEPARTMENTS_LABEL, admin_username, departments_of
from courtdesk.kernel import firstrun
from courtdesk.kernel.errors import ValidationError
from courtdesk.kernel.forms import FormField

PASSWORD_HELP = "至少 8 位，须同时包含字母和数字；本人首次登录时须改为只有自己知道的密码"

#: (key, kind, label) of the seals the setup registers.
SEALS: tuple[tuple[str, str, str], ...] = (
    ("court_seal", "court", "院印名称"),
    ("office_seal", "office", "办公室印名称"),
    ("party_seal", "party", "党组印名称"),
)

#: The keepers: (key prefix, the words for them, department category, roles, title).
KEEPERS: tuple[tuple[str, str, str, tuple[Any, ...], str], ...] = (
    ("office_head", "办公室负责人", "office", (roles.OFFICE_HEAD,), "办公室主任"),
    ("political", "政治处负责人", "political", (roles.DEPT_HEAD,), "政治处主任"),
)


def _keeper_fields(prefix: str, who: str, keeps: str) -> tuple[FormField, ...]:
    return (
        FormField(f"{prefix}_name", f"{who}姓名", "text", max_len=40, help=f"保管{keeps}"),
        FormField(f"{prefix}_username", f"{who}用户名", "text", max_len=40),
        FormField(f"{prefix}_password", f"{who}初始密码", "password", max_len=256, help=PASSWORD_HELP),
        FormField(f"{prefix}_password_again", f"再次输入{who}初始密码", "password", max_len=256),
    )


FIELDS: tuple[FormField, ...] = (
    *(FormField(key, label, "text", max_len=60) for key, _kind, label in SEALS),
    *_keeper_fields("office_head", "办公室负责人", "院印、办公室印"),
    *_keeper_fields("political", "政治处负责人", "党组印"),
)


def _prefill(values: firstrun.Values) -> dict[str, Any]:
    short = str(values.get("court", {}).get("court_short_name") or "")
    if not short:
        return {}
    return {"court_seal": short, "office_seal": f"{short}办公室", "party_seal": f"中共{short}党组"}


def _department_of_kind(values: firstrun.Values, kind: str) -> str | None:
    return next((row["name"] for row in departments_of(values) if row["kind"] == kind), None)


def _check(values: firstrun.Values) -> list[ValidationError]:
    mine = values["seals"]
    refused: list[ValidationError] = []
    names: dict[str, str] = {}
    for key, _kind, label in SEALS:
        name = str(mine.get(key) or "")
        if name and name in names:
            refused.append(ValidationError(f"{label}：与{names[name]}相同，每枚印章的名称须不同", field=label))
        names.setdefault(name, label)
    logins: list[tuple[str, str]] = []
    if admin_username(values):
        logins.append((admin_username(values), "管理员用户名"))
    for prefix, who, kind, _roles, _title in KEEPERS:
        label = f"{who}用户名"
        try:
            login = firstrun.login_name(mine.get(f"{prefix}_username"), label)
        except ValidationError as exc:
            refused.append(exc)
        else:
            clash = next((other for name, other in logins if firstrun.same_login(name, login)), None)
            if clash is not None:
                refused.append(ValidationError(f"{label}：「{login}」与{clash}相同，每人须有自己的用户名", field=label))
            logins.append((login, label))
        if _department_of_kind(values, kind) is None:
            from courtdesk.kernel.models.people import department_kind_label

            refused.append(ValidationError(
                f"{who}姓名：{DEPARTMENTS_LABEL}中没有类别为「{department_kind_label(kind)}」的部门，"
                f"请回到「部门」页添加", field=f"{who}姓名"))
        refused += firstrun.password_pair(mine, f"{prefix}_password", f"{prefix}_password_again",
                                          f"{who}初始密码", f"再次输入{who}初始密码")
    return refused


def _apply(ctx: firstrun.SetupContext, mine: Mapping[str, Any]) -> None:
    keepers = {}
    for prefix, who, kind, held, title in KEEPERS:
        department = _department_of_kind(ctx.values, kind)
        assert department is not None  # checked
        keepers[kind] = ctx.add_person(
            username=firstrun.login_name(mine[f"{prefix}_username"], f"{who}用户名"), name=mine[f"{prefix}_name"],
            password=mine[f"{prefix}_password"], department=department, roles=held, title=title)
    for key, kind, label in SEALS:
        keeper = keepers["political" if kind == "party" else "office"]
        add_seal(ctx.session, name=mine[key], kind=kind, custodian_id=keeper.id, label=label)


STEP = firstrun.SetupStep(
    "seals", "印章与保管人", FIELDS, _apply, check=_check, prefill=_prefill,
    intro="本院的院印、办公室印和党组印，以及保管和监印的人。院印和办公室印由办公室负责人保管，"
          "党组印由政治处保管（《保密工作制度》第二十条）。部门印可在以后由系统管理员登记。")
