"""Permission rules written once.

A rule says, for an actor, which records of a register he may act on — as ONE SQL condition over the
register's base select (the same joins the register view reads through). The same definition gives

* the SQL filter (``rule.sql(actor)``) for a 待我审批 list and a dashboard count, and
* the check of one record (``rule.check(actor, record)`` or ``rule(actor, record)``), which runs
  ``SELECT id FROM <base> WHERE id = :id AND <condition>`` in the record's session.

so the buttons of a record and the lists that count it cannot disagree. A condition that depends on
the actor only (``actor.has(...)``) folds to a constant (``true()``/``false()``, also when combined
with ``and_``/``or_``) and is decided without asking the database.

:class:`courtdesk.kernel.workflow.Transition` accepts a rule as ``may``; ``Workflow.available_where``
then adds the source states and the separations of duty to it, in SQL, for a filter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Select, and_, exists, false, inspect, not_, or_, select, true
from sqlalchemy.orm import Session, object_session
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import AsBoolean, False_, True_

from courtdesk.kernel.models.people import User, UserRole

Condition = Callable[[User], "ColumnElement[bool] | bool"]


def holds(value: bool) -> ColumnElement[bool]:
    """A Python truth (about the actor) as SQL: ``true()`` or ``false()``."""
    return true() if value else false()


def constant(clause: ColumnElement[bool]) -> bool | None:
    """``True``/``False`` when ``clause`` folded to a constant (``and_(false(), x)`` …), else None."""
    flip = False
    while isinstance(clause, AsBoolean):
        flip ^= clause.operator is operators.is_false
        clause = clause.element  # type: ignore[assignment]
    if isinstance(clause, True_ | False_):
        return isinstance(clause, True_) != flip
    return None


@dataclass(frozen=True)
class Rule:
    """``where(actor)`` is SQL over the rows of ``base()`` (a select whose first column is the
    model's id, as a register's ``base``); it may return a plain bool for a rule about the actor only."""

    where: Condition
    base: Callable[[], Select[Any]]
    #: Optional name for messages and debugging.
    name: str = ""
    #: ``note(session, actor, record)``: what a step taken under this rule records of how the actor
    #: came to be allowed (「代理审批（代 …）」 for a stand-in), or "" — ``Workflow.fire`` puts it
    #: before the step's comment.
    note: Callable[[Session, User, Any], str] | None = None

    def sql(self, actor: User) -> ColumnElement[bool]:
        clause = self.where(actor)
        if isinstance(clause, bool):
            return holds(clause)
        return clause

    @property
    def model(self) -> type:
        """The model whose rows the rule is about (the entity of the base's first column)."""
        entity = self.base().column_descriptions[0]["entity"]
        assert entity is not None, "Rule.base must select the model's id first"
        return entity  # type: ignore[no-any-return]

    def check(self, actor: User, record: Any, session: Session | None = None) -> bool:
        """Whether ``record`` satisfies the rule for ``actor`` (evaluated by the database)."""
        clause = self.sql(actor)
        decided = constant(clause)
        if decided is not None:
            return decided
        session = session or object_session(record)
        if session is None:
            raise RuntimeError(f"{self.name or 'rule'}: the record must belong to a session to be checked")
        pk = inspect(type(record)).primary_key[0]
        record_id = inspect(record).identity
        if record_id is None:  # pending: give it its id first
            session.flush()
            record_id = inspect(record).identity
        stmt = self.base().with_only_columns(pk).where(pk == record_id[0], clause).limit(1)
        return session.execute(stmt).first() is not None

    def __call__(self, actor: User, record: Any) -> bool:
        return self.check(actor, record)


def over(base: Callable[[], Select[Any]]) -> Callable[[Condition], Rule]:
    """Decorator: ``@rules.over(_base)`` turns ``def may_x(actor) -> condition`` into a :class:`Rule`."""

    def wrap(where: Condition) -> Rule:
        return Rule(where, base, getattr(where, "__name__", ""))

    return wrap


def holding(base: Callable[[], Select[Any]], *roles: Any, name: str = "") -> Rule:
    """The rule 「holds one of ``roles``」 over ``base``'s rows (who the record is about does not matter):
    财务人员, 分管财务院领导 …"""
    return Rule(lambda actor: actor.has(*roles), base, name)


def owning(base: Callable[[], Select[Any]], column: Any, name: str = "") -> Rule:
    """The rule 「the record's ``column`` is the actor」 (申请人本人) over ``base``'s rows."""
    return Rule(lambda actor: column == actor.id, base, name)


def person_holds(column: Any, *roles: Any) -> ColumnElement[bool]:
    """SQL: the person in ``column`` (the record's applicant …) holds one of ``roles`` now."""
    return exists(select(UserRole.id).where(UserRole.user_id == column,
                                            UserRole.role.in_([str(r) for r in roles])))


class StandingIn(Protocol):
    """A stand-in for an approver (``courtdesk.kernel.standins.StandIn``), as a rule uses it."""

    def acting(self, actor: User) -> ColumnElement[bool]:
        """SQL: ``actor`` stands in today."""
        ...

    def note(self, session: Session) -> str:
        """What a step taken as stand-in records."""
        ...


def approving(base: Callable[[], Select[Any]], roles: tuple[Any, ...], person: Any, superiors: tuple[Any, ...],
              name: str = "", stand_in: StandingIn | None = None) -> Rule:
    """「holds one of ``roles``」, and for a record whose ``person`` holds one of ``roles`` too, also
    「holds one of ``superiors``」: the approver's own records go to the one above (分管财务院领导's own
    claims and advances to the 院长) instead of to nobody. The separation of duties still keeps anyone
    from approving their own.

    ``stand_in`` (代理审批人, see :mod:`courtdesk.kernel.standins`): during the period the settings name,
    the stand-in may approve what the holders of ``roles`` may — not the records of a holder of
    ``roles``, which go to the superior — and the step records that it was taken as stand-in."""
    def own(actor: User) -> ColumnElement[bool]:
        return or_(holds(actor.has(*roles)), and_(holds(actor.has(*superiors)), person_holds(person, *roles)))

    if stand_in is None:
        return Rule(own, base, name)
    deputy = stand_in
    mine = Rule(own, base, name)

    def where(actor: User) -> ColumnElement[bool]:
        return or_(own(actor), and_(deputy.acting(actor), not_(person_holds(person, *roles))))

    def note(session: Session, actor: User, record: Any) -> str:
        return "" if mine.check(actor, record, session) else deputy.note(session)

    return Rule(where, base, name, note=note)
