"""What every page needs: the open database and the logged-in user."""

from __future__ import annotations

from dataclasses import dataclass

from courtdesk.kernel.db.engine import Database
from courtdesk.kernel.models.people import User


@dataclass
class AppContext:
    db: Database
    user: User
    court_name: str = ""

    @property
    def roles_text(self) -> str:
        roles = sorted(self.user.roles, key=lambda r: r.value)
        return "、".join(r.label for r in roles) if roles else "一般工作人员"

    @property
    def user_text(self) -> str:
        dept = self.user.department_name
        return f"{self.user.name}（{dept}）" if dept else self.user.name


def load_context(db: Database, user: User) -> AppContext:
    from courtdesk.kernel import settings

    with db.read() as s:
        court = settings.get(s, "court_name")
    return AppContext(db=db, user=user, court_name=court)
