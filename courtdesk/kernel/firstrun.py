"""First run: a new database is set up for a real court, not filled with demo data.

Areas declare what the setup asks (``Area.setup``: a tuple of :class:`SetupStep`), as they declare
settings and demo fillers; the kernel knows no step by name (docs/ARCHITECTURE.md, "First run", lists
today's). The Qt client shows one page per step (``ui/firstrun.py``); tests and scripts call
:func:`set_up` directly.

:func:`set_up` checks every step before anything is written — each step's fields (the declared
:class:`~courtdesk.kernel.forms.FormField` kinds) and its own rules over the values of the steps up to
it — and reports every refusal at once, each naming its field. Then it applies every step in ONE
write: a refusal anywhere (also one only the database can see) writes nothing. It refuses a
database that has people already: the setup is for a new database, the settings page and 系统管理
are for a running one.

The people the setup creates (the administrator, the seals' custodians) get an initial password
typed by whoever runs the setup and must choose their own at their first login
(``must_change_password``); their signing keys are made in the same write and replaced by a fresh
pair at that first change (see :meth:`courtdesk.kernel.people.PeopleService.change_password`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from courtdesk.kernel import area, forms, signing
from courtdesk.kernel.db.engine import Database
from courtdesk.kernel.errors import DomainError, ValidationError
from courtdesk.kernel.models.people import DEPARTMENT_KINDS, Department, Role, User, UserRole
from courtdesk.kernel.people import check_password_rule, credentials

#: Every step's cleaned values, by step key (the steps up to the one being checked, or all).
Values = Mapping[str, Mapping[str, Any]]


@dataclass
class SetupContext:
    """What a step's ``apply`` works with: the one write's session and what earlier steps made."""

    session: Session
    values: Values
    departments: dict[str, Department] = field(default_factory=dict)
    people: dict[str, User] = field(default_factory=dict)
    admin: User | None = None
    _keys: list[tuple[User, bytes]] = field(default_factory=list)

    def add_department(self, name: str, kind: str) -> Department:
        dept = Department(name=name, kind=kind)
        self.session.add(dept)
        self.session.flush()
        self.departments[name] = dept
        return dept

    def add_person(self, *, username: str, name: str, password: str, department: str, roles: Iterable[Role],
                   title: str = "") -> User:
        """A new account that must change its initial ``password`` at its first login; its signing key
        is made at the end of the setup's write (:func:`set_up`)."""
        # argon2 inside the write: nobody else can be working in a database that has no people yet
        stored, wrap_key = credentials(password)
        user = User(username=username, name=name, title=title, password_hash=stored,
                    department_id=self.departments[department].id, must_change_password=True)
        user.role_rows = [UserRole(role=str(r)) for r in roles]
        self.session.add(user)
        self.session.flush()
        self.people[username] = user
        self._keys.append((user, wrap_key))
        return user


@dataclass(frozen=True)
class SetupStep:
    """One page of the first-run setup, declared by an area.

    ``fields``: what it asks (labels unique over every step: a refusal names its field by label).
    ``check(values)``: its rules over its own cleaned values and those of the steps before it
    (``values[step key]``), returning every refusal. ``apply(ctx, mine)``: writes it, in the one write.
    ``prefill(values)``: suggestions from the earlier steps' values (a seal named after the court);
    the client puts them in fields the user has not changed. ``offers(values)``: the options of its
    choice fields (and ``"lines.column"`` choices) given the earlier steps (the departments just typed)."""

    key: str
    title: str
    fields: tuple[forms.FormField, ...]
    apply: Callable[[SetupContext, Mapping[str, Any]], None]
    intro: str = ""
    check: Callable[[Values], list[ValidationError]] | None = None
    prefill: Callable[[Values], dict[str, Any]] | None = None
    offers: Callable[[Values], dict[str, list[tuple[Any, str]]]] | None = None


