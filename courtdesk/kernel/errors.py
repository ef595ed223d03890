"""The one exception type users see.

A service refuses an action by raising :class:`DomainError` with a Chinese message that names the
field and the rule (and the article of the rule book where a rule comes from). The UI shows
``str(error)`` as it is; nothing was written when it is raised (the unit of work rolls back).
"""

from __future__ import annotations

from collections.abc import Iterable


class DomainError(Exception):
    """A refusal the user can understand and act on."""

    def __init__(self, message: str, *, field: str | None = None, rule: str | None = None) -> None:
        self.message = message
        self.field = field
        self.rule = rule
        text = message
        if rule and rule not in message:
            text = f"{message}（依据{rule}）"
        super().__init__(text)


class ValidationError(DomainError):
    """Bad input in a named field. ``also`` holds the refusals of other fields found in the same
    check (:func:`courtdesk.kernel.forms.clean` checks every field), so a form can show them all
    at once; ``str()`` then reads every message, joined by 「；」."""

    def __init__(self, message: str, *, field: str | None = None, rule: str | None = None,
                 also: tuple[ValidationError, ...] = ()) -> None:
        super().__init__(message, field=field, rule=rule)
        self.also = tuple(also)
        #: This field's refusal alone (``str()`` reads the others' too).
        self.own = str(self.args[0])
        if self.also:
            self.args = ("；".join([self.own, *(e.own for e in self.also)]),)

    @property
    def every(self) -> tuple[ValidationError, ...]:
        """This refusal and the others found with it, in the form's order."""
        return (self, *self.also)

    @classmethod
    def joined(cls, refusals: Iterable[ValidationError]) -> ValidationError:
        """One refusal carrying every one of ``refusals`` (and those each already carries), in order:
        what a check that goes on past the first bad field raises at its end."""
        first, *others = [one for refusal in refusals for one in refusal.every]
        return cls(first.message, field=first.field, rule=first.rule, also=tuple(others))


class PermissionDenied(DomainError):
    """The acting user's roles do not allow this action."""


class NotFound(DomainError):
    """The record does not exist (or no longer exists)."""


class StaleRecord(DomainError):
    """Someone else saved the record after it was opened."""


class Busy(DomainError):
    """Another workstation held the database's write lock longer than the busy timeout; nothing was
    written and the same save may simply be tried again."""


class Conflict(DomainError):
    """The database refused the save as contradicting a stored record (a duplicate key, a missing
    referenced row); ``field`` is the column when the database names one."""


class SchemaError(DomainError):
    """The database file cannot be used by this version of the app."""


class AccountDisabled(PermissionDenied):
    """The acting user's account has been deactivated since they logged in: every write re-reads the
    account (:meth:`courtdesk.kernel.db.engine.Database.write`) and refuses; the client ends the session
    of ``user_id`` (and no one else's)."""

    def __init__(self, message: str = "", *, user_id: int | None = None, field: str | None = "操作人") -> None:
        super().__init__(message or ACCOUNT_DISABLED_MESSAGE, field=field)
        self.user_id = user_id


ACCOUNT_DISABLED_MESSAGE = "您的账号已被停用，请联系系统管理员"
