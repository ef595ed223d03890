"""First run, the system area's part: the court, its departments and the first administrator.

The court's identity is written to the kernel's settings (checked by their :class:`SettingSpec`), so
every document printed afterwards carries the court's own name, 代字 and address — never the demo
court's. The departments start as a typical basic-level court's list, for the court to edit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from courtdesk.kernel import firstrun, settings
from courtdesk.kernel.errors import ValidationError
from courtdesk.kernel.forms import FormField
from courtdesk.kernel.models.people import ADMIN, DEPARTMENT_KINDS

#: A basic-level people's court's departments (name, category); the demo court has the same.
TYPICAL_DEPARTMENTS: tuple[tuple[str, str], ...] = (
    ("办公室", "office"),
    ("政治处", "political"),
    ("立案庭", "business"),
    ("刑事审判庭", "business"),
    ("民事审判庭", "business"),
    ("执行局", "enforcement"),
    ("财务室", "business"),
    ("信息技术办公室", "business"),
    ("法警队", "business"),
    ("院领导", "leaders"),
)

#: The court's identity the setup asks for (kernel settings), with what helps to fill each in.
COURT_KEYS: tuple[tuple[str, str], ...] = (
    ("court_name", "全称，印在文书落款，如「××省××市××区人民法院」"),
    ("court_short_name", "不带省名的名称，印在复函抬头和印章名称中"),
    ("court_code", "案号中的法院代字，如「冀0102」"),
    ("address", "复函按此地址寄回，请写到街道门牌号"),
    ("postcode", "6 位数字"),
    ("phone", "文书上印的本院电话，如「0316-1234567」"),
)


def _spec(key: str) -> settings.SettingSpec:
    return next(s for s in settings.KERNEL_SPECS if s.key == key)


# Nothing of the demo court is prefilled: every value is the court's own.
COURT_FIELDS: tuple[FormField, ...] = tuple(
    FormField(key, _spec(key).label, "text", max_len=_spec(key).max_len, help=hint) for key, hint in COURT_KEYS
)


def _check_court(values: firstrun.Values) -> list[ValidationError]:
    mine = values["court"]
    refused: list[ValidationError] = []
    for key, _hint in COURT_KEYS:
        try:
            _spec(key).clean(mine.get(key, ""))
        except ValidationError as exc:
            refused.append(exc)
    phone = str(mine.get("phone") or "")
    if phone and not all(ch.isdigit() or ch in "-+() " for ch in phone):
        refused.append(ValidationError("联系电话：只能包含数字、空格和 - + ( )", field="联系电话"))
    code = str(mine.get("court_code") or "")
    if code and not (len(code) >= 3 and not code[0].isascii() and code[1:].isdigit()):
        refused.append(ValidationError("法院代字：应为省份简称加数字，如「冀0102」", field="法院代字"))
    return refused


def _apply_court(ctx: firstrun.SetupContext, mine: Mapping[str, Any]) -> None:
    settings.store(ctx.session, {key: _spec(key).clean(mine[key]) for key, _hint in COURT_KEYS})


def _kind_choices(session: Any, actor: Any) -> list[tuple[Any, str]]:
    return firstrun.department_kind_choices()


DEPARTMENTS_LABEL = "本院部门"
DEPARTMENT_FIELDS: tuple[FormField, ...] = (
    FormField("departments", DEPARTMENTS_LABEL, "lines", maximum=60, columns=(
        FormField("name", "部门名称", "text", max_len=40),
        FormField("kind", "类别", "choice", choices=_kind_choices,
                  help="办公室保管院印和办公室印，政治处保管党组印；其余一般为业务部门"),
    ), default=[{"name": name, "kind": kind} for name, kind in TYPICAL_DEPARTMENTS],
        help="已按基层法院常见设置列出，可改名、删除或添加；类别决定谁能保管哪枚印章"),
)


def departments_of(values: firstrun.Values) -> list[Mapping[str, Any]]:
    """The departments typed in the setup (rows of name and kind)."""
    return list(values.get("departments", {}).get("departments") or [])


def _check_departments(values: firstrun.Values) -> list[ValidationError]:
    refused: list[ValidationError] = []
    seen: set[str] = set()
    for position, row in enumerate(departments_of(values), 1):
        if row["kind"] not in DEPARTMENT_KINDS:
            label = f"{DEPARTMENTS_LABEL}第{position}行 类别"
            refused.append(ValidationError(f"{label}：没有「{row['kind']}」这个部门类别", field=label))
        if row["name"] in seen:
            label = f"{DEPARTMENTS_LABEL}第{position}行 部门名称"
            refused.append(ValidationError(f"{label}：「{row['name']}」重复", field=label))
        seen.add(row["name"])
    return refused


def _apply_departments(ctx: firstrun.SetupContext, mine: Mapping[str, Any]) -> None:
    for row in mine["departments"]:
        ctx.add_department(row["name"], row["kind"])


def _department_names(values: firstrun.Values) -> list[tuple[Any, str]]:
    return [(row["name"], row["name"]) for row in departments_of(values)]


ADMIN_FIELDS: tuple[FormField, ...] = (
    FormField("name", "管理员姓名", "text", max_len=40),
    FormField("username", "管理员用户名", "text", max_len=40, help="登录时输入，如姓名拼音"),
    FormField("department", "管理员所在部门", "choice"),
    FormField("title", "管理员职务", "text", max_len=40, required=False, default="系统管理员"),
    FormField("password", "管理员初始密码", "password", max_len=256,
              help="至少 8 位，须同时包含字母和数字；管理员首次登录时须改为只有自己知道的密码"),
    FormField("password_again", "再次输入管理员初始密码", "password", max_len=256),
)


def _check_admin(values: firstrun.Values) -> list[ValidationError]:
    mine = values["admin"]
    refused: list[ValidationError] = []
    try:
        firstrun.login_name(mine.get("username"), "管理员用户名")
    except ValidationError as exc:
        refused.append(exc)
    names = {name for name, _label in _department_names(values)}
    if mine.get("department") and mine["department"] not in names:
        refused.append(ValidationError(f"管理员所在部门：「{mine['department']}」不在本院部门中，请重新选择",
                                       field="管理员所在部门"))
    refused += firstrun.password_pair(mine, "password", "password_again", "管理员初始密码", "再次输入管理员初始密码")
    return refused


def _apply_admin(ctx: firstrun.SetupContext, mine: Mapping[str, Any]) -> None:
    ctx.admin = ctx.add_person(username=firstrun.login_name(mine["username"], "管理员用户名"), name=mine["name"],
                               password=mine["password"], department=mine["department"], roles=(ADMIN,),
                               title=mine.get("title") or "")


def admin_username(values: firstrun.Values) -> str:
    """The administrator's login name as typed (for other steps' rules: no two people share one)."""
    return str(values.get("admin", {}).get("username") or "")


STEPS: tuple[firstrun.SetupStep, ...] = (
    firstrun.SetupStep("court", "本院信息", COURT_FIELDS, _apply_court, check=_check_court,
                       intro="这些信息印在本院的每一份文书上（落款、案号、复函地址），请按本院实际填写。"),
    firstrun.SetupStep("departments", "部门", DEPARTMENT_FIELDS, _apply_departments, check=_check_departments,
                       intro="本院的内设部门。以后可在「系统管理 → 部门」中增改。"),
    firstrun.SetupStep("admin", "系统管理员", ADMIN_FIELDS, _apply_admin, check=_check_admin,
                       offers=lambda values: {"department": _department_names(values)},
                       intro="第一位系统管理员：由他在「系统管理」中为本院其他人员开设账号、分配角色。"),
)