def steps() -> list[SetupStep]:
    """Every area's steps, each area after those it builds on."""
    return [step for declared in area.in_dependency_order() for step in declared.setup]


def needs_setup(db: Database) -> bool:
    """A database nobody can log in to yet: no account exists."""
    with db.read() as s:
        return s.scalar(select(User.id).limit(1)) is None


ALREADY_SET_UP = "本数据库已有用户账号，不能再做首次设置；请系统管理员在「系统管理」中修改本院信息和人员"


def check_step(step: SetupStep, raw: Mapping[str, Any], earlier: Values) -> dict[str, Any]:
    """``step``'s values cleaned and checked against its rules (with the ``earlier`` steps' cleaned
    values); raises one :class:`ValidationError` carrying every refusal."""
    cleaned = forms.clean(step.fields, dict(raw))
    if step.check is not None:
        refused = step.check({**earlier, step.key: cleaned})
        if refused:
            raise ValidationError.joined(refused)
    return cleaned


def check_all(raw: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Every step checked in order; every refusal of every step at once."""
    cleaned: dict[str, dict[str, Any]] = {}
    refused: list[ValidationError] = []
    for step in steps():
        try:
            cleaned[step.key] = check_step(step, raw.get(step.key, {}), cleaned)
        except ValidationError as exc:
            refused.append(exc)  # joined below: each refusal once
            # later steps' rules still see what was typed here (no two people share a login name)
            cleaned[step.key] = dict(raw.get(step.key, {}))
    if refused:
        raise ValidationError.joined(refused)
    return cleaned


def set_up(db: Database, raw: Mapping[str, Mapping[str, Any]]) -> User:
    """Set up a new database for the court from ``raw`` (step key → field key → value, as a form gives
    them); returns the first administrator. Everything or nothing is written."""
    if not needs_setup(db):
        raise DomainError(ALREADY_SET_UP, field="首次设置")
    cleaned = check_all(raw)
    with db.write() as s:
        if s.scalar(select(User.id).limit(1)) is not None:  # another workstation was quicker
            raise DomainError(ALREADY_SET_UP, field="首次设置")
        ctx = SetupContext(session=s, values=cleaned)
        for step in steps():
            step.apply(ctx, cleaned[step.key])
        if ctx.admin is None:
            raise DomainError("首次设置：没有设置系统管理员，无法登录", field="首次设置")
        # the signing keys last: each is flushed on its own (see signing.rekey)
        for user, wrap_key in ctx._keys:
            signing.rekey(s, user.id, wrap_key)
        admin = ctx.admin
        _ = admin.roles, admin.department
    return admin


# --- helpers the areas' steps share -----------------------------------------------------------------

def same_login(a: str, b: str) -> bool:
    """Two login names a person would read as one (case, full-width)."""
    return unicodedata.normalize("NFKC", a).casefold() == unicodedata.normalize("NFKC", b).casefold()


def login_name(value: Any, label: str) -> str:
    """A login name as :meth:`PeopleService.create_user` takes it: NFKC, one line, at most 40."""
    from courtdesk.kernel import validation

    name = unicodedata.normalize("NFKC", validation.text(value, label, max_len=40))
    if any(ch.isspace() for ch in name):
        raise ValidationError(f"{label}：不能含有空格", field=label)
    return name


def password_pair(values: Mapping[str, Any], key: str, again: str, label: str, again_label: str,
                  ) -> list[ValidationError]:
    """The rule of an initial password and its second typing."""
    password = str(values.get(key) or "")
    refused: list[ValidationError] = []
    try:
        check_password_rule(password, label)
    except ValidationError as exc:
        refused.append(exc)
    if password and str(values.get(again) or "") != password:
        refused.append(ValidationError(f"{again_label}：两次输入的密码不一致", field=again_label))
    return refused


def department_kind_choices() -> list[tuple[str, str]]:
    """The declared department categories (code, words)."""
    return list(DEPARTMENT_KINDS.items())
