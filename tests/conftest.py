"""Shared fixtures: a real SQLite file per test (copied from a template filled once with demo
data), the same on PostgreSQL when COURTDESK_TEST_PG_URL is set, and a settable clock."""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from courtdesk.kernel import clock, demo
from courtdesk.kernel.db import Database, open_database
from courtdesk.kernel.models.people import User

PG_ENV = "COURTDESK_TEST_PG_URL"

#: argon2id parameters of every password hashed by the tests (the demo's included): the production
#: cost (t=3, 64 MiB, p=4; ~0.15 s idle, 0.4 s on a loaded 2-core machine) hundreds of times over
#: is minutes of the run. ``production_cost`` puts it back for the tests that are about it.
TEST_ARGON2 = (1, 1024, 1)

from courtdesk.kernel import people as _people  # noqa: E402

_people.use_cost(*TEST_ARGON2)


def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    """With pytest-xdist switched off (``-p no:xdist``) or not installed, accept the ``-n``/``--dist``/
    ``--no-loadscope-reorder`` that pyproject's addopts pass and run every test in this one process."""
    if not pluginmanager.has_plugin("xdist"):
        group = parser.getgroup("xdist", "pytest-xdist is off: these options are ignored")
        group._addoption("-n", "--numprocesses", dest="numprocesses", default=None)  # as xdist does: "-n" is reserved
        group.addoption("--dist", dest="dist", default="no")
        group.addoption("--no-loadscope-reorder", dest="loadscopereorder", action="store_false", default=True)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """``-n auto`` (pyproject's addopts): one worker per core, but a single test file — the usual
    edit-and-rerun loop — runs in this process, without the workers' start-up."""
    files = {arg.split("::")[0] for arg in config.args}
    if len(files) == 1 and Path(config.invocation_params.dir, next(iter(files))).is_file():
        return 0
    return None


@pytest.hookimpl(trylast=True)  # after the tmp_path plugin has set up the run's base folder
def pytest_configure(config: pytest.Config) -> None:
    """With PostgreSQL configured, the run's demo template starts filling in the background at once
    (``tests.support.pgdemo``), in the controller only: the workers' ``pg_demo_template`` waits for it
    under the same lock instead of filling it while the tests of that worker stand still."""
    url = os.environ.get(PG_ENV)
    if not url or hasattr(config, "workerinput") or config.option.collectonly:
        return
    import subprocess
    import sys

    from sqlalchemy.engine import make_url

    folder = config._tmp_path_factory.getbasetemp() / "shared-demo-postgresql"  # type: ignore[attr-defined]
    name = f"{make_url(url).database}_demo"
    config._courtdesk_pgdemo = subprocess.Popen(  # type: ignore[attr-defined]
        [sys.executable, "-m", "tests.support.pgdemo", url, name, str(folder)],
        cwd=str(Path(__file__).resolve().parent.parent), stdout=subprocess.DEVNULL)


