"""login throttle per login name (登录失败记录): failed logins are counted per name typed, known
account or not, so neither the answer nor a lock-out reveals whether an account exists; the
per-account counters on user_account go (each user's change is recorded in the audit chain)

Revision ID: 0005
Revises: 0001
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0001'
branch_labels = None
# Until the areas had branches of their own (0001–0014 were one line) 0005 came after enforcement's
# 0004: a database stamped 0005 or 0006 has the tables of 0002–0004. Depending on 0004 keeps that
# meaning (alembic counts what a stamped revision depends on as applied with it).
depends_on = '0004'


def upgrade() -> None:
    op.create_table('login_throttle',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(), nullable=True),
    sa.Column('last_failed_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_throttle')),
    sa.UniqueConstraint('name', name=op.f('uq_login_throttle_name'))
    )
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')

    from courtdesk.kernel import audit
    from courtdesk.kernel.models.people import User

    audit.adopt(op.get_bind(), User, "数据库升级：登录失败次数改按登录名记录（login_throttle）")


def downgrade() -> None:
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(), nullable=True))
    op.drop_table('login_throttle')
