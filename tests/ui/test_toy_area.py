"""An area is pluggable: a toy area defined only under tests/ appears in the navigation, on the
dashboard, in ``render --list``, in the settings and roles, and its demo filler runs — without a
kernel or ui/ file knowing it.

An area offered by another distribution through the ``courtdesk.areas`` entry point brings its own
table, migrations (written by ``new-migration`` on a branch of its own), workflow and document: it is
migrated, listed, audited (labelled from its declarations) and printed. That area is installed in a
scratch site folder and CourtDesk runs in fresh processes, so this process never maps its table."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from courtdesk import cli
from courtdesk.kernel import area, demo, registers, settings
from courtdesk.kernel.db import open_database
from courtdesk.kernel.models.infra import Setting
from courtdesk.kernel.models.people import all_roles
from tests.support.toy_area import DEMO_MARK, TOY_AREA, TOY_KEEPER
from tests.ui.conftest import idle, login
from ui.dashboard import DashboardCard


def _departments(db: Any) -> int:
    """The demo court's departments (one card each)."""
    from sqlalchemy import func

    from courtdesk.kernel.models.people import Department

    with db.read() as s:
        return int(s.scalar(select(func.count()).select_from(Department)))


@pytest.fixture
def toy() -> Iterator[None]:
    area.install(TOY_AREA)
    yield
    area.uninstall(TOY_AREA.key)


def test_the_toy_area_is_in_the_navigation_and_on_the_dashboard(toy: None, desk: Any, qtbot: Any) -> None:
    window = login(qtbot, desk, "clerk")
    idle(qtbot)
    groups = {window.nav.topLevelItem(i).text(0): window.nav.topLevelItem(i)
              for i in range(window.nav.topLevelItemCount())}
    assert "名片（测试）" in groups
    assert [groups["名片（测试）"].child(i).text(0) for i in range(groups["名片（测试）"].childCount())] == ["部门名片册"]
    qtbot.waitUntil(lambda: window.dashboard.ready, timeout=10000)
    assert "待印制的部门名片" in [card.item.title for card in window.dashboard.cards]
    departments = _departments(desk)
    assert any(card.accessibleName() == f"待印制的部门名片 {departments}"
               for card in window.dashboard.findChildren(DashboardCard))
    window.open_register("toy_cards")
    idle(qtbot)
    page = window.pages["toy_cards"]
    qtbot.waitUntil(lambda: page.model.rowCount() == departments, timeout=10000)


def test_the_toy_area_is_in_render_list_settings_and_roles(toy: None, db_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["render", "--list", "--db", str(db_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    db = open_database(str(db_path))
    try:
        departments = _departments(db)
    finally:
        db.dispose()
    assert any(line.startswith(f"toy_card\t部门名片\t1-{departments}") for line in lines), lines
    assert "toy_card_motto" in {s.key for s in settings.specs()}
    assert TOY_KEEPER in all_roles()
    assert registers.get("toy_cards").area == "名片（测试）"


def test_the_demo_filler_runs_the_toy_area(toy: None, tmp_path: Path) -> None:
    db = open_database(str(tmp_path / "fresh.sqlite3"))
    try:
        demo.fill(db)
        with db.read() as s:
            assert s.scalar(select(Setting.value).where(Setting.key == DEMO_MARK)) == str(_departments(db))
    finally:
        db.dispose()


def test_without_the_toy_the_application_does_not_know_it(db_path: Path) -> None:
    assert "toy" not in {a.key for a in area.areas()}
    with pytest.raises(KeyError):
        registers.get("toy_cards")


# --- an area from another distribution, through the entry point -----------------------------------

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = ROOT / "tests" / "support" / "cardsplugin"


def _site(folder: Path, package: str, source: Path | None, entry_points: dict[str, str]) -> Path:
    """A folder that, on ``PYTHONPATH``, is an installed distribution offering ``entry_points``."""
    if source is not None:
        shutil.copytree(source, folder / package, ignore=shutil.ignore_patterns("__pycache__"))
    info = folder / f"{package}-1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {package}\nVersion: 1.0\n", encoding="utf-8")
    lines = "".join(f"{name} = {target}\n" for name, target in entry_points.items())
    (info / "entry_points.txt").write_text(f"[courtdesk.areas]\n{lines}", encoding="utf-8")
    return folder


def _run(site: Path, *args: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), str(ROOT)]), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)


