"""The one exception type users see.

A service refuses an action by raising :class:`DomainError` with a Chinese message that names the
field and the rule (and the article of the rule book where a rule comes from). The UI shows
``str(error)`` as it is; nothing was written when it is raised (the unit of work rolls back).
"""

from __future__ import annotations


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
    """Bad input in a named field."""


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
