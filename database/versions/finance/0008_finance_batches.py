"""finance: batches to the district finance bureau (报送批次) as records of their own, the monthly
summary (月度报销汇总), the trip of a travel advance (for the reminder) and the accommodation class
of a travel claim (for the travel standards)

Claims already sent in a batch keep it: each distinct (批次号, 报送日期) becomes a finance_batch row
under its old number, and the claim points at it. Every changed row is recorded in the audit chain.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('finance_batch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('serial', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.Column('sender_id', sa.Integer(), nullable=False),
    sa.Column('remarks', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['sender_id'], ['user_account.id'], name=op.f('fk_finance_batch_sender_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finance_batch')),
    sa.UniqueConstraint('number', name=op.f('uq_finance_batch_number')),
    sa.UniqueConstraint('year', 'serial', name=op.f('uq_finance_batch_year_serial'))
    )
    op.create_table('finance_month_total',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('month_start', sa.Date(), nullable=False),
    sa.Column('department_id', sa.Integer(), nullable=True),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('claim_count', sa.Integer(), nullable=False),
    sa.Column('line_count', sa.Integer(), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['department_id'], ['department.id'], name=op.f('fk_finance_month_total_department_id_department')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finance_month_total')),
    sa.UniqueConstraint('month', 'department_id', 'category', name=op.f('uq_finance_month_total_month_department_id_category'))
    )
    op.create_index('ix_finance_month_total_month', 'finance_month_total', ['month_start', 'id'], unique=False)
    with op.batch_alter_table('finance_advance', schema=None) as batch_op:
        batch_op.add_column(sa.Column('trip_start', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('trip_end', sa.Date(), nullable=True))
    with op.batch_alter_table('finance_claim', schema=None) as batch_op:
        batch_op.add_column(sa.Column('city_class', sa.String(length=10), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('batch_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_finance_claim_batch_id'), ['batch_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_finance_claim_batch_id_finance_batch'), 'finance_batch',
                                    ['batch_id'], ['id'])

    bind = op.get_bind()
    _carry_batches(bind)
    _carry_month_totals(bind)
    with op.batch_alter_table('finance_claim', schema=None) as batch_op:
        batch_op.drop_column('batch_number')
        batch_op.alter_column('city_class', server_default=None)

    from courtdesk.areas.finance.models import Advance, Batch, ExpenseClaim, MonthTotal
    from courtdesk.kernel import audit
    from courtdesk.kernel.models.infra import Counter

    comment = "数据库升级：报送批次、月度汇总、借支出差日期、住宿标准类别"
    for model in (Batch, MonthTotal, Advance, ExpenseClaim, Counter):
        audit.adopt(bind, model, comment)


def _carry_batches(bind: sa.Connection) -> None:
    """One finance_batch per distinct (batch_number, sent_on) of the claims sent before the upgrade."""
    now = dt.datetime.now().replace(microsecond=0)
    rows = bind.execute(sa.text(
        "SELECT batch_number, sent_on, COALESCE(MIN(checker_id), MIN(approver_id), MIN(applicant_id)) AS sender "
        "FROM finance_claim "
        "WHERE batch_number <> '' AND sent_on IS NOT NULL GROUP BY batch_number, sent_on "
        "ORDER BY sent_on, batch_number")).all()
    serials: dict[int, int] = {}
    for number, sent_on, sender in rows:
        day = sent_on if isinstance(sent_on, dt.date) else dt.date.fromisoformat(str(sent_on)[:10])
        serials[day.year] = serials.get(day.year, 0) + 1
        taken = bind.execute(sa.text("SELECT count(*) FROM finance_batch WHERE number = :n"), {"n": number}).scalar()
        label = number if not taken else f"{number}（{day:%Y-%m-%d}）"
        batch_id = bind.execute(sa.text(
            "INSERT INTO finance_batch (year, serial, number, sent_on, sender_id, remarks, version, created_at,"
            " updated_at) VALUES (:y, :s, :n, :d, :u, '', 1, :now, :now) RETURNING id"),
            {"y": day.year, "s": serials[day.year], "n": label, "d": day, "u": sender, "now": now}).scalar()
        bind.execute(sa.text("UPDATE finance_claim SET batch_id = :b WHERE batch_number = :n AND sent_on = :d"),
                     {"b": batch_id, "n": number, "d": sent_on})
    for year, last in serials.items():
        # The batch number counter goes on from the carried batches (numbering.assign reads it).
        held = bind.execute(sa.text("SELECT last FROM counter WHERE register = 'finance_batch' AND year = :y"),
                            {"y": year}).scalar()
        if held is None:  # always: no batch was numbered before this upgrade
            bind.execute(sa.text("INSERT INTO counter (register, year, last) VALUES ('finance_batch', :y, :v)"),
                         {"y": year, "v": last})


def _carry_month_totals(bind: sa.Connection) -> None:
    """The monthly summary of every claim the bureau had reimbursed before the upgrade."""
    now = dt.datetime.now().replace(microsecond=0)
    rows = bind.execute(sa.text(
        "SELECT c.id, c.reimbursed_on, c.department_id, l.category, l.amount_fen FROM finance_claim c "
        "JOIN finance_claim_line l ON l.claim_id = c.id WHERE c.reimbursed_on IS NOT NULL "
        "ORDER BY c.id, l.position"))  # streamed: only the totals are held
    totals: dict[tuple[str, int | None, str], list[Any]] = {}
    for claim_id, day, department_id, category, amount in rows:
        day = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day)[:10])
        entry = totals.setdefault((f"{day:%Y-%m}", department_id, category), [set(), 0, 0, day.replace(day=1)])
        entry[0].add(claim_id)
        entry[1] += 1
        entry[2] += int(amount)
    for (month, department_id, category), (claims, lines, amount, start) in sorted(
            totals.items(), key=lambda kv: (kv[0][0], kv[0][1] or 0, kv[0][2])):
        bind.execute(sa.text(
            "INSERT INTO finance_month_total (month, month_start, department_id, category, claim_count, line_count,"
            " amount_fen, version, created_at, updated_at) VALUES (:m, :s, :d, :c, :cc, :lc, :a, 1, :now, :now)"),
            {"m": month, "s": start, "d": department_id, "c": category, "cc": len(claims), "lc": lines, "a": amount,
             "now": now})


def downgrade() -> None:
    with op.batch_alter_table('finance_claim', schema=None) as batch_op:
        batch_op.add_column(sa.Column('batch_number', sa.String(length=40), nullable=False, server_default=''))
    op.get_bind().execute(sa.text(
        "UPDATE finance_claim SET batch_number = (SELECT number FROM finance_batch b WHERE b.id = batch_id) "
        "WHERE batch_id IS NOT NULL"))
    with op.batch_alter_table('finance_claim', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_finance_claim_batch_id_finance_batch'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_finance_claim_batch_id'))
        batch_op.drop_column('batch_id')
        batch_op.drop_column('city_class')
    with op.batch_alter_table('finance_advance', schema=None) as batch_op:
        batch_op.drop_column('trip_end')
        batch_op.drop_column('trip_start')
    op.drop_index('ix_finance_month_total_month', table_name='finance_month_total')
    op.drop_table('finance_month_total')
    op.drop_table('finance_batch')
