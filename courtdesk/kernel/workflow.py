"""The one workflow engine.

A register declares its states and transitions as data; :meth:`Workflow.fire` enforces them:
the record must be in a source state, the actor must be allowed, nobody acts on a step that
separation of duties reserves for someone else (self-approval, approver ≠ stamper), the guard must
pass; then the effect runs, the state changes, and the step (who, when, comment) is recorded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from courtdesk.kernel import audit, clock
from courtdesk.kernel.errors import DomainError, PermissionDenied, ValidationError
from courtdesk.kernel.forms import FormField
from courtdesk.kernel.models.infra import WorkflowStep
from courtdesk.kernel.models.people import User

Check = Callable[[User, Any], bool]
Hook = Callable[[Session, User, Any, dict[str, Any]], None]


@dataclass(frozen=True)
class Separation:
    """``actor.id`` must differ from ``getattr(record, attr)``; ``message`` says why (Chinese)."""

    attr: str
    message: str


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    source: frozenset[str]
    target: str
    may: Check
    who: str
    guard: Hook | None = None
    effect: Hook | None = None
    separations: tuple[Separation, ...] = ()
    comment_required: bool = False
    rule: str | None = None
    #: What the actor fills in for this step (e.g. 盖章时间, 实际盖章次数); the UI renders them.
    fields: tuple[FormField, ...] = ()


@dataclass(frozen=True)
class Workflow:
    entity: str
    states: dict[str, str]
    initial: str
    transitions: tuple[Transition, ...] = field(default_factory=tuple)

    def label(self, state: str) -> str:
        return self.states.get(state, state)

    def transition(self, action: str) -> list[Transition]:
        return [t for t in self.transitions if t.action == action]

    def available(self, actor: User, record: Any) -> list[Transition]:
        """Transitions the actor could try now (for buttons); guards are checked on fire."""
        out = []
        for t in self.transitions:
            if record.status in t.source and t.may(actor, record) and not self._separation_error(t, actor, record):
                out.append(t)
        return out

    @staticmethod
    def _separation_error(t: Transition, actor: User, record: Any) -> str | None:
        for sep in t.separations:
            if getattr(record, sep.attr, None) == actor.id:
                return sep.message
        return None

    def fire(
        self,
        session: Session,
        actor: User,
        record: Any,
        action: str,
        comment: str = "",
        **params: Any,
    ) -> WorkflowStep:
        candidates = self.transition(action)
        if not candidates:
            raise DomainError(f"没有名为「{action}」的操作")
        current = record.status
        t = next((c for c in candidates if current in c.source), None)
        if t is None:
            raise DomainError(
                f"当前状态为「{self.label(current)}」，不能执行「{candidates[0].label}」", field="状态"
            )
        if not t.may(actor, record):
            raise PermissionDenied(f"只有{t.who}可以执行「{t.label}」", field="操作人", rule=t.rule)
        problem = self._separation_error(t, actor, record)
        if problem:
            raise PermissionDenied(problem, field="操作人", rule=t.rule)
        comment = (comment or "").strip()
        if t.comment_required and not comment:
            raise ValidationError(f"意见：执行「{t.label}」必须填写意见或理由", field="意见")
        if len(comment) > 500:
            raise ValidationError("意见：不能超过 500 个字", field="意见")
        params["comment"] = comment
        if t.guard:
            t.guard(session, actor, record, params)
        if t.effect:
            t.effect(session, actor, record, params)
        record.status = t.target
        audit.hint(session, record, t.action, comment)
        step = WorkflowStep(
            entity=self.entity,
            entity_id=record.id,
            action=t.action,
            from_state=current,
            to_state=t.target,
            actor_id=actor.id,
            actor_name=actor.name,
            at=clock.now(),
            comment=comment,
        )
        session.add(step)
        session.flush()
        return step


def history(session: Session, entity: str, entity_id: int) -> list[WorkflowStep]:
    return list(
        session.scalars(
            select(WorkflowStep)
            .where(WorkflowStep.entity == entity, WorkflowStep.entity_id == entity_id)
            .order_by(WorkflowStep.id)
        )
    )


def states(*pairs: tuple[str, str]) -> dict[str, str]:
    return dict(pairs)


def src(*names: str | Iterable[str]) -> frozenset[str]:
    out: set[str] = set()
    for n in names:
        out.update([n] if isinstance(n, str) else n)
    return frozenset(out)
