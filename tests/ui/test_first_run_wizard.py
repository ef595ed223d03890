"""首次设置 through the real wizard on a fresh SQLite file (no demo): the court types its own name,
address and 代字; afterwards no demo person exists, the administrator logs in and must choose a
password, and the first 介绍信 and 调查函 print the court's own values, none of the demo court's."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QWizard
from sqlalchemy import select

from courtdesk.areas.system.demo import USERS
from courtdesk.kernel import firstrun
from courtdesk.kernel.db import open_database
from courtdesk.kernel.models.people import User
from tests.support.court_setup import ADMIN, COURT, DEMO_VALUES, SEALS, first_documents
from tests.ui.conftest import login_dialog, wait_ops
from ui.firstrun import FirstRunWizard, StepPage, lines_input

pytestmark = pytest.mark.ui
SHOTS = os.environ.get("COURTDESK_WIZARD_SHOTS")  # a folder: each page grabbed as PNG, to look at


def _type(qtbot, page: StepPage, key: str, text: str) -> None:
    assert page.form is not None
    editor = page.form.widget(key)
    assert isinstance(editor, QLineEdit)
    editor.clear()
    if text.isascii():
        qtbot.keyClicks(editor, text)
    else:  # QTest types ASCII only: Chinese comes as an input method commits it, into the cursor
        editor.setFocus()
        editor.insert(text)


def _next(qtbot, wizard: FirstRunWizard) -> None:
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)


def _shot(wizard: FirstRunWizard, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        wizard.grab().save(str(Path(SHOTS) / f"{name}.png"))


@pytest.fixture
def fresh(tmp_path):
    db = open_database(str(tmp_path / "court.sqlite3"))
    yield db
    db.dispose()


def test_a_court_set_up_through_the_wizard_prints_its_own_documents(qtbot, fresh, tmp_path):
    assert firstrun.needs_setup(fresh)
    wizard = FirstRunWizard(fresh)
    qtbot.addWidget(wizard)
    wizard.resize(1366 - 40, 768 - 80)
    wizard.show()
    court = wizard.currentPage()
    assert isinstance(court, StepPage) and court.step.key == "court"
    assert all(court.form.value(key) == "" for key in COURT)  # nothing of the demo court is offered

    # a wrong postcode: refused at its field, the page stays
    for key, value in {**COURT, "postcode": "0300"}.items():
        _type(qtbot, court, key, value)
    _next(qtbot, wizard)
    assert wizard.currentPage() is court
    assert court.form.field_error("postcode") == "邮政编码：应为 6 位数字"
    _shot(wizard, "1-court-refused")
    _type(qtbot, court, "postcode", COURT["postcode"])
    _next(qtbot, wizard)

    departments = wizard.currentPage()
    assert departments.step.key == "departments"
    rows = lines_input(departments, "departments").value()
    assert {"name": "办公室", "kind": "office"} in rows and {"name": "政治处", "kind": "political"} in rows
    _shot(wizard, "2-departments")
    _next(qtbot, wizard)

    admin = wizard.currentPage()
    assert admin.step.key == "admin"
    for key in ("name", "username", "password", "password_again"):
        _type(qtbot, admin, key, ADMIN[key])
    combo = admin.form.widget("department")
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(combo.findData(ADMIN["department"]))  # offered from the departments page
    _shot(wizard, "3-admin")
    _next(qtbot, wizard)

    seals = wizard.currentPage()
    assert seals.step.key == "seals"
    # suggested from the court's short name, editable
    assert seals.form.value("court_seal") == COURT["court_short_name"]
    assert seals.form.value("party_seal") == f"中共{COURT['court_short_name']}党组"
    for key, value in SEALS.items():
        if "seal" not in key:
            _type(qtbot, seals, key, value)
    _shot(wizard, "4-seals")
    _next(qtbot, wizard)

    bureau = wizard.currentPage()
    assert bureau.step.key == "enforcement"
    assert bureau.form.value("enforcement_bureau") == f"{COURT['court_short_name']}执行局"
    _shot(wizard, "5-enforcement")
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.FinishButton), Qt.MouseButton.LeftButton)
    wait_ops(qtbot)  # the setup runs off the UI thread
    assert wizard.admin is not None and wizard.result() == QWizard.DialogCode.Accepted
    assert wizard.admin.username == ADMIN["username"]

    with fresh.read() as s:
        logins = set(s.scalars(select(User.username)))
    assert logins == {ADMIN["username"], SEALS["office_head_username"], SEALS["political_username"]}
    assert not logins & {u.key for u in USERS}  # no demo person

    dialog = login_dialog(qtbot, fresh, ADMIN["username"], ADMIN["password"])
    assert dialog.user is not None and dialog.user.must_change_password

    intro, investigation = first_documents(fresh, ADMIN["username"], ADMIN["password"], tmp_path)
    assert COURT["court_name"] in intro
    assert COURT["court_name"] in investigation and COURT["court_short_name"] + "：" in investigation
    assert f"地址：{COURT['address']}邮编：{COURT['postcode']}" in investigation
    assert COURT["court_code"] + "执1号" in investigation
    for demo_value in DEMO_VALUES:
        assert demo_value not in intro, demo_value
        assert demo_value not in investigation, demo_value


def test_a_refusal_of_the_whole_setup_goes_back_to_the_page_of_its_field(qtbot, fresh):
    """A rule over two pages (the same login name for the administrator and a keeper) is found when
    the keeper's page is checked; nothing is written."""
    wizard = FirstRunWizard(fresh)
    qtbot.addWidget(wizard)
    wizard.show()
    for key, value in COURT.items():
        _type(qtbot, wizard.currentPage(), key, value)
    _next(qtbot, wizard)
    _next(qtbot, wizard)
    admin = wizard.currentPage()
    for key in ("name", "username", "password", "password_again"):
        _type(qtbot, admin, key, ADMIN[key])
    admin.form.set_value("department", ADMIN["department"])
    _next(qtbot, wizard)
    seals = wizard.currentPage()
    for key, value in {**SEALS, "political_username": ADMIN["username"].upper()}.items():
        if "seal" not in key:
            _type(qtbot, seals, key, value)
    _next(qtbot, wizard)
    assert wizard.currentPage() is seals
    assert "与管理员用户名相同" in seals.form.field_error("political_username")
    assert firstrun.needs_setup(fresh)


def test_a_new_database_opened_without_demo_asks_for_the_setup_first(qtbot, tmp_path, qapp):
    from ui.app import CoreLoader, Shell, parse_args

    assert parse_args(["--demo"]).demo and not parse_args([]).demo
    loader = CoreLoader(str(tmp_path / "new.sqlite3")).start()
    loader.wait(qapp)
    assert loader.error is None and loader.needs_setup and not loader.demo_filled
    shell = Shell(qapp, loader)
    shell.db = loader.db
    shell.show_login()
    qtbot.addWidget(shell.login)
    shell.set_up()
    qtbot.addWidget(shell.dialog)
    assert isinstance(shell.dialog, FirstRunWizard) and shell.dialog.isVisible()
    assert not shell.login.isVisible()
    shell.dialog.admin = type("Admin", (), {"name": "钱多", "username": "qianduo"})()
    shell._set_up_done()  # what the wizard's accepted signal runs
    assert shell.login.isVisible() and shell.login.username.text() == "qianduo"
    loader.db.dispose()
