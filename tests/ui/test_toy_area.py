"""An area is pluggable: a toy area defined only under tests/ appears in the navigation, on the
dashboard, in ``render --list``, in the settings and roles, and its demo filler runs — without a
kernel or ui/ file knowing it."""

from __future__ import annotations

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
    assert any(card.accessibleName() == "待印制的部门名片 9" for card in window.dashboard.findChildren(DashboardCard))
    window.open_register("toy_cards")
    idle(qtbot)
    page = window.pages["toy_cards"]
    qtbot.waitUntil(lambda: page.model.rowCount() == 9, timeout=10000)


def test_the_toy_area_is_in_render_list_settings_and_roles(toy: None, db_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["render", "--list", "--db", str(db_path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.startswith("toy_card\t部门名片\t1-9") for line in lines), lines
    assert "toy_card_motto" in {s.key for s in settings.specs()}
    assert TOY_KEEPER in all_roles()
    assert registers.get("toy_cards").area == "名片（测试）"


def test_the_demo_filler_runs_the_toy_area(toy: None, tmp_path: Path) -> None:
    db = open_database(str(tmp_path / "fresh.sqlite3"))
    try:
        demo.fill(db)
        with db.read() as s:
            assert s.scalar(select(Setting.value).where(Setting.key == DEMO_MARK)) == "9"
    finally:
        db.dispose()


def test_without_the_toy_the_application_does_not_know_it(db_path: Path) -> None:
    assert "toy" not in {a.key for a in area.areas()}
    with pytest.raises(KeyError):
        registers.get("toy_cards")
