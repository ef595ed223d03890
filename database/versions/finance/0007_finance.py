"""finance (经费报销 · 经费预支): advances, expense claims, their lines and receipts

Revision ID: 0007
Revises:
Create Date: 2026-11-30
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = None
branch_labels = ('finance',)
depends_on = '0006'  # the kernel as of its audit of every table (finance builds on system)


def upgrade() -> None:
    op.create_table('finance_advance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('serial', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('applicant_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('purpose', sa.String(length=200), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.Column('approver_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.Column('payer_id', sa.Integer(), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('set_off_fen', sa.BigInteger(), nullable=False),
    sa.Column('returned_fen', sa.BigInteger(), nullable=False),
    sa.Column('difference_paid_fen', sa.BigInteger(), nullable=False),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('remarks', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['applicant_id'], ['user_account.id'], name=op.f('fk_finance_advance_applicant_id_user_account')),
    sa.ForeignKeyConstraint(['approver_id'], ['user_account.id'], name=op.f('fk_finance_advance_approver_id_user_account')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_finance_advance_department_id_department')),
    sa.ForeignKeyConstraint(['payer_id'], ['user_account.id'], name=op.f('fk_finance_advance_payer_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finance_advance')),
    sa.UniqueConstraint('number', name=op.f('uq_finance_advance_number')),
    sa.UniqueConstraint('year', 'serial', name=op.f('uq_finance_advance_year_serial'))
    )
    op.create_index(op.f('ix_finance_advance_applicant_id'), 'finance_advance', ['applicant_id'], unique=False)
    op.create_index(op.f('ix_finance_advance_department_id'), 'finance_advance', ['department_id'], unique=False)
    op.create_index('ix_finance_advance_status', 'finance_advance', ['status', 'id'], unique=False)
    op.create_table('finance_claim',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('serial', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=30), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('applicant_id', sa.Integer(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('purpose', sa.String(length=200), nullable=False),
    sa.Column('travellers', sa.String(length=100), nullable=False),
    sa.Column('trip_start', sa.Date(), nullable=True),
    sa.Column('trip_end', sa.Date(), nullable=True),
    sa.Column('places', sa.String(length=200), nullable=False),
    sa.Column('transport', sa.String(length=40), nullable=False),
    sa.Column('total_fen', sa.BigInteger(), nullable=False),
    sa.Column('receipt_count', sa.Integer(), nullable=False),
    sa.Column('content_digest', sa.String(length=64), nullable=False),
    sa.Column('advance_id', sa.Integer(), nullable=True),
    sa.Column('payable_fen', sa.BigInteger(), nullable=True),
    sa.Column('filed_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('approver_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.Column('reject_reason', sa.String(length=20), nullable=False),
    sa.Column('reject_text', sa.Text(), nullable=False),
    sa.Column('checker_id', sa.Integer(), nullable=True),
    sa.Column('checked_at', sa.DateTime(), nullable=True),
    sa.Column('batch_number', sa.String(length=40), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=True),
    sa.Column('reimbursed_on', sa.Date(), nullable=True),
    sa.Column('bureau_return', sa.Text(), nullable=False),
    sa.Column('payer_id', sa.Integer(), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('pay_method', sa.String(length=20), nullable=False),
    sa.Column('signed_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['advance_id'], ['finance_advance.id'], name=op.f('fk_finance_claim_advance_id_finance_advance')),
    sa.ForeignKeyConstraint(['applicant_id'], ['user_account.id'], name=op.f('fk_finance_claim_applicant_id_user_account')),
    sa.ForeignKeyConstraint(['approver_id'], ['user_account.id'], name=op.f('fk_finance_claim_approver_id_user_account')),
    sa.ForeignKeyConstraint(['checker_id'], ['user_account.id'], name=op.f('fk_finance_claim_checker_id_user_account')),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_finance_claim_department_id_department')),
    sa.ForeignKeyConstraint(['payer_id'], ['user_account.id'], name=op.f('fk_finance_claim_payer_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finance_claim')),
    sa.UniqueConstraint('number', name=op.f('uq_finance_claim_number')),
    sa.UniqueConstraint('year', 'serial', name=op.f('uq_finance_claim_year_serial'))
    )
    op.create_index(op.f('ix_finance_claim_advance_id'), 'finance_claim', ['advance_id'], unique=False)
    op.create_index(op.f('ix_finance_claim_applicant_id'), 'finance_claim', ['applicant_id'], unique=False)
    op.create_index(op.f('ix_finance_claim_department_id'), 'finance_claim', ['department_id'], unique=False)
    op.create_index('ix_finance_claim_status', 'finance_claim', ['status', 'id'], unique=False)
    op.create_table('finance_claim_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['finance_claim.id'], name=op.f('fk_finance_claim_line_claim_id_finance_claim'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finance_claim_line')),
    sa.UniqueConstraint('claim_id', 'position', name=op.f('uq_finance_claim_line_claim_id_position'))
    )
    op.create_index(op.f('ix_finance_claim_line_claim_id'), 'finance_claim_line', ['claim_id'], unique=False)
    op.create_table('finance_receipt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('receipt_type', sa.String(length=20), nullable=False),
    sa.Column('invoice_number', sa.String(length=40), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['claim_id'], ['finance_claim.id'], name=op.f('fk_finance_receipt_claim_id_finance_claim'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finance_receipt')),
    sa.UniqueConstraint('claim_id', 'position', name=op.f('uq_finance_receipt_claim_id_position'))
    )
    op.create_index(op.f('ix_finance_receipt_claim_id'), 'finance_receipt', ['claim_id'], unique=False)
    op.create_index(op.f('ix_finance_receipt_invoice_number'), 'finance_receipt', ['invoice_number'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_finance_receipt_invoice_number'), table_name='finance_receipt')
    op.drop_index(op.f('ix_finance_receipt_claim_id'), table_name='finance_receipt')
    op.drop_table('finance_receipt')
    op.drop_index(op.f('ix_finance_claim_line_claim_id'), table_name='finance_claim_line')
    op.drop_table('finance_claim_line')
    op.drop_index('ix_finance_claim_status', table_name='finance_claim')
    op.drop_index(op.f('ix_finance_claim_department_id'), table_name='finance_claim')
    op.drop_index(op.f('ix_finance_claim_applicant_id'), table_name='finance_claim')
    op.drop_index(op.f('ix_finance_claim_advance_id'), table_name='finance_claim')
    op.drop_table('finance_claim')
    op.drop_index('ix_finance_advance_status', table_name='finance_advance')
    op.drop_index(op.f('ix_finance_advance_department_id'), table_name='finance_advance')
    op.drop_index(op.f('ix_finance_advance_applicant_id'), table_name='finance_advance')
    op.drop_table('finance_advance')
