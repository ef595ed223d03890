"""Login timing: does the time of a refusal tell whether an account exists?

Times :meth:`PeopleService.login` on a fresh demo database, interleaved so machine load hits every
case alike, for: the right password of a known account; a wrong password of a known account; an
unknown login name; a deactivated account. Lock-outs are kept out of the way (each refusal case
uses names that rotate, and the throttle is cleared between rounds), so every case does the same
work. Reports the median and spread per case, and the largest difference between the medians of
the three refusal cases relative to the right-password median (target: within noise, a few %).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any


def bench_login(runs: int = 15) -> dict[str, Any]:
    from sqlalchemy import select

    from courtdesk.kernel import area, demo, people
    from courtdesk.kernel.db import open_database
    from courtdesk.kernel.errors import DomainError
    from courtdesk.kernel.models.people import LoginThrottle, User

    area.discover()
    with tempfile.TemporaryDirectory(prefix="courtdesk-bench-") as tmp:
        db = open_database(str(Path(tmp) / "login.sqlite3"))
        demo.fill(db)
        with db.write() as s:
            s.scalars(select(User).where(User.username == "civil_clerk")).one().active = False
        service = people.PeopleService(db)
        people.stand_in_hash()  # as the app makes it while the login dialog waits
        cases = {
            "known_right_password": ("judge", demo.DEMO_PASSWORD),
            "known_wrong_password": ("clerk", "wrong-password-1"),
            "unknown_name": ("no-such-user", "wrong-password-1"),
            "deactivated_account": ("civil_clerk", demo.DEMO_PASSWORD),
        }
        times: dict[str, list[float]] = {k: [] for k in cases}
        messages: dict[str, set[str]] = {k: set() for k in cases}
        for _ in range(runs):
            for key, (name, password) in cases.items():
                started = time.perf_counter()
                try:
                    service.login(name, password)
                except DomainError as exc:
                    messages[key].add(str(exc))
                times[key].append((time.perf_counter() - started) * 1000)
            with db.write() as s:  # no lock-out: each round starts from the same state
                for row in s.scalars(select(LoginThrottle)):
                    s.delete(row)
        db.dispose()
    medians = {k: round(statistics.median(v), 1) for k, v in times.items()}
    refusals = [medians[k] for k in ("known_wrong_password", "unknown_name", "deactivated_account")]
    return {
        "runs": runs,
        "median_ms": medians,
        "spread_ms": {k: [round(min(v), 1), round(max(v), 1)] for k, v in times.items()},
        "refusal_median_gap_pct": round((max(refusals) - min(refusals)) / medians["known_right_password"] * 100, 1),
        "same_refusal_text": len({m for k in ("known_wrong_password", "unknown_name", "deactivated_account")
                                  for m in messages[k]}) == 1,
        "method": "PeopleService.login on a demo database, cases interleaved, throttle cleared each round",
    }