_PG_FIXTURES = frozenset({"pg_db", "pg_demo_db", "pg_demo_template", "any_db"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The files marked ``long`` (minutes on one worker) run first, so the other worker works through
    the rest meanwhile and the run does not end with one worker alone on them. With PostgreSQL
    configured, the files with PostgreSQL tests run last: by then the background fill of the demo
    template is done, and no worker stands still waiting for it. Within each group, files with more
    tests go first (what pytest-xdist's own reordering did, which pyproject switches off with
    ``--no-loadscope-reorder`` because it put the PostgreSQL files first and both workers waited
    154 s for the template in CI)."""
    def file_of(item: pytest.Item) -> str:
        return item.nodeid.split("::")[0]

    size: dict[str, int] = {}
    for item in items:
        size[file_of(item)] = size.get(file_of(item), 0) + 1

    long_files = {file_of(item) for item in items if item.get_closest_marker("long") is not None}
    pg_files: set[str] = set()
    if os.environ.get(PG_ENV):
        pg_files = {file_of(item) for item in items  # (a param named postgresql: a fixture
                    if _PG_FIXTURES & set(getattr(item, "fixturenames", ()))  # that asks for pg_demo_db)
                    or "postgresql" in item.nodeid.partition("[")[2]}
    items.sort(key=lambda item: (file_of(item) not in long_files, file_of(item) in pg_files, -size[file_of(item)]))


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """What the PostgreSQL demo template's fill did: when it ran, how long each worker waited."""
    if getattr(config, "_courtdesk_pgdemo", None) is None:
        return
    log = config._tmp_path_factory.getbasetemp() / "shared-demo-postgresql" / "fill.log"  # type: ignore[attr-defined]
    if not log.exists():
        return
    lines = log.read_text(encoding="utf-8").splitlines()
    start = float(lines[0].split()[0]) if lines else 0.0
    terminalreporter.section("PostgreSQL demo template")
    for line in lines:
        stamp, _, what = line.partition(" ")
        terminalreporter.write_line(f"+{float(stamp) - start:7.1f} s  {what}")


def pytest_unconfigure(config: pytest.Config) -> None:
    filler = getattr(config, "_courtdesk_pgdemo", None)
    if filler is not None and filler.poll() is None:
        filler.kill()
        filler.wait()


def pytest_report_header(config: pytest.Config) -> str:
    if os.environ.get(PG_ENV):
        return f"PostgreSQL tests: on ({PG_ENV} is set)"
    return f"PostgreSQL tests: SKIPPED — set {PG_ENV} (CI does) to run them"


@pytest.fixture(autouse=True)
def _real_clock_after_test() -> Iterator[None]:
    yield
    clock.set_now(None)


@pytest.fixture(scope="session", autouse=True)
def _own_output_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """What a command writes when no place was chosen goes to this test process's scratch folder, not
    the shared ``<temp>/CourtDesk文书`` where parallel workers could pick the same free name."""
    from courtdesk.kernel.registers import OUTPUT_DIR_ENV

    patch = pytest.MonkeyPatch()
    patch.setenv(OUTPUT_DIR_ENV, str(tmp_path_factory.mktemp("output")))
    yield
    patch.undo()


@contextlib.contextmanager
def _shared(tmp_path_factory: pytest.TempPathFactory, name: str) -> Iterator[Path]:
    """A folder all test processes of this run share (pytest-xdist workers' base temp folders sit in
    one), held under an exclusive file lock: what one worker builds there (the demo database takes
    tens of seconds to fill), the others wait for and reuse instead of building it again."""
    import fcntl

    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    folder = root / f"shared-{name}"
    folder.mkdir(exist_ok=True)
    with open(folder / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield folder
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database, filled once per test run (not once per worker) and copied by each test."""
    with _shared(tmp_path_factory, "demo-sqlite") as folder:
        path = folder / "court.sqlite3"
        if not (folder / "done").exists():
            for stale in folder.glob("court.sqlite3*"):
                stale.unlink()
            db = open_database(str(path))
            demo.fill(db)
            db.dispose()
            (folder / "done").touch()
        else:
            _unlock_everyone(path)
        return path


def _unlock_everyone(url_or_path: Path | str) -> None:
    """Unlock every demo person's signing key in this process, as filling the demo does in the process
    that fills it: a worker reusing a template another process filled may write as anyone."""
    from sqlalchemy import select

    db = open_database(str(url_or_path))
    try:
        with db.read() as s:
            everyone = list(s.scalars(select(User)))
        for user in everyone:
            _unlock(db, user)
    finally:
        db.dispose()


def _copy_db(template: Path, folder: Path) -> Path:
    target = folder / "court.sqlite3"
    shutil.copy2(template, target)
    for suffix in ("-wal", "-shm"):
        side = template.with_name(template.name + suffix)
        if side.exists():
            shutil.copy2(side, target.with_name(target.name + suffix))
    return target


@pytest.fixture
def db_path(template_db: Path, tmp_path: Path) -> Path:
    """A demo database file of this test's own."""
    return _copy_db(template_db, tmp_path)


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = open_database(str(db_path))
    yield database
    database.dispose()


@pytest.fixture
def empty_db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(str(tmp_path / "empty.sqlite3"))
    yield database
    database.dispose()


class _DemoPeople(dict[str, User]):
    """Users by login name; looking one up unlocks their audit signing key in this process, as their
    login would (a process that did not fill the demo itself — a spawned worker — has not got it)."""

    def __init__(self, database: Database, users: dict[str, User]) -> None:
        super().__init__(users)
        self._database = database

    def __getitem__(self, key: str) -> User:
        user = super().__getitem__(key)
        _unlock(self._database, user)
        return user


def _unlock(database: Database, user: User) -> None:
    from sqlalchemy import select

    from courtdesk.kernel import people, signing
    from courtdesk.kernel.models.infra import SigningKey

    with database.read() as s:
        public = s.scalar(select(SigningKey.public_key).where(SigningKey.user_id == user.id,
                                                              SigningKey.replaced_at.is_(None)))
        if public is None or signing.unlocked_key(public) is not None:
            return
        matches, wrap_key = people.check_password(user.password_hash, demo.DEMO_PASSWORD)
        if matches and wrap_key is not None:
            signing.unlock(s, user.id, wrap_key)


def load_users(database: Database) -> dict[str, User]:
    from sqlalchemy import select

    with database.read() as s:
        users = {u.username: u for u in s.scalars(select(User))}
        for u in users.values():
            _ = u.roles, u.department
    return _DemoPeople(database, users)


@pytest.fixture
def users(db: Database) -> dict[str, User]:
    """Demo users by login name (admin, clerk, office_head, president, leader, judge …)."""
    return load_users(db)


def _reset_pg(url: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _worker_database(url: str, worker: str) -> str:
    """The URL of ``<database>_<worker>`` on the same server, created (like the given database:
    same encoding and locale) when it does not exist yet. Each pytest-xdist worker resets the
    schema of a database of its own, so parallel workers never clobber each other's tables."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    given = make_url(url)
    name = f"{given.database}_{worker}"
    with create_engine(given).connect() as conn:
        encoding, collate, ctype = conn.execute(text(
            "SELECT pg_encoding_to_char(encoding), datcollate, datctype FROM pg_database"
            " WHERE datname = current_database()")).one()
    # CREATE DATABASE cannot run in a transaction, nor while connected to the template it copies.
    engine = create_engine(given, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            if conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}) is None:
                quote = conn.dialect.identifier_preparer.quote
                conn.execute(text(
                    f"CREATE DATABASE {quote(name)} TEMPLATE template0 ENCODING '{encoding}'"
                    f" LC_COLLATE '{collate}' LC_CTYPE '{ctype}'"))
    finally:
        engine.dispose()
    return given.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_url(worker_id: str) -> str:
    """The PostgreSQL database this test process may reset: the one in COURTDESK_TEST_PG_URL, or
    under pytest-xdist ``<that database>_<worker id>`` (the role needs CREATEDB, as in CI)."""
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.skip(f"PostgreSQL test skipped: {PG_ENV} is not set (CI sets it)")
    return url if worker_id == "master" else _worker_database(url, worker_id)


@pytest.fixture(scope="session")
def worker_id(request: pytest.FixtureRequest) -> str:
    """pytest-xdist's worker id (``gw0``, ``gw1`` …), ``master`` when not distributed — also when
    xdist is not installed or is switched off (``-p no:xdist``)."""
    workerinput = getattr(request.config, "workerinput", None)
    return workerinput["workerid"] if workerinput else "master"


@pytest.fixture
def pg_db(pg_url: str) -> Iterator[Database]:
    """An empty, migrated PostgreSQL database (skipped without COURTDESK_TEST_PG_URL)."""
    url = pg_url
    _reset_pg(url)
    database = open_database(url)
    yield database
    database.dispose()


def _drop_pg_database(conn: Any, quoted: str) -> None:
    """``DROP DATABASE IF EXISTS`` on an AUTOCOMMIT connection. A plain drop first: the server itself
    waits up to 5 s for sessions there to end and stops an autovacuum worker busy in that database,
    while ``WITH (FORCE)`` would have to signal it and, for a role that is not superuser, fails ("must
    be a member of the role whose process is being terminated") — CI saw that once. A session still
    open there after those 5 s (a test's pool not yet collected; this role may end it) makes the plain
    drop fail: then force it at once. (Retrying the plain drop 30 times cost 30 × 5 s: the 154 s
    setups of the first PostgreSQL test after such a test, in every CI run.)"""
    from sqlalchemy import text
    from sqlalchemy.exc import OperationalError, ProgrammingError

    for attempt in range(3):
        try:
            conn.execute(text(f"DROP DATABASE IF EXISTS {quoted}"))
            return
        except OperationalError as error:  # ObjectInUse: "is being accessed by other users"
            if getattr(error.orig, "sqlstate", None) != "55006":
                raise
        try:
            conn.execute(text(f"DROP DATABASE IF EXISTS {quoted} WITH (FORCE)"))
            return
        except ProgrammingError as error:  # 42501: the other backend is the server's own (autovacuum)
            if getattr(error.orig, "sqlstate", None) != "42501" or attempt == 2:
                raise


def _copy_pg_database(url: str, source: str, target: str) -> str:
    """Make database ``target`` on ``url``'s server a fresh copy of ``source`` (``CREATE DATABASE …
    TEMPLATE``: a file copy on the server, far quicker than filling it again); its URL."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    engine = create_engine(make_url(url), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            quote = conn.dialect.identifier_preparer.quote
            _drop_pg_database(conn, quote(target))
            conn.execute(text(f"CREATE DATABASE {quote(target)} TEMPLATE {quote(source)}"))
    finally:
        engine.dispose()
    return make_url(url).set(database=target).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def pg_demo_template(pg_url: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The name of a PostgreSQL database filled once per test run with the demo data (as
    ``template_db`` is for SQLite; the first worker fills it, the others wait and reuse it); each
    ``pg_demo_db`` is a copy of it."""
    from sqlalchemy.engine import make_url

    from tests.support.pgdemo import note

    name = f"{make_url(os.environ[PG_ENV]).database}_demo"
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    asked = time.monotonic()
    with _shared(tmp_path_factory, "demo-postgresql") as folder:
        waited = time.monotonic() - asked
        if not (folder / "done").exists():
            note(folder, f"{worker}: waited {waited:.1f} s for the lock; not filled: filling it")
            url = _copy_pg_database(pg_url, "template0", name)  # empty; open_database migrates it
            filled = open_database(url)
            demo.fill(filled)
            filled.dispose()
            (folder / "done").touch()
            note(folder, f"{worker}: filled")
        else:  # filled by the background filler or another worker
            _unlock_everyone(make_url(pg_url).set(database=name).render_as_string(hide_password=False))
            note(folder, f"{worker}: waited {waited:.1f} s for the lock; reused the filled template")
    return name


@pytest.fixture
def pg_demo_db(pg_url: str, pg_demo_template: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """A demo PostgreSQL database of this test's own (a copy of the demo template; skipped without
    COURTDESK_TEST_PG_URL). The copies are made one at a time: PostgreSQL refuses to copy a template
    another session is copying."""
    from sqlalchemy.engine import make_url

    base = make_url(pg_url).database
    with _shared(tmp_path_factory, "demo-postgresql"):
        url = _copy_pg_database(pg_url, pg_demo_template, f"{base}_t")
    database = open_database(url)
    yield database
    database.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """The same test on a demo SQLite file and on demo PostgreSQL (when configured)."""
    if request.param == "sqlite":
        database = open_database(str(_copy_db(request.getfixturevalue("template_db"), tmp_path)))
        yield database
        database.dispose()
    else:
        yield request.getfixturevalue("pg_demo_db")
