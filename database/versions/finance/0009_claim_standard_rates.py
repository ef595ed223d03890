"""finance: the travel standards a claim was submitted under (standard_rates), so a claim is judged and
printed by the standards of its own time after the settings change; claims submitted before this
upgrade keep following the settings (recorded in the audit chain)

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('finance_claim', schema=None) as batch_op:
        batch_op.add_column(sa.Column('standard_rates', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('finance_claim', schema=None) as batch_op:
        batch_op.alter_column('standard_rates', server_default=None)

    from courtdesk.areas.finance.models import ExpenseClaim
    from courtdesk.kernel import audit

    audit.adopt(op.get_bind(), ExpenseClaim, "数据库升级：报销单记录提交时的差旅费标准")


def downgrade() -> None:
    with op.batch_alter_table('finance_claim', schema=None) as batch_op:
        batch_op.drop_column('standard_rates')
