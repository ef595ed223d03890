"""enforcement documents (执行文书): cases, parties, recipient units, investigation letters,
seizures and their renewals, notification transcripts

Revision ID: 0004
Revises:
Create Date: 2026-11-23
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = None
branch_labels = ('enforcement',)
depends_on = '0003'  # enforcement builds on the letters


def upgrade() -> None:
    op.create_table('recipient_unit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('postcode', sa.String(length=6), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('sort', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recipient_unit')),
    sa.UniqueConstraint('name', name=op.f('uq_recipient_unit_name'))
    )
    op.create_table('enforcement_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('court_code', sa.String(length=20), nullable=False),
    sa.Column('case_type', sa.String(length=6), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('cause', sa.String(length=60), nullable=False),
    sa.Column('basis', sa.String(length=200), nullable=False),
    sa.Column('amount_fen', sa.BigInteger(), nullable=True),
    sa.Column('filed_on', sa.Date(), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=False),
    sa.Column('clerk_id', sa.Integer(), nullable=False),
    sa.Column('applicant_names', sa.String(length=300), nullable=False),
    sa.Column('respondent_names', sa.String(length=300), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('close_mode', sa.String(length=20), nullable=False),
    sa.Column('remarks', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['clerk_id'], ['user_account.id'], name=op.f('fk_enforcement_case_clerk_id_user_account')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_enforcement_case_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['officer_id'], ['user_account.id'], name=op.f('fk_enforcement_case_officer_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enforcement_case')),
    sa.UniqueConstraint('number', name=op.f('uq_enforcement_case_number')),
    sa.UniqueConstraint('year', 'court_code', 'case_type', 'sequence', name=op.f('uq_enforcement_case_year_court_code_case_type_sequence'))
    )
    with op.batch_alter_table('enforcement_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enforcement_case_clerk_id'), ['clerk_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_enforcement_case_officer_id'), ['officer_id'], unique=False)
        batch_op.create_index('ix_enforcement_case_status', ['status', 'id'], unique=False)

    op.create_table('enforcement_party',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=12), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('id_number', sa.String(length=18), nullable=False),
    sa.Column('domicile', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['enforcement_case.id'], name=op.f('fk_enforcement_party_case_id_enforcement_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enforcement_party')),
    sa.UniqueConstraint('case_id', 'role', 'seq', name=op.f('uq_enforcement_party_case_id_role_seq'))
    )
    with op.batch_alter_table('enforcement_party', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_enforcement_party_case_id'), ['case_id'], unique=False)

    op.create_table('seizure_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('held_at', sa.DateTime(), nullable=False),
    sa.Column('place', sa.String(length=100), nullable=False),
    sa.Column('judge_name', sa.String(length=40), nullable=False),
    sa.Column('clerk_name', sa.String(length=40), nullable=False),
    sa.Column('party_name', sa.String(length=100), nullable=False),
    sa.Column('notified_on', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['enforcement_case.id'], name=op.f('fk_seizure_notice_case_id_enforcement_case')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_seizure_notice_created_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seizure_notice'))
    )
    with op.batch_alter_table('seizure_notice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_seizure_notice_case_id'), ['case_id'], unique=False)

    op.create_table('investigation_letter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('serial', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('unit_name', sa.String(length=100), nullable=False),
    sa.Column('questions', sa.Text(), nullable=False),
    sa.Column('letter_date', sa.Date(), nullable=False),
    sa.Column('officer_id', sa.Integer(), nullable=False),
    sa.Column('batch', sa.String(length=40), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=True),
    sa.Column('sent_via', sa.String(length=10), nullable=False),
    sa.Column('postal_receipt', sa.String(length=40), nullable=False),
    sa.Column('reply_due', sa.Date(), nullable=True),
    sa.Column('replied_on', sa.Date(), nullable=True),
    sa.Column('reply_via', sa.String(length=10), nullable=False),
    sa.Column('reply_note', sa.Text(), nullable=False),
    sa.Column('void_reason', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['enforcement_case.id'], name=op.f('fk_investigation_letter_case_id_enforcement_case')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_investigation_letter_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['officer_id'], ['user_account.id'], name=op.f('fk_investigation_letter_officer_id_user_account')),
    sa.ForeignKeyConstraint(['target_id'], ['enforcement_party.id'], name=op.f('fk_investigation_letter_target_id_enforcement_party')),
    sa.ForeignKeyConstraint(['unit_id'], ['recipient_unit.id'], name=op.f('fk_investigation_letter_unit_id_recipient_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_investigation_letter')),
    sa.UniqueConstraint('number', name=op.f('uq_investigation_letter_number')),
    sa.UniqueConstraint('year', 'serial', name=op.f('uq_investigation_letter_year_serial'))
    )
    with op.batch_alter_table('investigation_letter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_investigation_letter_batch'), ['batch'], unique=False)
        batch_op.create_index(batch_op.f('ix_investigation_letter_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_investigation_letter_officer_id'), ['officer_id'], unique=False)
        batch_op.create_index('ix_investigation_letter_status_due', ['status', 'reply_due'], unique=False)
        batch_op.create_index(batch_op.f('ix_investigation_letter_unit_id'), ['unit_id'], unique=False)

    op.create_table('seizure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('party_id', sa.Integer(), nullable=True),
    sa.Column('measure', sa.String(length=10), nullable=False),
    sa.Column('property_type', sa.String(length=20), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('ruling_number', sa.String(length=60), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('original_end_date', sa.Date(), nullable=False),
    sa.Column('renewals', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('released_on', sa.Date(), nullable=True),
    sa.Column('release_reason', sa.String(length=200), nullable=False),
    sa.Column('notified_on', sa.Date(), nullable=True),
    sa.Column('registered_by_id', sa.Integer(), nullable=False),
    sa.Column('remarks', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['enforcement_case.id'], name=op.f('fk_seizure_case_id_enforcement_case')),
    sa.ForeignKeyConstraint(['party_id'], ['enforcement_party.id'], name=op.f('fk_seizure_party_id_enforcement_party')),
    sa.ForeignKeyConstraint(['registered_by_id'], ['user_account.id'], name=op.f('fk_seizure_registered_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seizure'))
    )
    with op.batch_alter_table('seizure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_seizure_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_seizure_status_end', ['status', 'end_date'], unique=False)

    op.create_table('seizure_notice_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('seizure_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('target', sa.String(length=320), nullable=False),
    sa.Column('term_start', sa.Date(), nullable=False),
    sa.Column('term_end', sa.Date(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['notice_id'], ['seizure_notice.id'], name=op.f('fk_seizure_notice_item_notice_id_seizure_notice')),
    sa.ForeignKeyConstraint(['seizure_id'], ['seizure.id'], name=op.f('fk_seizure_notice_item_seizure_id_seizure')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seizure_notice_item')),
    sa.UniqueConstraint('notice_id', 'seq', name=op.f('uq_seizure_notice_item_notice_id_seq'))
    )
    with op.batch_alter_table('seizure_notice_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_seizure_notice_item_notice_id'), ['notice_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_seizure_notice_item_seizure_id'), ['seizure_id'], unique=False)

    op.create_table('seizure_renewal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seizure_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('renewed_on', sa.Date(), nullable=False),
    sa.Column('previous_end', sa.Date(), nullable=False),
    sa.Column('term_start', sa.Date(), nullable=False),
    sa.Column('new_end', sa.Date(), nullable=False),
    sa.Column('ruling_number', sa.String(length=60), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['user_account.id'], name=op.f('fk_seizure_renewal_by_id_user_account')),
    sa.ForeignKeyConstraint(['seizure_id'], ['seizure.id'], name=op.f('fk_seizure_renewal_seizure_id_seizure')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_seizure_renewal')),
    sa.UniqueConstraint('seizure_id', 'seq', name=op.f('uq_seizure_renewal_seizure_id_seq'))
    )
    with op.batch_alter_table('seizure_renewal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_seizure_renewal_seizure_id'), ['seizure_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('seizure_renewal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_seizure_renewal_seizure_id'))

    op.drop_table('seizure_renewal')
    with op.batch_alter_table('seizure_notice_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_seizure_notice_item_seizure_id'))
        batch_op.drop_index(batch_op.f('ix_seizure_notice_item_notice_id'))

    op.drop_table('seizure_notice_item')
    with op.batch_alter_table('seizure', schema=None) as batch_op:
        batch_op.drop_index('ix_seizure_status_end')
        batch_op.drop_index(batch_op.f('ix_seizure_case_id'))

    op.drop_table('seizure')
    with op.batch_alter_table('investigation_letter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_investigation_letter_unit_id'))
        batch_op.drop_index('ix_investigation_letter_status_due')
        batch_op.drop_index(batch_op.f('ix_investigation_letter_officer_id'))
        batch_op.drop_index(batch_op.f('ix_investigation_letter_case_id'))
        batch_op.drop_index(batch_op.f('ix_investigation_letter_batch'))

    op.drop_table('investigation_letter')
    with op.batch_alter_table('seizure_notice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_seizure_notice_case_id'))

    op.drop_table('seizure_notice')
    with op.batch_alter_table('enforcement_party', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_enforcement_party_case_id'))

    op.drop_table('enforcement_party')
    with op.batch_alter_table('enforcement_case', schema=None) as batch_op:
        batch_op.drop_index('ix_enforcement_case_status')
        batch_op.drop_index(batch_op.f('ix_enforcement_case_officer_id'))
        batch_op.drop_index(batch_op.f('ix_enforcement_case_clerk_id'))

    op.drop_table('enforcement_case')
    op.drop_table('recipient_unit')
