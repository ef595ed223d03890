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

from sqlalchemy import ColumnElement, and_, false, func, or_, select
from sqlalchemy.orm import Session

from courtdesk.kernel import audit, clock
from courtdesk.kernel.errors import DomainError, PermissionDenied, ValidationError
from courtdesk.kernel.forms import RECORD, FormField, clean
from courtdesk.kernel.models.infra import WorkflowStep
from courtdesk.kernel.models.people import User
from courtdesk.kernel.records import check_version
from courtdesk.kernel.rules import Rule

#: Who may take a step: a :class:`~courtdesk.kernel.rules.Rule` (one definition for the button and
#: for SQL filters, see :meth:`Workflow.available_where`) or a plain ``(actor, record) -> bool``.
Check = Rule | Callable[[User, Any], bool]
#: Guards and effects get ``values``: the transition's ``fields`` cleaned (typed) plus ``comment``; an
#: effect may rewrite ``values["comment"]`` to record with the step what it changed (old → new).
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
    #: What the actor fills in for this step (e.g. 盖章时间, 实际盖章次数); the UI renders them,
    #: :meth:`Workflow.fire` cleans them once and hands guard and effect the typed values. A field's
    #: options may follow the record (``choices_by=(forms.RECORD, …)``): the step's dialog offers them
    #: as read with the record (``forms.context_options``), ``fire`` checks against the same.
    fields: tuple[FormField, ...] = ()
    #: Values used for fields the caller leaves out (e.g. ``lambda: {"sent_on": clock.today()}``).
    defaults: Callable[[], dict[str, Any]] | None = None
    #: The step's fields as this record suggests them, shown filled in the step's dialog (e.g. 核定金额
    #: per line: the standard where a line is above it). Unlike ``defaults`` these are not used for
    #: what the caller leaves out: the dialog shows them, the user confirms or changes them.
    prefill: Callable[[Session, Any], dict[str, Any]] | None = None
    #: Called by :meth:`Workflow.fire` when ``may`` refuses the actor: raises the specific reason (the
    #: case is closed; nobody would be left to stamp …, and who should act instead); returning falls
    #: back to 「只有{who}可以执行…」. ``may`` stays the one rule behind the buttons and the lists.
    refusal: Callable[[Session, User, Any], None] | None = None
    #: The label of the register command that takes this step, for several records at once (e.g.
    #: 「报送区财政局」 numbers one batch for the selected claims). Such a step is not offered as a
    #: button of one record (:meth:`Workflow.available` leaves it out) and :meth:`Workflow.fire` takes
    #: it only from that command (``by_command=True``); :meth:`Workflow.available_where` still gives
    #: the records it may take (the command's selection list, a 待办 filter).
    command: str = ""
    #: A step the services take as part of another one (e.g. an advance settled by a claim is open
    #: again when that claim goes back to its applicant): never a button, never anybody's pending
    #: work, fired only with ``by_command=True``; ``system`` names the step it is part of.
    system: str = ""
    #: A step aside from the flow — a correction (更正报销日期 on a signed claim), an exception (代签收
    #: for an applicant who has left): offered to who may take it, but nobody's next step — the panel
    #: does not say 「下一步由…办理」 for it, and a record with nothing else to do reads as 已办结.
    aside: bool = False

    @property
    def hidden(self) -> bool:
        """Not offered as a button of one record (a command's or a system step)."""
        return bool(self.command or self.system)

    def allows(self, actor: User, record: Any, session: Session | None = None) -> bool:
        """Whether ``may`` lets ``actor`` take this step on ``record`` (state and separations apart)."""
        if isinstance(self.may, Rule):
            return self.may.check(actor, record, session)
        return bool(self.may(actor, record))


