"""seals and the seal-use log (印章使用登记)

Revision ID: 0002
Revises:
Create Date: 2026-11-23
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = None
branch_labels = ('seals',)
depends_on = '0001'  # the kernel's people and departments


def upgrade() -> None:
    op.create_table('seal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('custodian_id', sa.Integer(), nullable=False),
    sa.Column('deputy_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['custodian_id'], ['user_account.id'], name=op.f('fk_seal_custodian_id_user_account')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_seal_department_id_department')),
    sa.ForeignKeyConstraint(['deputy_id'], ['user_account.id'], name=op.f('fk_seal_deputy_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seal')),
    sa.UniqueConstraint('name', name=op.f('uq_seal_name'))
    )
    op.create_table('seal_use',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('serial', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('seal_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('copies', sa.Integer(), nullable=False),
    sa.Column('impressions', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=200), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('applicant_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('signer_name', sa.String(length=40), nullable=False),
    sa.Column('approver_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.Column('stamper_id', sa.Integer(), nullable=True),
    sa.Column('stamped_at', sa.DateTime(), nullable=True),
    sa.Column('stamped_impressions', sa.Integer(), nullable=True),
    sa.Column('remarks', sa.Text(), nullable=False),
    sa.Column('void_reason', sa.Text(), nullable=False),
    sa.Column('source_entity', sa.String(length=40), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['applicant_id'], ['user_account.id'], name=op.f('fk_seal_use_applicant_id_user_account')),
    sa.ForeignKeyConstraint(['approver_id'], ['user_account.id'], name=op.f('fk_seal_use_approver_id_user_account')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_seal_use_department_id_department')),
    sa.ForeignKeyConstraint(['seal_id'], ['seal.id'], name=op.f('fk_seal_use_seal_id_seal')),
    sa.ForeignKeyConstraint(['stamper_id'], ['user_account.id'], name=op.f('fk_seal_use_stamper_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seal_use')),
    sa.UniqueConstraint('number', name=op.f('uq_seal_use_number')),
    sa.UniqueConstraint('year', 'serial', name=op.f('uq_seal_use_year_serial'))
    )
    with op.batch_alter_table('seal_use', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_seal_use_applicant_id'), ['applicant_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_seal_use_department_id'), ['department_id'], unique=False)
        batch_op.create_index('ix_seal_use_requested_at', ['requested_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_seal_use_seal_id'), ['seal_id'], unique=False)
        batch_op.create_index('ix_seal_use_status', ['status', 'id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('seal_use', schema=None) as batch_op:
        batch_op.drop_index('ix_seal_use_status')
        batch_op.drop_index(batch_op.f('ix_seal_use_seal_id'))
        batch_op.drop_index('ix_seal_use_requested_at')
        batch_op.drop_index(batch_op.f('ix_seal_use_department_id'))
        batch_op.drop_index(batch_op.f('ix_seal_use_applicant_id'))

    op.drop_table('seal_use')
    op.drop_table('seal')
