"""finance: one 月度报销汇总 row per month and category for claims without a department as well
(a partial unique index: the unique key on (month, department_id, category) does not hold where
department_id is NULL, so two workstations adding the first such row at once could make two)

Rows are not changed. Two such rows could only have been made on PostgreSQL by a development
build between 0008 and this revision; a database that has them stops this upgrade at the index, and
nothing is changed (PostgreSQL upgrades in one transaction).

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('finance_month_total', schema=None) as batch_op:
        batch_op.create_index('uq_finance_month_total_no_department', ['month', 'category'], unique=True,
                              sqlite_where=sa.text('department_id IS NULL'),
                              postgresql_where=sa.text('department_id IS NULL'))


def downgrade() -> None:
    with op.batch_alter_table('finance_month_total', schema=None) as batch_op:
        batch_op.drop_index('uq_finance_month_total_no_department',
                            sqlite_where=sa.text('department_id IS NULL'),
                            postgresql_where=sa.text('department_id IS NULL'))
