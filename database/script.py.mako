"""${message}

Revision ID: ${up_revision}
Revises:${" " + comma(down_revision) if down_revision else ""}
Create Date: ${create_date}
"""
<%
    body = (upgrades or "") + (downgrades or "")
%>\
from __future__ import annotations
% if "sa." in body or "op." in body or imports:

% endif
% if "sa." in body:
import sqlalchemy as sa
% endif
% if "op." in body:
from alembic import op
% endif
% if imports:
${imports}
% endif

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = ${repr(tuple(branch_labels) if branch_labels else None)}
depends_on = ${repr(None if not depends_on else (depends_on,) if isinstance(depends_on, str) else tuple(depends_on))}


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    ${downgrades if downgrades else "pass"}
