"""The IT tests run on the shared demo SQLite file and, when COURTDESK_TEST_PG_URL is set, again on
the demo PostgreSQL copy (the fixtures of ``tests.support.area_db``)."""

from tests.support.area_db import NOW, db, fixed_clock

__all__ = ["NOW", "db", "fixed_clock"]
