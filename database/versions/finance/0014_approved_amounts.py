"""finance: 核定金额 per expense line (approved_fen, cut_reason) and on the claim (approved_total_fen),
the leader's written approval to keep amounts above standard (over_standard_approval), the days or
nights a line pays for (days), and a travel claim's itinerary (finance_trip_leg). Claims registered
before this were paid as claimed: their lines are approved at the amount claimed (recorded in the
audit chain).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('finance_claim_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('approved_fen', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('cut_reason', sa.String(length=200), nullable=False, server_default=''))
    with op.batch_alter_table('finance_claim_line', schema=None) as batch_op:
        batch_op.alter_column('cut_reason', server_default=None)
    with op.batch_alter_table('finance_claim', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approved_total_fen', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('over_standard_approval', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('finance_claim', schema=None) as batch_op:
        batch_op.alter_column('over_standard_approval', server_default=None)
    op.create_table(
        'finance_trip_leg',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('claim_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('depart_on', sa.Date(), nullable=False),
        sa.Column('depart_from', sa.String(length=40), nullable=False),
        sa.Column('arrive_on', sa.Date(), nullable=False),
        sa.Column('arrive_at', sa.String(length=40), nullable=False),
        sa.Column('transport', sa.String(length=20), nullable=False),
        sa.Column('fare_fen', sa.BigInteger(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['claim_id'], ['finance_claim.id'], name=op.f('fk_finance_trip_leg_claim_id_finance_claim'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_finance_trip_leg')),
        sa.UniqueConstraint('claim_id', 'position', name=op.f('uq_finance_trip_leg_claim_id_position')),
    )
    with op.batch_alter_table('finance_trip_leg', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_finance_trip_leg_claim_id'), ['claim_id'], unique=False)

    bind = op.get_bind()
    registered = sa.text("SELECT id FROM finance_claim WHERE checker_id IS NOT NULL")
    bind.execute(sa.text(f"UPDATE finance_claim_line SET approved_fen = amount_fen WHERE claim_id IN ({registered.text})"))
    bind.execute(sa.text("UPDATE finance_claim SET approved_total_fen = total_fen WHERE checker_id IS NOT NULL"))

    from courtdesk.areas.finance.models import ExpenseClaim, ExpenseLine, TripLeg
    from courtdesk.kernel import audit

    audit.adopt(bind, ExpenseClaim, "数据库升级：报销单增加核定金额合计、超标准审批意见")
    audit.adopt(bind, ExpenseLine, "数据库升级：报销明细增加天数、核定金额、核减理由（已审核登记的按报销金额核定）")
    audit.adopt(bind, TripLeg, "数据库升级：差旅费报销单增加行程")


def downgrade() -> None:
    op.drop_table('finance_trip_leg')
    with op.batch_alter_table('finance_claim', schema=None) as batch_op:
        batch_op.drop_column('over_standard_approval')
        batch_op.drop_column('approved_total_fen')
    with op.batch_alter_table('finance_claim_line', schema=None) as batch_op:
        batch_op.drop_column('cut_reason')
        batch_op.drop_column('approved_fen')
        batch_op.drop_column('days')
