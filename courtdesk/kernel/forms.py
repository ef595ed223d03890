"""Declared form fields: a register (or a workflow action) lists its fields once; the generic Qt
form renders them and :func:`clean` applies the same checks in the core."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from courtdesk.kernel import validation
from courtdesk.kernel.errors import ValidationError
from courtdesk.kernel.money import amount_in_words, format_yuan, parse_amount

Choices = Callable[[Session, Any], list[tuple[Any, str]]]
#: ``(session, actor, value) -> options``: a choice's options for ``value`` of the field (or context
#: value) it follows, see :attr:`FormField.choices_by`.
DependentChoices = Callable[[Session, Any, Any], list[tuple[Any, str]]]
#: The context key under which a workflow step's form finds the record the step is taken on (a
#: step field's ``choices_by=(RECORD, …)``: 上传票据扫描件 offers the claim's own receipts).
RECORD = "record"


@dataclass(frozen=True)
class FormField:
    key: str
    label: str
    #: text | multiline | password | int | date | datetime | choice | multichoice | file | idnumber | money
    #: | lines (password: typed hidden, taken as typed — never stripped; its rule is the service's)
    #: (multichoice: the value is the list of chosen values; ``minimum``/``maximum`` bound how many;
    #: money: a ``Decimal`` of yuan with two decimals, ``minimum``/``maximum`` in whole yuan;
    #: lines: child rows, each a dict cleaned by ``columns``; ``minimum``/``maximum`` bound how many).
    kind: str = "text"
    required: bool = True
    max_len: int = 200
    minimum: int | None = None
    maximum: int | None = None
    choices: Choices | None = None
    help: str = ""
    default: Any = None
    #: For kind="file": what the attachment is for (e.g. 签发原件扫描件).
    purpose: str = ""
    #: Other names a service's refusal may give this field (``DomainError.field``), e.g. the
    #: 身份证号码 / 统一社会信用代码 of one identity field; the form shows those refusals here too.
    aliases: tuple[str, ...] = ()
    #: For kind="lines": the declared fields of one row (text, idnumber, int, date, choice, money …).
    columns: tuple[FormField, ...] = ()
    #: For kind="money": whether a negative amount is accepted (a refund, a correction).
    negative: bool = False
    #: Workflow states in which the field cannot be changed: the form shows it disabled and
    #: :func:`clean` (given the record's ``state``) leaves a submitted value out of its result.
    readonly_in: frozenset[str] = frozenset()
    #: Workflow states in which the field must be filled in, even if ``required`` is False.
    required_in: frozenset[str] = frozenset()
    #: Shown only while another field has one of the given values: ``("kind", ("travel",))`` (the trip
    #: of a 差旅费报销单). A field not shown is not checked (nor required) and :func:`clean` clears its
    #: value, so what is saved agrees with what the form shows. The other field is looked up among the
    #: form's values (a lines column: also the enclosing form's), then in the form's context.
    when: tuple[str, tuple[Any, ...]] | None = None
    #: For a choice (also a choice column of a lines field): options that depend on the value of another
    #: field, ``(key, options(session, actor, value))`` — 费用类别 by 报销单类别. ``key`` is looked up as
    #: for ``when``; it may name a context value that is no field (:data:`RECORD`: a step's record).
    #: Takes the place of ``choices``; the form updates the options live when that value changes.
    choices_by: tuple[str, DependentChoices] | None = None

    def readonly(self, state: str | None) -> bool:
        """Whether the field cannot be changed while the record is in ``state``."""
        return state is not None and state in self.readonly_in

    def required_now(self, state: str | None) -> bool:
        """Whether the field must be filled in while the record is in ``state``."""
        return self.required or (state is not None and state in self.required_in)

    def shown(self, lookup: Callable[[str], Any]) -> bool:
        """Whether the field is shown (and checked) given the other fields' values (``lookup(key)``)."""
        if self.when is None:
            return True
        key, allowed = self.when
        return matches(lookup(key), allowed)

    @property
    def follows(self) -> tuple[str, ...]:
        """The keys of the other fields (or context values) this field's visibility or options follow;
        for a lines field, also those its columns follow."""
        keys = [k for k in (self.when and self.when[0], self.choices_by and self.choices_by[0]) if k]
        for column in self.columns:
            keys.extend(k for k in column.follows if k not in keys)
        return tuple(dict.fromkeys(keys))

    def names(self, field_name: str | None) -> bool:
        """Whether a refusal for ``field_name`` is about this field (for lines: also one of its cells,
        「当事人第2行 身份证号码」)."""
        if not field_name:
            return False
        if field_name == self.label or field_name in self.aliases:
            return True
        return self.kind == "lines" and line_of(self, field_name) is not None


