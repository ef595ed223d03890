"""Alembic environment and schema history (run by courtdesk.kernel.db.migrate, not by hand)."""
