"""Declared form fields: a register (or a workflow action) lists its fields once; the generic Qt
form renders them and :func:`clean` applies the same checks in the core."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from courtdesk.kernel import validation
from courtdesk.kernel.errors import ValidationError

Choices = Callable[[Session, Any], list[tuple[Any, str]]]


@dataclass(frozen=True)
class FormField:
    key: str
    label: str
    #: text | multiline | int | date | datetime | choice | multichoice | file | idnumber
    #: (multichoice: the value is the list of chosen values; ``minimum``/``maximum`` bound how many).
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

    def names(self, field_name: str | None) -> bool:
        """Whether a refusal for ``field_name`` is about this field."""
        return bool(field_name) and (field_name == self.label or field_name in self.aliases)


def _among(f: FormField, value: Any, offered: list[tuple[Any, str]]) -> Any:
    """The offered value equal to ``value`` (ids may arrive as text), or a refusal naming the field."""
    for candidate, _label in offered:
        if candidate == value or str(candidate) == str(value):
            return candidate
    raise ValidationError(f"{f.label}：所选的「{value}」不在可选范围内", field=f.label)


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


def clean(fields: tuple[FormField, ...], data: dict[str, Any], *, session: Session | None = None,
          actor: Any = None) -> dict[str, Any]:
    """Check ``data`` against the declared fields; return typed values (files pass through).

    With a ``session`` the values of ``choice`` and ``multichoice`` fields are also checked against
    the field's choices (as offered to ``actor``)."""
    out: dict[str, Any] = {}
    for f in fields:
        raw = data.get(f.key, f.default)
        if f.kind in ("text", "multiline"):
            out[f.key] = validation.text(raw, f.label, max_len=f.max_len, required=f.required)
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
            elif session is not None and f.choices is not None:
                out[f.key] = _among(f, raw, list(f.choices(session, actor)))
            else:
                out[f.key] = raw
        elif f.kind == "multichoice":
            offered = list(f.choices(session, actor)) if session is not None and f.choices is not None else None
            out[f.key] = _multichoice(f, raw, offered)
        else:  # file: (filename, bytes) or None
            if raw is None and f.required:
                raise ValidationError(f"{f.label}：请添加文件", field=f.label)
            out[f.key] = raw
    return out
