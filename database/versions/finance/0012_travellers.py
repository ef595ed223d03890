"""finance: the people on a travel claim's trip as rows (finance_traveller: a member of the court or
a named outsider, each once), so the allowance counts each person once and a person's trip cannot be
claimed twice; existing claims' 出差人 text is split into rows, a name that is exactly one member's
becoming that member (recorded in the audit chain)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""
from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

_SPLIT = re.compile(r"[、，,；;\s]+")


def upgrade() -> None:
    op.create_table(
        'finance_traveller',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('claim_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['claim_id'], ['finance_claim.id'], name=op.f('fk_finance_traveller_claim_id_finance_claim'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_finance_traveller_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_finance_traveller')),
        sa.UniqueConstraint('claim_id', 'position', name=op.f('uq_finance_traveller_claim_id_position')),
    )
    with op.batch_alter_table('finance_traveller', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_finance_traveller_claim_id'), ['claim_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_finance_traveller_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_finance_traveller_name'), ['name'], unique=False)

    from courtdesk.areas.finance.models import Traveller
    from courtdesk.kernel import audit

    bind = op.get_bind()
    users = sa.table('user_account', sa.column('id', sa.Integer), sa.column('name', sa.String))
    by_name: dict[str, list[int]] = {}
    for uid, name in bind.execute(sa.select(users.c.id, users.c.name)):
        by_name.setdefault(name, []).append(uid)
    claims = sa.table('finance_claim', sa.column('id', sa.Integer), sa.column('travellers', sa.String),
                      sa.column('filed_at', sa.DateTime))
    people = sa.table('finance_traveller', sa.column('claim_id', sa.Integer), sa.column('position', sa.Integer),
                      sa.column('user_id', sa.Integer), sa.column('name', sa.String),
                      sa.column('version', sa.Integer), sa.column('created_at', sa.DateTime),
                      sa.column('updated_at', sa.DateTime))
    last = 0
    while True:  # a page of claims at a time
        rows = bind.execute(sa.select(claims.c.id, claims.c.travellers, claims.c.filed_at)
                            .where(claims.c.id > last, claims.c.travellers != '')
                            .order_by(claims.c.id).limit(2000)).all()
        if not rows:
            break
        values = []
        for cid, text, filed in rows:
            names = list(dict.fromkeys(n for n in _SPLIT.split(text or "") if n))
            for position, name in enumerate(names, 1):
                members = by_name.get(name, [])
                values.append({'claim_id': cid, 'position': position,
                               'user_id': members[0] if len(members) == 1 else None, 'name': name[:40],
                               'version': 1, 'created_at': filed, 'updated_at': filed})
        if values:
            bind.execute(people.insert(), values)
        last = rows[-1][0]
    audit.adopt(bind, Traveller, "数据库升级：差旅费报销单的出差人逐人登记")


def downgrade() -> None:
    with op.batch_alter_table('finance_traveller', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_finance_traveller_name'))
        batch_op.drop_index(batch_op.f('ix_finance_traveller_user_id'))
        batch_op.drop_index(batch_op.f('ix_finance_traveller_claim_id'))
    op.drop_table('finance_traveller')
