"""首次设置: the wizard a new database shows instead of the login (unless demo data was asked for).

One page per step the areas declare (:func:`courtdesk.kernel.firstrun.steps`), each page the generic
form (:class:`ui.forms.FormDialog`, embedded) of the step's fields. 下一步 checks the page
(:func:`firstrun.check_step`: its fields and its rules, given the pages before) and shows every refusal
under its field. A page's suggestions (seal names from the court's short name) and options (the
administrator's department among the departments just typed) are taken from the pages before it each
time it is shown; a suggestion never replaces what the user typed. 完成 runs :func:`firstrun.set_up`
through the operations runner (off the UI thread: argon2 and the one write); a refusal there goes
back to the page of its field.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QVBoxLayout, QWidget, QWizard, QWizardPage

from courtdesk.kernel import firstrun
from courtdesk.kernel.errors import DomainError, ValidationError
from ui import ops
from ui.forms import FormDialog, _offer
from ui.inputs import LinesInput

WIZARD_SIZE = (980, 700)


class StepForm(FormDialog):
    """The step's fields as a form inside a wizard page: no buttons of its own; Enter and Esc belong
    to the wizard."""

    def __init__(self, step: firstrun.SetupStep, choices: dict[str, list[tuple[Any, str]]]) -> None:
        super().__init__(SimpleNamespace(db=None, user=None), step.title, step.fields, lambda _v: None,
                         intro=step.intro, background=False, choices=choices)
        self.setWindowFlags(Qt.WindowType.Widget)
        self.buttons.hide()
        self.setMinimumWidth(0)

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802 — Qt's name
        QWidget.keyPressEvent(self, event)

    def reject(self) -> None:
        pass  # never closes itself


def _choices_of(step: firstrun.SetupStep, offers: dict[str, list[tuple[Any, str]]]) -> dict[str, list[tuple[Any, str]]]:
    """Every choice field's (and lines column's) options: the step's offers, else the field's own
    options read without a database (``choices(None, None)``)."""
    out = dict(offers)
    for f in step.fields:
        if f.kind == "choice" and f.key not in out:
            out[f.key] = list(f.choices(None, None)) if f.choices is not None else []  # type: ignore[arg-type]
        for c in f.columns:
            key = f"{f.key}.{c.key}"
            if c.kind == "choice" and key not in out:
                out[key] = list(c.choices(None, None)) if c.choices is not None else []  # type: ignore[arg-type]
    return out


class StepPage(QWizardPage):
    def __init__(self, wizard: FirstRunWizard, step: firstrun.SetupStep) -> None:
        super().__init__()
        self.wizard_ = wizard
        self.step = step
        self.setTitle(step.title)
        self.form: StepForm | None = None
        self.suggested: dict[str, Any] = {}
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(0, 0, 0, 0)

    def initializePage(self) -> None:  # noqa: N802 — Qt's name
        earlier = self.wizard_.cleaned_before(self.step)
        offers = dict(self.step.offers(earlier)) if self.step.offers is not None else {}
        if self.form is None:
            self.form = StepForm(self.step, _choices_of(self.step, offers))
            self.box.addWidget(self.form)
        else:
            for key, options in offers.items():
                w = self.form.widget(key) if key in self.form.rows else None
                if isinstance(w, QComboBox):
                    _offer(w, options, self.form.rows[key].field.required)
        if self.step.prefill is not None:
            for key, value in self.step.prefill(earlier).items():
                current = self.form.value(key)
                if not current or current == self.suggested.get(key):  # never over what was typed
                    self.form.set_value(key, value)
                    self.suggested[key] = value

    def cleanupPage(self) -> None:  # noqa: N802 — 上一步 keeps what was typed here
        pass

    def values(self) -> dict[str, Any]:
        if self.form is None:
            return {}
        return self.form.values()

    def validatePage(self) -> bool:  # noqa: N802 — Qt's name
        assert self.form is not None
        if self.wizard_.admin is not None:  # the setup is done: QWizard.accept() asks once more
            return True
        for key, row in self.form.rows.items():
            row.error.clear_message()
            self.form._mark(key, False)
        self.form.error.clear_message()
        try:
            self.wizard_.cleaned[self.step.key] = firstrun.check_step(
                self.step, self.values(), self.wizard_.cleaned_before(self.step))
        except DomainError as exc:
            self.form.show_error(exc)
            return False
        if self.wizard_.is_last(self):
            return self.wizard_.finish_setup()
        return True

    def owns(self, field_name: str | None) -> bool:
        return self.form is not None and any(r.field.names(field_name) for r in self.form.rows.values())


class FirstRunWizard(QWizard):
    """首次设置 for ``db`` (a database nobody can log in to yet). ``admin``: the administrator made,
    once accepted."""

    def __init__(self, db: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.admin: Any = None
        self.busy = False
        self.cleaned: dict[str, dict[str, Any]] = {}
        self.setWindowTitle("CourtDesk 首次设置 — 本院信息、部门、印章与系统管理员")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.BackButton, "上一步")
        self.setButtonText(QWizard.WizardButton.NextButton, "下一步")
        self.setButtonText(QWizard.WizardButton.FinishButton, "完成设置")
        self.setButtonText(QWizard.WizardButton.CancelButton, "退出")
        self.pages: list[StepPage] = []
        for step in firstrun.steps():
            page = StepPage(self, step)
            self.pages.append(page)
            self.addPage(page)
        self.setButtonLayout([QWizard.WizardButton.Stretch, QWizard.WizardButton.BackButton,
                              QWizard.WizardButton.NextButton, QWizard.WizardButton.FinishButton,
                              QWizard.WizardButton.CancelButton])
        from ui import screen

        screen.size_within(self, *WIZARD_SIZE)

    # --- values --------------------------------------------------------------------------------

    def cleaned_before(self, step: firstrun.SetupStep) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for page in self.pages:
            if page.step is step:
                break
            out[page.step.key] = self.cleaned.get(page.step.key, page.values())
        return out

    def raw_values(self) -> dict[str, dict[str, Any]]:
        return {page.step.key: page.values() for page in self.pages}

    def is_last(self, page: StepPage) -> bool:
        return page is self.pages[-1]

    def page_of(self, step_key: str) -> StepPage:
        return next(p for p in self.pages if p.step.key == step_key)

    # --- finishing -----------------------------------------------------------------------------

    def finish_setup(self) -> bool:
        """Start the setup off the UI thread; the wizard closes when it is done (``False``: not yet)."""
        if self.busy:
            return False
        self.busy = True
        self._enable(False)
        values = self.raw_values()
        ops.run_op(self, lambda: firstrun.set_up(self.db, values), self._done, self._refused,
                   busy_text="正在保存本院设置…", status=self._status)
        return False

    def _status(self, text: str) -> None:
        page = self.currentPage()
        if isinstance(page, StepPage) and page.form is not None:
            page.form.show_status(text)

    def _enable(self, enabled: bool) -> None:
        for which in (QWizard.WizardButton.BackButton, QWizard.WizardButton.FinishButton,
                      QWizard.WizardButton.CancelButton):
            self.button(which).setEnabled(enabled)

    def _done(self, admin: Any) -> None:
        self.busy = False
        self.admin = admin
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        self.busy = False
        self._enable(True)
        if not isinstance(exc, DomainError):
            self._current_form().error.show_message(ops.failure_text(exc))
            return
        every = exc.every if isinstance(exc, ValidationError) else (exc,)
        target = next((p for one in every for p in self.pages if p.owns(one.field)), None)
        if target is not None:
            while self.currentPage() is not target and self.currentId() != self.startId():
                self.back()
            if target.form is not None:
                target.form.show_error(exc)
        else:
            self._current_form().error.show_message(str(exc))

    def _current_form(self) -> StepForm:
        page = self.currentPage()
        assert isinstance(page, StepPage) and page.form is not None
        return page.form

    def reject(self) -> None:
        if not self.busy:
            super().reject()


def lines_input(page: StepPage, key: str) -> LinesInput:
    """The table of a lines field (tests)."""
    assert page.form is not None
    w = page.form.widget(key)
    assert isinstance(w, LinesInput)
    return w
