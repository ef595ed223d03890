"""Declared form fields: a register (or a workflow action) lists its fields once; the generic Qt
form renders them and :func:`clean` applies the same checks in the core."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from courtdesk import validation
from courtdesk.errors import ValidationError

Choices = Callable[[Session, Any], list[tuple[Any, str]]]


@dataclass(frozen=True)
class FormField:
    key: str
    label: str
    kind: str = "text"  # text | multiline | int | date | datetime | choice | file | idnumber
    required: bool = True
    max_len: int = 200
    minimum: int | None = None
    maximum: int | None = None
    choices: Choices | None = None
    help: str = ""
    default: Any = None
    #: For kind="file": what the attachment is for (e.g. 签发原件扫描件).
    purpose: str = ""


def clean(fields: tuple[FormField, ...], data: dict[str, Any]) -> dict[str, Any]:
    """Check ``data`` against the declared fields; return typed values (files pass through)."""
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
            if raw in (None, "") and f.required:
                raise ValidationError(f"{f.label}：请选择", field=f.label)
            out[f.key] = raw
        else:  # file: (filename, bytes) or None
            if raw is None and f.required:
                raise ValidationError(f"{f.label}：请添加文件", field=f.label)
            out[f.key] = raw
    return out
