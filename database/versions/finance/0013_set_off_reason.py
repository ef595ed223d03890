"""finance: why a claim clears an advance whose trip it does not share (set_off_reason, required then);
existing claims have none (recorded in the audit chain)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('finance_claim', schema=None) as batch_op:
        batch_op.add_column(sa.Column('set_off_reason', sa.String(length=200), nullable=False, server_default=''))
    with op.batch_alter_table('finance_claim', schema=None) as batch_op:
        batch_op.alter_column('set_off_reason', server_default=None)

    from courtdesk.areas.finance.models import ExpenseClaim
    from courtdesk.kernel import audit

    audit.adopt(op.get_bind(), ExpenseClaim, "数据库升级：报销单增加冲抵说明")


def downgrade() -> None:
    with op.batch_alter_table('finance_claim', schema=None) as batch_op:
        batch_op.drop_column('set_off_reason')