def matches(value: Any, allowed: tuple[Any, ...]) -> bool:
    """Whether ``value`` (one value, or a list: any of it) is one of ``allowed`` (ids may be text)."""
    values = list(value) if isinstance(value, list | tuple | set | frozenset) else [value]
    texts = {str(a) for a in allowed}
    return any(v in allowed or (v is not None and str(v) in texts) for v in values)


def options(f: FormField, session: Session, actor: Any, lookup: Callable[[str], Any]) -> list[tuple[Any, str]] | None:
    """The options field ``f`` offers now (``choices_by`` given the value it follows, else ``choices``),
    or None when it declares none."""
    if f.choices_by is not None:
        key, offered = f.choices_by
        return list(offered(session, actor, lookup(key)))
    return list(f.choices(session, actor)) if f.choices is not None else None


def context_options(fields: Sequence[FormField], session: Session, actor: Any, context: Mapping[str, Any],
                    ) -> dict[str, list[tuple[Any, str]]]:
    """The options of the fields (lines columns keyed "field.column") whose ``choices_by`` follows a
    value of ``context`` rather than a field of the form — read where the context is at hand (a step's
    record, in the worker that loads the record) and given to the form as they are."""
    keys = {f.key for f in fields}
    out: dict[str, list[tuple[Any, str]]] = {}
    for f in fields:
        for key, one in ((f.key, f), *((f"{f.key}.{c.key}", c) for c in f.columns)):
            if one.choices_by is not None and one.choices_by[0] not in keys and one.choices_by[0] in context:
                out[key] = list(one.choices_by[1](session, actor, context[one.choices_by[0]]))
    return out


def cleared(f: FormField) -> Any:
    """What :func:`clean` gives a field that is not shown: nothing of its kind."""
    if f.kind in ("multichoice", "lines"):
        return []
    if f.kind in ("text", "multiline", "idnumber"):
        return ""
    return None


def _among(f: FormField, value: Any, offered: list[tuple[Any, str]]) -> Any:
    """The offered value equal to ``value`` (ids may arrive as text), or a refusal naming the field
    (for options that follow another value, also what may be chosen now)."""
    for candidate, _label in offered:
        if candidate == value or str(candidate) == str(value):
            return candidate
    now = ""
    if f.choices_by is not None:
        labels = [label for _value, label in offered]
        now = (f"（可选：{'、'.join(labels[:8])}{' 等' if len(labels) > 8 else ''}）" if labels
               else "（现在没有可选的项目）")
    raise ValidationError(f"{f.label}：所选的「{value}」不在可选范围内{now}", field=f.label)


def _multichoice(f: FormField, raw: Any, offered: list[tuple[Any, str]] | None) -> list[Any]:
    if raw in (None, ""):
        values: list[Any] = []
    elif isinstance(raw, list | tuple | set | frozenset):
        values = list(raw)
    else:
        raise ValidationError(f"{f.label}：应为所选项目的列表", field=f.label)
    chosen: list[Any] = []
    for value in values:
        value = _among(f, value, offered) if offered is not None else value
        if value not in chosen:
            chosen.append(value)
    if f.required and not chosen:
        raise ValidationError(f"{f.label}：请至少选择一项", field=f.label)
    if f.minimum is not None and chosen and len(chosen) < f.minimum:
        raise ValidationError(f"{f.label}：至少选择 {f.minimum} 项", field=f.label)
    if f.maximum is not None and len(chosen) > f.maximum:
        raise ValidationError(f"{f.label}：最多选择 {f.maximum} 项（现选 {len(chosen)} 项）", field=f.label)
    return chosen


