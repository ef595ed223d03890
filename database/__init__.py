"""Alembic environment and schema history (run by courtdesk.db.migrate, not by hand)."""
