"""Fill the run's PostgreSQL demo template in the background (started by ``tests/conftest.py`` when
the run begins, so the first PostgreSQL test finds it ready instead of spending minutes filling it
while its worker waits).

    python -m tests.support.pgdemo URL NAME FOLDER

Takes ``FOLDER/.lock`` (the lock the ``pg_demo_template`` fixture takes), and unless ``FOLDER/done``
exists, fills database NAME on URL's server with the demo data and marks it done."""

from __future__ import annotations

import fcntl
import sys
import time
from pathlib import Path


def note(folder: Path, line: str) -> None:
    """One line of the fill's log (``FOLDER/fill.log``), which the run's summary prints."""
    with open(folder / "fill.log", "a", encoding="utf-8") as log:
        log.write(f"{time.time():.1f} {line}\n")


def main(url: str, name: str, folder: Path) -> int:
    from courtdesk.kernel import demo
    from courtdesk.kernel.db import open_database
    from tests.conftest import _copy_pg_database

    folder.mkdir(parents=True, exist_ok=True)
    note(folder, "background: started")
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (folder / "done").exists():
            note(folder, "background: already filled")
            return 0
        try:
            filled = open_database(_copy_pg_database(url, "template0", name))
            demo.fill(filled)
            filled.dispose()
        except BaseException as exc:  # the run's summary says why the workers filled it themselves
            note(folder, f"background: failed: {type(exc).__name__}: {exc}")
            raise
        (folder / "done").touch()
        note(folder, "background: filled")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], Path(sys.argv[3])))