# --- money ---------------------------------------------------------------------------------------

def clean_money(f: FormField, raw: Any) -> Decimal | None:
    """A money field's value as ``Decimal`` yuan with two places (None when empty and optional).

    Refuses (naming the field) text that is not an amount, more than two decimals, a negative amount
    unless ``f.negative``, an amount outside ``f.minimum``/``f.maximum`` (whole yuan) and anything
    from one trillion yuan up."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if f.required:
            raise ValidationError(f"{f.label}：请填写金额", field=f.label)
        return None
    if isinstance(raw, float):
        raise TypeError(f"{f.label}：金额不能以浮点数（float）传入，请使用 str、int 或 decimal.Decimal")
    sign = 1
    if isinstance(raw, str):
        text = raw.strip().translate(str.maketrans("－", "-"))
        if text.startswith("-") and f.negative:
            sign, raw = -1, text[1:]
    elif isinstance(raw, int | Decimal) and not isinstance(raw, bool) and raw < 0 and f.negative:
        sign, raw = -1, -raw
    if isinstance(raw, str) and raw.strip() in ("-", "¥", "￥", ""):
        raise ValidationError(f"{f.label}：请填写金额", field=f.label)
    try:
        amount = parse_amount(raw, f.label) * sign
    except TypeError:
        raise ValidationError(f"{f.label}：「{raw}」不是有效的金额", field=f.label) from None
    if amount < 0 and not f.negative:  # pragma: no cover - parse_amount refuses it first
        raise ValidationError(f"{f.label}：不能为负数", field=f.label)
    if f.minimum is not None and amount < f.minimum:
        raise ValidationError(f"{f.label}：不能少于 {format_yuan(Decimal(f.minimum))}", field=f.label)
    if f.maximum is not None and amount > f.maximum:
        raise ValidationError(f"{f.label}：不能超过 {format_yuan(Decimal(f.maximum))}", field=f.label)
    return amount + Decimal("0.00")  # "-0.00" → "0.00", always two places


def money_words(amount: Decimal) -> str:
    """人民币… in capitals (负 before a negative amount), as shown under a money input."""
    if amount < 0:
        return "人民币负" + amount_in_words(-amount)
    return amount_in_words(amount, prefix=True)


# --- lines (child rows) ----------------------------------------------------------------------------

def line_label(f: FormField, position: int, column: FormField | None = None) -> str:
    """How a refusal names a row (「当事人第2行」) or a cell of it (「当事人第2行 身份证号码」)."""
    row = f"{f.label}第{position}行"
    return f"{row} {column.label}" if column is not None else row


def line_of(f: FormField, field_name: str) -> tuple[int, str | None] | None:
    """(position, column key or None) of a refusal naming a row or cell of the lines field ``f``."""
    head = f"{f.label}第"
    if not field_name.startswith(head):
        return None
    number, sep, rest = field_name[len(head):].partition("行")
    if not sep or not number.isdigit():
        return None
    rest = rest.strip()
    if not rest:
        return int(number), None
    for column in f.columns:
        if rest == column.label or rest in column.aliases:
            return int(number), column.key
    return None


def _cell_blank(value: Any) -> bool:
    return value is None or value == [] or (isinstance(value, str) and not value.strip())


def line_is_blank(f: FormField, row: Any) -> bool:
    """A row with nothing filled in (a row added and left empty): ignored by :func:`clean`."""
    return isinstance(row, Mapping) and all(_cell_blank(row.get(c.key)) for c in f.columns)


def clean_lines(f: FormField, raw: Any, *, session: Session | None = None, actor: Any = None,
                context: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """The rows of a lines field, each cleaned with the field's ``columns``; blank rows are left out.

    A refusal names the row by its position as the user sees it (blank rows count) and the column:
    「当事人第2行 身份证号码：校验码错误…」. ``context``: the enclosing form's values, which a column's
    ``when`` or ``choices_by`` may follow (费用类别 by the claim's 报销单类别)."""
    if raw in (None, ""):
        rows: list[Any] = []
    elif isinstance(raw, list | tuple):
        rows = list(raw)
    else:
        raise ValidationError(f"{f.label}：应为若干行的列表", field=f.label)
    out: list[dict[str, Any]] = []
    refused: list[ValidationError] = []
    for position, row in enumerate(rows, 1):
        if not isinstance(row, Mapping):
            label = line_label(f, position)
            raise ValidationError(f"{label}：内容无法识别", field=label)
        if line_is_blank(f, row):
            continue
        named = tuple(replace(c, label=line_label(f, position, c)) for c in f.columns)
        try:
            out.append(clean(named, dict(row), session=session, actor=actor, context=context))
        except ValidationError as exc:  # every bad cell of every row, not just the first
            refused.extend(exc.every)
    if refused:
        raise ValidationError(refused[0].message, field=refused[0].field, rule=refused[0].rule,
                              also=tuple(refused[1:]))
    if f.required and not out:
        raise ValidationError(f"{f.label}：请至少填写一行", field=f.label)
    if f.minimum is not None and out and len(out) < f.minimum:
        raise ValidationError(f"{f.label}：至少填写 {f.minimum} 行（现有 {len(out)} 行）", field=f.label)
    if f.maximum is not None and len(out) > f.maximum:
        raise ValidationError(f"{f.label}：最多 {f.maximum} 行（现有 {len(out)} 行）", field=f.label)
    return out


def line_totals(f: FormField, rows: Sequence[Mapping[str, Any]]) -> dict[str, Decimal]:
    """The sum of every money column of ``rows`` (cleaned values, or text as typed; a cell that is
    not an amount counts as nothing, so a total shown while typing never fails)."""
    totals: dict[str, Decimal] = {}
    for column in f.columns:
        if column.kind != "money":
            continue
        total = Decimal("0.00")
        for row in rows:
            value = row.get(column.key)
            if isinstance(value, Decimal):
                total += value
                continue
            try:
                amount = clean_money(replace(column, required=False), value)
            except (ValidationError, TypeError):
                amount = None
            total += amount or 0
        totals[column.key] = total
    return totals


def display_lines(f: FormField, rows: Sequence[Mapping[str, Any]]) -> tuple[list[list[str]], list[str] | None]:
    """The rows of lines field ``f`` as text, column by column, and the 合计 row when a column holds
    money (合计 in the first column that does not, the sums under the money columns) or None."""
    shown = [[display(c, row.get(c.key)) for c in f.columns] for row in rows]
    if not any(c.kind == "money" for c in f.columns):
        return shown, None
    totals = line_totals(f, rows)
    total_row = [format_yuan(totals[c.key]) if c.kind == "money" else "" for c in f.columns]
    first = next((i for i, c in enumerate(f.columns) if c.kind != "money"), None)
    if first is not None:
        total_row[first] = "合计"
    return shown, total_row


def display(f: FormField, value: Any) -> str:
    """A value of field ``f`` as text (detail panels, exports, printed tables)."""
    if value is None:
        return ""
    if f.kind == "money":
        if isinstance(value, int) and not isinstance(value, bool):
            value = Decimal(value)
        return format_yuan(value) if isinstance(value, Decimal) else str(value)
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return str(value)


def clean(fields: tuple[FormField, ...], data: dict[str, Any], *, session: Session | None = None,
          actor: Any = None, state: str | None = None, context: Mapping[str, Any] | None = None,
          ) -> dict[str, Any]:
    """Check ``data`` against the declared fields; return typed values (files pass through).

    With a ``session`` the values of ``choice`` and ``multichoice`` fields are also checked against
    the field's choices (as offered to ``actor``; ``choices_by``: for the value it follows). With the
    record's workflow ``state``, a field read-only in that state is left out of the result (whatever
    was submitted for it is ignored) and a field required in that state is required. A field whose
    ``when`` does not hold is not checked and comes back cleared (:func:`cleared`). ``context``: values
    the form is about that are not its fields (the enclosing form of a lines field, a step's
    :data:`RECORD`), which ``when`` and ``choices_by`` may follow."""
    out: dict[str, Any] = {}
    refused: list[ValidationError] = []

    def lookup(key: str) -> Any:
        # a field cleaned already (declared earlier), else as submitted, else the context
        if key in out:
            return out[key]
        if key in data:
            return data[key]
        return (context or {}).get(key)

    for f in fields:
        if f.readonly(state):
            continue
        if not f.shown(lookup):
            out[f.key] = cleared(f)
            continue
        if not f.required and f.required_now(state):
            f = replace(f, required=True)
        try:
            around = {**(context or {}), **data, **out} if f.kind == "lines" else None
            _clean_one(f, data.get(f.key, f.default), out, session=session, actor=actor, lookup=lookup,
                       around=around)
        except ValidationError as exc:  # go on: the user sees every bad field after one save
            refused.extend(exc.every)
    if refused:
        raise ValidationError.joined(refused)
    return out


def _clean_one(f: FormField, raw: Any, out: dict[str, Any], *, session: Session | None, actor: Any,
               lookup: Callable[[str], Any], around: Mapping[str, Any] | None) -> None:
    """One field of :func:`clean` into ``out`` (raises its ValidationError)."""
    if f.kind in ("text", "multiline"):
        out[f.key] = validation.text(raw, f.label, max_len=f.max_len, required=f.required,
                                     multiline=f.kind == "multiline")
    elif f.kind == "password":
        value = "" if raw is None else str(raw)
        if f.required and not value:
            raise ValidationError(f"{f.label}：必填，不能为空", field=f.label)
        out[f.key] = value
    elif f.kind == "int":
        if raw in (None, "") and not f.required:
            out[f.key] = None
        else:
            out[f.key] = validation.integer(raw, f.label, minimum=f.minimum, maximum=f.maximum)
    elif f.kind == "date":
        out[f.key] = validation.date_value(raw, f.label, required=f.required)
    elif f.kind == "datetime":
        out[f.key] = validation.datetime_value(raw, f.label, required=f.required)
    elif f.kind == "idnumber":
        out[f.key] = validation.id_number(raw, f.label, required=f.required)
    elif f.kind == "choice":
        if raw in (None, ""):
            if f.required:
                raise ValidationError(f"{f.label}：请选择", field=f.label)
            out[f.key] = raw
        else:
            offered = options(f, session, actor, lookup) if session is not None else None
            out[f.key] = _among(f, raw, offered) if offered is not None else raw
    elif f.kind == "multichoice":
        offered = options(f, session, actor, lookup) if session is not None else None
        out[f.key] = _multichoice(f, raw, offered)
    elif f.kind == "money":
        out[f.key] = clean_money(f, raw)
    elif f.kind == "lines":
        # the rows' columns may follow this form's fields (and its context)
        out[f.key] = clean_lines(f, raw, session=session, actor=actor, context=around)
    else:  # file: (filename, bytes) or None
        if raw is None and f.required:
            raise ValidationError(f"{f.label}：请添加文件", field=f.label)
        out[f.key] = raw


# --- choices every area offers ----------------------------------------------------------------------

def active_people(session: Session, actor: Any) -> list[tuple[Any, str]]:
    """A choice of the court's active people, each as 「姓名（部门）」 (id, words)."""
    from sqlalchemy import select

    from courtdesk.kernel.models.people import User

    users = session.scalars(select(User).where(User.active.is_(True)).order_by(User.id))
    return [(u.id, f"{u.name}（{u.department.name}）" if u.department else u.name) for u in users]


def active_departments(session: Session, actor: Any) -> list[tuple[Any, str]]:
    """A choice of the court's active departments (id, name)."""
    from sqlalchemy import select

    from courtdesk.kernel.models.people import Department

    depts = session.scalars(select(Department).where(Department.active.is_(True)).order_by(Department.id))
    return [(d.id, d.name) for d in depts]


def fixed(values: Sequence[str]) -> Choices:
    """A choice among fixed words, each its own value (密级: 绝密、机密、秘密)."""
    offered = [(v, v) for v in values]
    return lambda session, actor: list(offered)
