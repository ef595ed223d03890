"""introduction letters (介绍信) and blank sealed letterhead (盖章空白信笺)

Revision ID: 0003
Revises:
Create Date: 2026-11-23
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = None
branch_labels = ('letters',)
depends_on = '0002'  # letters build on the seals (the seal-use log)


def upgrade() -> None:
    op.create_table('blank_letterhead',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('serial', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('holder_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=200), nullable=False),
    sa.Column('return_by', sa.Date(), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('approver_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.Column('issuer_id', sa.Integer(), nullable=True),
    sa.Column('issued_at', sa.DateTime(), nullable=True),
    sa.Column('issued_count', sa.Integer(), nullable=False),
    sa.Column('used_count', sa.Integer(), nullable=False),
    sa.Column('returned_count', sa.Integer(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('remarks', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['approver_id'], ['user_account.id'], name=op.f('fk_blank_letterhead_approver_id_user_account')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_blank_letterhead_department_id_department')),
    sa.ForeignKeyConstraint(['holder_id'], ['user_account.id'], name=op.f('fk_blank_letterhead_holder_id_user_account')),
    sa.ForeignKeyConstraint(['issuer_id'], ['user_account.id'], name=op.f('fk_blank_letterhead_issuer_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_blank_letterhead')),
    sa.UniqueConstraint('number', name=op.f('uq_blank_letterhead_number')),
    sa.UniqueConstraint('year', 'serial', name=op.f('uq_blank_letterhead_year_serial'))
    )
    with op.batch_alter_table('blank_letterhead', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_blank_letterhead_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_blank_letterhead_holder_id'), ['holder_id'], unique=False)
        batch_op.create_index('ix_blank_letterhead_status', ['status', 'id'], unique=False)

    op.create_table('blank_letterhead_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('sheets', sa.Integer(), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('what_for', sa.String(length=200), nullable=False),
    sa.Column('reported_by_id', sa.Integer(), nullable=False),
    sa.Column('reported_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['blank_letterhead.id'], name=op.f('fk_blank_letterhead_report_batch_id_blank_letterhead'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reported_by_id'], ['user_account.id'], name=op.f('fk_blank_letterhead_report_reported_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_blank_letterhead_report'))
    )
    with op.batch_alter_table('blank_letterhead_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_blank_letterhead_report_batch_id'), ['batch_id'], unique=False)

    op.create_table('introduction_letter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('serial', sa.Integer(), nullable=True),
    sa.Column('number', sa.String(length=30), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('recipient', sa.String(length=60), nullable=False),
    sa.Column('purpose', sa.String(length=100), nullable=False),
    sa.Column('validity_days', sa.Integer(), nullable=False),
    sa.Column('bearer_names', sa.String(length=300), nullable=False),
    sa.Column('bearer_count', sa.Integer(), nullable=False),
    sa.Column('filer_id', sa.Integer(), nullable=False),
    sa.Column('handler_id', sa.Integer(), nullable=False),
    sa.Column('handler_signed_at', sa.DateTime(), nullable=True),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('signer_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('issuer_id', sa.Integer(), nullable=True),
    sa.Column('issued_at', sa.DateTime(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('seal_use_id', sa.Integer(), nullable=True),
    sa.Column('remarks', sa.Text(), nullable=False),
    sa.Column('void_reason', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_introduction_letter_department_id_department')),
    sa.ForeignKeyConstraint(['filer_id'], ['user_account.id'], name=op.f('fk_introduction_letter_filer_id_user_account')),
    sa.ForeignKeyConstraint(['handler_id'], ['user_account.id'], name=op.f('fk_introduction_letter_handler_id_user_account')),
    sa.ForeignKeyConstraint(['issuer_id'], ['user_account.id'], name=op.f('fk_introduction_letter_issuer_id_user_account')),
    sa.ForeignKeyConstraint(['seal_use_id'], ['seal_use.id'], name=op.f('fk_introduction_letter_seal_use_id_seal_use')),
    sa.ForeignKeyConstraint(['signer_id'], ['user_account.id'], name=op.f('fk_introduction_letter_signer_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_introduction_letter')),
    sa.UniqueConstraint('number', name=op.f('uq_introduction_letter_number')),
    sa.UniqueConstraint('year', 'serial', name=op.f('uq_introduction_letter_year_serial'))
    )
    with op.batch_alter_table('introduction_letter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_introduction_letter_department_id'), ['department_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_introduction_letter_filer_id'), ['filer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_introduction_letter_handler_id'), ['handler_id'], unique=False)
        batch_op.create_index('ix_introduction_letter_issued_at', ['issued_at'], unique=False)
        batch_op.create_index('ix_introduction_letter_status', ['status', 'id'], unique=False)

    op.create_table('introduction_letter_bearer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('letter_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=20), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['letter_id'], ['introduction_letter.id'], name=op.f('fk_introduction_letter_bearer_letter_id_introduction_letter'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_introduction_letter_bearer')),
    sa.UniqueConstraint('letter_id', 'position', name=op.f('uq_introduction_letter_bearer_letter_id_position'))
    )
    with op.batch_alter_table('introduction_letter_bearer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_introduction_letter_bearer_letter_id'), ['letter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_introduction_letter_bearer_name'), ['name'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('introduction_letter_bearer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_introduction_letter_bearer_name'))
        batch_op.drop_index(batch_op.f('ix_introduction_letter_bearer_letter_id'))

    op.drop_table('introduction_letter_bearer')
    with op.batch_alter_table('introduction_letter', schema=None) as batch_op:
        batch_op.drop_index('ix_introduction_letter_status')
        batch_op.drop_index('ix_introduction_letter_issued_at')
        batch_op.drop_index(batch_op.f('ix_introduction_letter_handler_id'))
        batch_op.drop_index(batch_op.f('ix_introduction_letter_filer_id'))
        batch_op.drop_index(batch_op.f('ix_introduction_letter_department_id'))

    op.drop_table('introduction_letter')
    with op.batch_alter_table('blank_letterhead_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_blank_letterhead_report_batch_id'))

    op.drop_table('blank_letterhead_report')
    with op.batch_alter_table('blank_letterhead', schema=None) as batch_op:
        batch_op.drop_index('ix_blank_letterhead_status')
        batch_op.drop_index(batch_op.f('ix_blank_letterhead_holder_id'))
        batch_op.drop_index(batch_op.f('ix_blank_letterhead_department_id'))

    op.drop_table('blank_letterhead')