@pytest.fixture(scope="module")
def plugin(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The cards area installed through its entry point; its first migration written by new-migration,
    a demo database filled, and what a fresh process sees of it."""
    tmp = tmp_path_factory.mktemp("plugin")
    site = _site(tmp / "site", "courtdesk_cards", PLUGIN, {"cards": "courtdesk_cards:AREA"})
    made = _run(site, "-m", "courtdesk", "new-migration", "cards", "business cards")
    assert made.returncode == 0, made.stdout + made.stderr
    (migration,) = (site / "courtdesk_cards" / "migrations").glob("cards_*.py")
    db_path = tmp / "court.sqlite3"
    filled = _run(site, "-m", "courtdesk", "demo-data", "--db", str(db_path))
    assert filled.returncode == 0, filled.stdout + filled.stderr
    walked = _run(site, "-m", "tests.support.plugin_walk", str(db_path), "cards_card")
    assert walked.returncode == 0, walked.stdout + walked.stderr
    return {"site": site, "migration": migration, "db": db_path, "made": made.stdout,
            "seen": json.loads(walked.stdout.strip().splitlines()[-1])}


def test_new_migration_writes_the_plugins_first_migration_on_its_own_branch(plugin: dict[str, Any]) -> None:
    from courtdesk.kernel.db import migrate

    text = plugin["migration"].read_text(encoding="utf-8")
    assert text.count("op.create_table(") == 1 and "op.create_table('cards_card'" in text
    assert "branch_labels = ('cards',)" in text
    kernel_head = migrate.history().branch_heads(migrate.KERNEL)
    assert f"depends_on = {tuple(kernel_head)!r}" in text  # cards builds on system, which has no tables
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    linted = subprocess.run([ruff, "check", "--no-cache", str(plugin["migration"])], cwd=ROOT, capture_output=True,
                            text=True, check=False, timeout=60)
    assert linted.returncode == 0, linted.stdout + linted.stderr


def test_the_plugin_area_is_migrated_listed_audited_and_printed(plugin: dict[str, Any]) -> None:
    seen = plugin["seen"]
    revision = plugin["migration"].stem.split("_business")[0]
    assert revision in seen["heads"] and seen["stamped"] == seen["heads"]  # migrated: its branch applied
    assert seen["branch_heads"] == [revision]
    assert "cards_card" in seen["tables"]
    # listed: in the core's register query and in the administrator's main window
    assert sorted(row["状态"] for row in seen["rows"]) == ["printed", "requested", "voided"]
    assert seen["window"]["groups"]["名片印制"] == ["名片印制登记簿"]
    assert seen["window"]["register_rows"] == 3
    # audited, in the words the area declared
    assert {entry["entity"] for entry in seen["audit"]} == {"名片印制单"}
    assert {entry["action"] for entry in seen["audit"]} == {"新建", "印制", "作废"}
    printed = next(e for e in seen["audit"] if e["action"] == "印制")
    assert ["状态", "待印制", "已印制"] in printed["changes"]
    assert ["印制人", "（空）", "赵敏（1）"] in printed["changes"]  # a foreign key: the person, not an id
    voided = next(e for e in seen["audit"] if e["action"] == "作废")
    assert ["作废原因", "（空）", "重复申请"] in voided["changes"]  # the column's doc
    created = next(e for e in seen["audit"] if e["action"] == "新建")
    labels = [label for entry in seen["audit"] for label, _, _ in entry["changes"]]
    assert not [label for label in labels if label.isascii()], labels  # every field in words
    assert {"记录号", "印制单号", "持卡人", "部门", "盒数", "申请时间", "年度", "年度序号"} <= {c[0] for c in created["changes"]}
    # the workflow steps: the register, the record, the step and the states in words
    step = next(dict((label, after) for label, _, after in changes) for changes in seen["steps"]
                if ("办理步骤", "（空）", "印制") in [tuple(c) for c in changes])
    assert step["登记簿"] == "名片印制登记簿" and "名片第" in step["记录"]
    assert step["办理前状态"] == "待印制" and step["办理后状态"] == "已印制" and step["办理人"] == "赵敏（1）"
    # the audit viewer of the client shows the same words
    shown = seen["window"]["audit_rows"]
    assert {row[2] for row in shown} == {"新建", "印制", "作废"} and {row[3] for row in shown} == {"名片印制单"}
    assert any("状态：待印制 → 已印制" in row[5] for row in shown)
    # printed
    assert "名片印制单" in seen["document"] and "盒" in seen["document"]
    verified = _run(plugin["site"], "-m", "courtdesk", "verify-audit", "--db", str(plugin["db"]))
    assert verified.returncode == 0, verified.stdout + verified.stderr
    listed = _run(plugin["site"], "-m", "courtdesk", "render", "--list", "--db", str(plugin["db"]))
    assert any(line.startswith("cards_card\t名片印制单\t1-3") for line in listed.stdout.splitlines()), listed.stdout


def test_areas_in_a_circle_are_refused_at_discovery(tmp_path: Path) -> None:
    package = tmp_path / "src" / "courtdesk_circle"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(
        "from courtdesk.kernel.area import Area\n"
        "FIRST = Area(key='circle_a', title='甲', depends=('circle_b',))\n"
        "SECOND = Area(key='circle_b', title='乙', depends=('circle_a',))\n", encoding="utf-8")
    site = _site(tmp_path / "src", "courtdesk_circle", None,
                 {"a": "courtdesk_circle:FIRST", "b": "courtdesk_circle:SECOND"})
    result = _run(site, "-m", "courtdesk", "init", "--db", str(tmp_path / "x.sqlite3"))
    assert result.returncode == 2
    assert "依赖成环" in result.stderr and "circle_a" in result.stderr and "Traceback" not in result.stderr
