"""audit everything the app writes: workflow steps (办理经过) and the yearly number counters join
the audit chain; their existing rows are taken in as ``migrate`` entries so verification can tell
later edits behind the app's back from the state the upgrade found (no schema change)

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""
from __future__ import annotations

from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    from courtdesk.kernel import audit
    from courtdesk.kernel.models.infra import Counter, WorkflowStep

    bind = op.get_bind()
    audit.adopt(bind, WorkflowStep, "数据库升级：办理经过（workflow_step）纳入留痕")
    audit.adopt(bind, Counter, "数据库升级：编号计数器（counter）纳入留痕")


def downgrade() -> None:
    pass  # the entries stay: the audit chain is append-only