@dataclass(frozen=True)
class Workflow:
    entity: str
    states: dict[str, str]
    initial: str
    transitions: tuple[Transition, ...] = field(default_factory=tuple)

    def label(self, state: str) -> str:
        return self.states.get(state, state)

    def action_label(self, action: str) -> str | None:
        """The label of an action (「批准」), or None if the workflow has no such action."""
        found = self.transition(action)
        return found[0].label if found else None

    def transition(self, action: str) -> list[Transition]:
        return [t for t in self.transitions if t.action == action]

    def step_comment(self, to_state: str, record_id: Any) -> Any:
        """SQL, correlated to the record whose id is ``record_id``: the comment of its latest step into
        ``to_state`` ('' if it never got there). A register column of it shows why a record stands
        where it does (作废原因) when the model keeps no column of its own for it."""
        latest = (select(WorkflowStep.comment)
                  .where(WorkflowStep.entity == self.entity, WorkflowStep.entity_id == record_id,
                         WorkflowStep.to_state == to_state)
                  .order_by(WorkflowStep.id.desc()).limit(1).scalar_subquery())
        return func.coalesce(latest, "")

    def available(self, actor: User, record: Any) -> list[Transition]:
        """Transitions the actor could try now (for buttons); guards are checked on fire. Steps taken
        by a register command (``Transition.command``) are not buttons and are left out."""
        return [t for t in self.transitions if not t.hidden and self.may_take(t, actor, record)]

    def may_take(self, t: Transition, actor: User, record: Any) -> bool:
        """Whether ``actor`` may take step ``t`` on ``record`` now (state, rule and separations;
        guards are checked on fire)."""
        return record.status in t.source and not self._separation_error(t, actor, record) and t.allows(actor, record)

    def available_where(self, action: str) -> Callable[[User], ColumnElement[bool]]:
        """``actor -> SQL``: the records on which ``action`` is available to the actor — the same
        source states, rule (``may`` must be a :class:`Rule`) and separations as :meth:`available`,
        so a 待我审批 filter or a dashboard count holds exactly the records that show the button."""
        found = self.transition(action)
        if not found:
            raise KeyError(action)

        def where(actor: User) -> ColumnElement[bool]:
            ors: list[ColumnElement[bool]] = []
            for t in found:
                if not isinstance(t.may, Rule):
                    raise TypeError(f"{self.entity}.{action}: 'may' must be a rules.Rule to be used in SQL")
                model = t.may.model
                ands = [model.status.in_(sorted(t.source)), t.may.sql(actor)]  # type: ignore[attr-defined]
                for sep in t.separations:
                    col = getattr(model, sep.attr)
                    ands.append(or_(col.is_(None), col != actor.id))
                ors.append(and_(*ands))
            return or_(*ors) if ors else false()

        return where

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
        *,
        by_command: bool = False,
        **params: Any,
    ) -> WorkflowStep:
        # ``expected_version``: the version of the record the user's screen showed; a record saved by
        # someone else since is refused (StaleRecord naming who and when), before anything else.
        check_version(session, record, params.pop("expected_version", None), self.action_label)
        candidates = self.transition(action)
        if not candidates:
            raise DomainError(f"没有名为「{action}」的操作")
        current = record.status
        here = [c for c in candidates if current in c.source]
        # one action may be declared more than once for a state (支付 by another finance person, or by
        # the checker when nobody else is left): take the declaration this actor may take
        t = next((c for c in here if self.may_take(c, actor, record)), here[0] if here else None)
        if t is None:
            raise DomainError(
                f"当前状态为「{self.label(current)}」，不能执行「{candidates[0].label}」", field="状态"
            )
        if t.system and not by_command:
            raise DomainError(f"「{t.label}」在办理「{t.system}」时自动进行，不能单独办理", field="操作")
        if t.command and not by_command:
            where = "选中记录后办理" if t.command == t.label else f"选中记录后用「{t.command}」办理"
            raise DomainError(f"「{t.label}」请在登记簿中{where}", field="操作")
        if not t.allows(actor, record, session):
            if t.refusal:
                t.refusal(session, actor, record)
            raise PermissionDenied(f"只有{t.who}可以执行「{t.label}」", field="操作人", rule=t.rule)
        problem = self._separation_error(t, actor, record)
        if problem:
            raise PermissionDenied(problem, field="操作人", rule=t.rule)
        # how the actor came to be allowed, when the rule says (代理审批: the stand-in of the approver)
        note = t.may.note(session, actor, record) if isinstance(t.may, Rule) and t.may.note is not None else ""
        comment = (comment or "").strip()
        if t.comment_required and not comment:
            raise ValidationError(f"意见：执行「{t.label}」必须填写意见或理由", field="意见")
        if len(comment) > 500:
            raise ValidationError("意见：不能超过 500 个字", field="意见")
        given = {**(t.defaults() if t.defaults else {}), **params}
        # the step's fields may follow its record (``choices_by=(forms.RECORD, …)``: the claim's receipts)
        values = clean(t.fields, given, session=session, actor=actor, context={RECORD: record}) if t.fields else {}
        values["comment"] = comment
        if t.guard:
            t.guard(session, actor, record, values)
        if t.effect:
            t.effect(session, actor, record, values)
        comment = str(values.get("comment") or "")  # an effect may say what it changed (a 更正 step)
        if note:
            comment = f"{note}；{comment}" if comment else note
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
