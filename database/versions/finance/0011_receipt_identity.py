"""finance: a receipt's identity — 发票代码 beside the 号码, and the 号码 without leading zeros indexed
(number_key), so the same receipt typed with spaces, full-width digits, a hyphen or a leading zero is
found on any claim of any year (第6条); existing receipts get their key from the number as stored
(recorded in the audit chain)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('finance_receipt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invoice_code', sa.String(length=20), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('number_key', sa.String(length=40), nullable=False, server_default=''))
    with op.batch_alter_table('finance_receipt', schema=None) as batch_op:
        batch_op.alter_column('invoice_code', server_default=None)
        batch_op.alter_column('number_key', server_default=None)
        batch_op.create_index(batch_op.f('ix_finance_receipt_number_key'), ['number_key'], unique=False)

    from courtdesk.areas.finance import invoices
    from courtdesk.areas.finance.models import ExpenseReceipt
    from courtdesk.kernel import audit

    bind = op.get_bind()
    receipts = sa.table('finance_receipt', sa.column('id', sa.Integer), sa.column('invoice_number', sa.String),
                        sa.column('number_key', sa.String))
    last = 0
    while True:  # a page of receipts at a time, by id: a million receipts never sit in memory
        rows = bind.execute(sa.select(receipts.c.id, receipts.c.invoice_number).where(receipts.c.id > last)
                            .order_by(receipts.c.id).limit(2000)).all()
        if not rows:
            break
        bind.execute(receipts.update().where(receipts.c.id == sa.bindparam('rid'))
                     .values(number_key=sa.bindparam('key')),
                     [{'rid': rid, 'key': invoices.number_key(invoices.normalise(number))} for rid, number in rows])
        last = rows[-1][0]
    audit.adopt(bind, ExpenseReceipt, "数据库升级：票据增加发票代码和查重用的号码")


def downgrade() -> None:
    with op.batch_alter_table('finance_receipt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_finance_receipt_number_key'))
        batch_op.drop_column('number_key')
        batch_op.drop_column('invoice_code')
