"""Investigation letters (调查函) and the outgoing-letter register (发函登记簿).

One case × many recipient units → one numbered letter per unit, printed into ONE PDF.

Numbers: ``(2026)执调字第0001号`` — a yearly, gap-free serial of the outgoing-letter register
(``执调`` = 执行调查函). The number heads every page of the letter, so a returned reply form is matched
to its line in the register.

Life of a letter: 已制作待寄出 (issued) → 寄出登记 (send: date, way, postal receipt number; the reply
is due ``letter_reply_days`` days later, 15 by default) → 回复登记 (reply: date and a note of the
answer) — or 作废 with a reason (the number stays in the register). A letter still unanswered after
its due date is overdue and shows on the dashboard of the case's officer and clerk.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import Date, String, and_, case, cast, func, literal, select
from sqlalchemy.orm import Session, aliased

from courtdesk.areas.enforcement.common import (
    VISIBLE_TO,
    case_choices,
    check_case_open,
    dashboard_scope,
    is_bureau_head,
    load_case,
    my_cases,
    require_enforcement,
)
from courtdesk.areas.enforcement.letter_document import (
    MAX_QUESTIONS,
    STANDARD_QUESTIONS,
    InvestigationLetterContent,
    build_investigation_letter,
)
from courtdesk.areas.enforcement.models import (
    REPLY_WAYS,
    SEND_WAYS,
    EnforcementCase,
    EnforcementParty,
    InvestigationLetter,
    RecipientUnit,
)
from courtdesk.areas.enforcement.roles import ENFORCEMENT
from courtdesk.areas.enforcement.units import unit_choices
from courtdesk.kernel import attachments, clock, numbering, rules, settings, validation
from courtdesk.kernel.db.engine import Database
from courtdesk.kernel.errors import NotFound, PermissionDenied, ValidationError
from courtdesk.kernel.forms import FormField, clean
from courtdesk.kernel.models.people import User
from courtdesk.kernel.printing import DocumentKind, fonts_for
from courtdesk.kernel.records import load_or_refuse
from courtdesk.kernel.registers import (
    Column,
    Command,
    CommandResult,
    DashboardItem,
    Filter,
    RegisterDocument,
    RegisterSpec,
    command_output,
    days_between,
    service_act,
)
from courtdesk.kernel.workflow import Transition, Workflow, src

if TYPE_CHECKING:
    from courtdesk.kernel.documents.fonts import FontSet
    from courtdesk.kernel.documents.model import Document
    from courtdesk.kernel.documents.pdf_renderer import Target

REGISTER_KEY = "outgoing_letter"
DOCUMENT_KIND = "investigation_letter"
NUMBER_PATTERN = "({year})执调字第{serial:04d}号"
MAX_BATCH = 5000
CANCEL_REASON = "批量生成调查函时取消了打印，本批调查函未寄出，作废"
Progress = Callable[[int, int], None]


# --- content -------------------------------------------------------------------------------------

def clean_questions(questions: Sequence[str] | str | None) -> tuple[str, ...]:
    """The letter's questions: the four standard ones unless edited; 1–10 questions of ≤ 200 characters."""
    if questions is None:
        return STANDARD_QUESTIONS
    items = questions.split("\n") if isinstance(questions, str) else list(questions)
    out = tuple(str(q).strip() for q in items if q is not None and str(q).strip())
    if not out:
        raise ValidationError("调查问题：至少保留一个问题", field="调查问题")
    if len(out) > MAX_QUESTIONS:
        raise ValidationError(f"调查问题：最多 {MAX_QUESTIONS} 个问题", field="调查问题")
    for i, q in enumerate(out, 1):
        if len(q) > 200:
            raise ValidationError(f"调查问题：第 {i} 个问题不能超过 200 个字", field="调查问题")
        if any(ord(ch) < 32 for ch in q):
            raise ValidationError(f"调查问题：第 {i} 个问题含有不可见的控制字符", field="调查问题")
    return out


def letter_content(letter: InvestigationLetter, values: dict[str, str]) -> InvestigationLetterContent:
    """The printed data of ``letter``: the case, the officer's profile and the settings ``values``."""
    case, target, officer = letter.case, letter.target, letter.officer
    return InvestigationLetterContent(
        court_name=values["court_name"],
        court_short_name=values["court_short_name"],
        letter_number=letter.number,
        case_number=case.number,
        applicants=case.applicant_names,
        respondent=target.name,
        id_label=target.id_label,
        id_number=target.id_number,
        domicile=target.domicile,
        unit_name=letter.unit_name,
        questions=tuple(letter.question_list),
        letter_date=letter.letter_date,
        officer_name=officer.name,
        officer_wechat=officer.wechat or "",
        officer_phone=officer.phone or values["phone"],
        court_address=values["address"],
        postcode=values["postcode"],
        date_style=values["document_date_style"],
    )


def build_letter(session: Session, letter_id: int) -> Document:
    letter = _load(session, letter_id)
    return build_investigation_letter(letter_content(letter, settings.get_all(session)))


LETTER_DOCUMENT = DocumentKind(
    DOCUMENT_KIND, "调查函（存根、正文、复函）",
    ids=lambda: select(InvestigationLetter.id).where(InvestigationLetter.status != "voided"),
    build=build_letter,
    missing="该调查函已作废，不能再预览和打印",
)


# --- making letters ------------------------------------------------------------------------------

def _load(session: Session, letter_id: Any) -> InvestigationLetter:
    return load_or_refuse(session, InvestigationLetter, letter_id, "调查函", "该调查函不存在")


def _target(case: EnforcementCase, target_id: int | None) -> EnforcementParty:
    respondents = case.respondents
    if target_id in (None, ""):
        if not respondents:
            raise ValidationError("调查对象：本案没有登记被执行人", field="调查对象")
        return respondents[0]
    for party in respondents:
        if party.id == int(target_id):  # type: ignore[arg-type]
            return party
    raise ValidationError("调查对象：应为本案的被执行人", field="调查对象")


def _units(session: Session, unit_ids: Sequence[int]) -> list[RecipientUnit]:
    ids = [int(i) for i in unit_ids]
    if not ids:
        raise ValidationError("发往单位：至少选择一个单位", field="发往单位")
    if len(ids) > MAX_BATCH:
        raise ValidationError(f"发往单位：一次最多发函 {MAX_BATCH} 份", field="发往单位")
    if len(set(ids)) != len(ids):
        raise ValidationError("发往单位：同一单位选了两次，一个单位只发一份", field="发往单位")
    units = {u.id: u for u in session.scalars(select(RecipientUnit).where(RecipientUnit.id.in_(ids)))}
    for i in ids:
        unit = units.get(i)
        if unit is None:
            raise ValidationError("发往单位：所选单位不在名录中", field="发往单位")
        if not unit.active:
            raise ValidationError(f"发往单位：「{unit.name}」已停用", field="发往单位")
    return [units[i] for i in ids]


def create_letters_in(
    session: Session,
    actor: User,
    case_id: int,
    unit_ids: Sequence[int],
    *,
    target_id: int | None = None,
    questions: Sequence[str] | str | None = None,
    letter_date: dt.date | str | None = None,
) -> list[InvestigationLetter]:
    """Number and register one letter per unit inside the caller's unit of work."""
    require_enforcement(actor, "制作调查函")
    case = load_case(session, case_id)
    check_case_open(case, "发调查函")
    target = _target(case, target_id)
    asked = clean_questions(questions)
    day = validation.date_value(letter_date if letter_date not in (None, "") else clock.today(), "发函日期")
    assert day is not None
    validation.not_future(day, "发函日期")
    if day < case.filed_on:
        raise ValidationError(f"发函日期：不能早于立案日期（{case.filed_on:%Y-%m-%d}）", field="发函日期")
    units = _units(session, unit_ids)
    officer = case.officer
    values = settings.get_all(session)
    batch = uuid.uuid4().hex
    year = day.year
    letters: list[InvestigationLetter] = []
    for unit in units:
        letter = InvestigationLetter(
            status=LETTER_WORKFLOW.initial, case_id=case.id, target_id=target.id, unit_id=unit.id,
            unit_name=unit.name, questions="\n".join(asked), letter_date=day, officer_id=officer.id,
            batch=batch, created_by_id=actor.id,
        )
        numbering.assign(session, letter, register=REGISTER_KEY, pattern=NUMBER_PATTERN, year=year)
        letters.append(letter)
    session.add_all(letters)
    session.flush()
    # Build the first letter now: a blank the court must fill (settings, the officer's phone) refuses
    # the whole batch before any number is used.
    build_investigation_letter(letter_content(letters[0], values))
    return letters


def _documents(db: Database, letter_ids: Sequence[int], chunk: int = 200) -> Iterator[Document]:
    """The letters' documents, read ``chunk`` letters at a time (memory stays flat)."""
    with db.read() as s:
        values = settings.get_all(s)
    for start in range(0, len(letter_ids), chunk):
        part = list(letter_ids[start:start + chunk])
        with db.read() as s:
            found = {x.id: x for x in s.scalars(select(InvestigationLetter)
                                                .where(InvestigationLetter.id.in_(part))).unique()}
            contents = []
            for letter_id in part:
                if letter_id not in found:
                    raise NotFound(f"调查函：编号为 {letter_id} 的记录不存在", field="调查函")
                contents.append(letter_content(found[letter_id], values))
        for content in contents:
            yield build_investigation_letter(content)


@dataclass(frozen=True)
class BatchOutcome:
    letter_ids: tuple[int, ...]
    numbers: tuple[str, ...]
    pages: int
    cancelled: bool
    #: Wall-clock seconds spent registering the letters and writing the PDF.
    seconds_register: float
    seconds_pdf: float


def print_letters(
    db: Database,
    letter_ids: Sequence[int],
    out: Target,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    fonts: FontSet | None = None,
) -> tuple[int, bool]:
    """Write the letters into one PDF (streamed). Returns (pages, cancelled); a cancelled path
    target is removed. Reprints need no write access."""
    ids = list(letter_ids)
    if fonts is None:
        with db.read() as s:
            fonts = fonts_for(s)
    total = len(ids)
    from courtdesk.kernel.documents.pdf_renderer import write_batch

    result = write_batch(
        _documents(db, ids), out, title="调查函",
        progress=(lambda done, _total: progress(done, total)) if progress else None,
        total=total, cancel=cancel, fonts=fonts,
    )
    return result.pages, result.cancelled


def generate_batch(
    db: Database,
    actor: User,
    case_id: int,
    unit_ids: Sequence[int],
    out: Target,
    *,
    target_id: int | None = None,
    questions: Sequence[str] | str | None = None,
    letter_date: dt.date | str | None = None,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
    fonts: FontSet | None = None,
) -> BatchOutcome:
    """One case × many units: register one numbered letter per unit, then print them all into ONE PDF.

    ``progress(done, total)`` is called after each letter is written; setting ``cancel`` stops the
    printing, removes the half-written file and voids the letters of this batch (their numbers stay
    in the register with the reason). Runs on the caller's thread — the Qt worker wraps it.
    """
    if cancel is not None and cancel.is_set():
        return BatchOutcome((), (), 0, True, 0.0, 0.0)
    started = time.perf_counter()
    with db.write(actor) as s:
        letters = create_letters_in(s, actor, case_id, unit_ids, target_id=target_id, questions=questions,
                                    letter_date=letter_date)
        ids = tuple(x.id for x in letters)
        numbers = tuple(x.number for x in letters)
        if fonts is None:
            fonts = fonts_for(s)
    registered = time.perf_counter()
    pages, cancelled = print_letters(db, ids, out, progress=progress, cancel=cancel, fonts=fonts)
    printed = time.perf_counter()
    if cancelled:
        LetterService(db).void_unsent(actor, ids, CANCEL_REASON)
    return BatchOutcome(ids, numbers, pages, cancelled, registered - started, printed - registered)


# --- the 批量制作调查函 command of the case register --------------------------------------------------

BATCH_RULE = "每个发往单位一份调查函（存根、正文、复函各一页），连续编号，合成一个 PDF"


def batch_fields(session: Session, actor: User, case_ids: list[int]) -> tuple[FormField, ...]:
    """The form of 批量制作调查函 for the selected case: its respondents, the unit list, the four
    standard questions (editable) and the date."""
    case = load_case(session, case_ids[0])
    check_case_open(case, "发调查函")
    targets = [(p.id, f"{p.name}（{p.id_label}：{p.id_number or '未登记'}）") for p in case.respondents]
    if not targets:
        raise ValidationError(f"调查对象：{case.number} 没有登记被执行人，请先新增当事人", field="调查对象")
    return (
        FormField("target_id", "调查对象", "choice", choices=lambda s, a: targets, default=targets[0][0],
                  help="本案的被执行人；每份调查函询问其一人"),
        FormField("unit_ids", "发往单位", "multichoice", choices=unit_choices, maximum=MAX_BATCH,
                  help="可先在筛选框输入「银行」「派出所」等，再点「全选」勾选显示的单位；单位在「调查函发往单位名录」中维护"),
        FormField("questions", "调查问题", "multiline", max_len=MAX_QUESTIONS * 201,
                  default="\n".join(STANDARD_QUESTIONS), help=f"每行一个问题，最多 {MAX_QUESTIONS} 个；可修改"),
        FormField("letter_date", "发函日期", "date", default=clock.today()),
    )


def _batch_intro(session: Session, actor: User, case_ids: list[int]) -> str:
    case = load_case(session, case_ids[0])
    return (f"为 {case.number}（{case.applicant_names} 与 {case.respondent_names}）制作调查函：{BATCH_RULE}。"
            "制作后在发函登记簿中登记寄出和回复。")


def _batch_stem(case_number: str) -> str:
    return f"{case_number}_调查函_{clock.today():%Y%m%d}"


def _batch_file_name(session: Session, actor: User, case_ids: list[int]) -> str:
    """The name the save dialog suggests for the batch's PDF (asked before the letters are made)."""
    return f"{_batch_stem(load_case(session, case_ids[0]).number)}.pdf"


def _batch_run(db: Database, actor: User, case_ids: list[int], data: dict[str, Any],
               progress: Progress | None, cancel: threading.Event | None) -> CommandResult:
    case_id = case_ids[0]
    with db.read() as s:
        case_number = load_case(s, case_id).number
    out = command_output(_batch_stem(case_number), ".pdf", data)
    if progress is not None:
        progress(0, len(data.get("unit_ids") or []))  # numbering and registering come first
    outcome = generate_batch(
        db, actor, case_id, data.get("unit_ids") or [], out, target_id=data.get("target_id"),
        questions=data.get("questions"), letter_date=data.get("letter_date"), progress=progress, cancel=cancel,
    )
    if outcome.cancelled:
        if not outcome.letter_ids:
            return CommandResult("已取消，未制作调查函")
        return CommandResult(f"已取消打印，未生成文件；本批已编号的 {len(outcome.letter_ids)} 份调查函已作废"
                             f"（{outcome.numbers[0]} 至 {outcome.numbers[-1]}，编号保留在发函登记簿中）",
                             record_ids=outcome.letter_ids)
    span = outcome.numbers[0] if len(outcome.numbers) == 1 else f"{outcome.numbers[0]} 至 {outcome.numbers[-1]}"
    return CommandResult(f"已制作调查函 {len(outcome.letter_ids)} 份（{span}），共 {outcome.pages} 页：{out}",
                         pdf_path=out, record_ids=outcome.letter_ids)


LETTER_BATCH = Command(
    key="letter_batch",
    label="批量制作调查函",
    may=lambda actor: actor.has(ENFORCEMENT),
    who="执行干警",
    selection="one",
    fields=batch_fields,
    run=_batch_run,
    long=True,
    intro=_batch_intro,
    ok_text="制作并预览",
    help="为选中的案件向多个单位发调查函：连续编号，合成一个 PDF",
    output=_batch_file_name,
)


# --- workflow ------------------------------------------------------------------------------------

_RECEIPT = re.compile(r"[A-Za-z0-9\-]{6,40}")


#: 执行干警 (a Rule, so the steps' records can be listed in SQL: 批量登记寄出 fits only those).
_enforcement = rules.holding(lambda: _base(), ENFORCEMENT, name="enforcement")


SEND_FIELDS: tuple[FormField, ...] = (
    FormField("sent_on", "寄出日期", "date"),
    FormField("sent_via", "发送方式", "choice", choices=lambda s, a: list(SEND_WAYS.items()), default="post"),
    FormField("postal_receipt", "邮寄单号", "text", required=False, max_len=40,
              help="邮寄时必填（挂号信或 EMS 单号），回单联粘贴在存根上"),
)
REPLY_SCAN = "复函扫描件"
REPLY_FIELDS: tuple[FormField, ...] = (
    FormField("replied_on", "回复日期", "date"),
    FormField("reply_via", "回复方式", "choice", choices=lambda s, a: list(REPLY_WAYS.items()), default="post"),
    FormField("reply_note", "回复内容摘要", "multiline", max_len=1000,
              help="如：被执行人不在此居住；无工作单位；名下无房产"),
    FormField("reply_scan", REPLY_SCAN, "file", required=False, purpose=REPLY_SCAN,
              help="协助单位盖章的复函原件扫描后附上（PDF、JPG、PNG、TIFF），随登记簿留底"),
)


def _send_guard(session: Session, actor: User, letter: InvestigationLetter, values: dict[str, Any]) -> None:
    if values["sent_via"] not in SEND_WAYS:
        raise ValidationError("发送方式：应为 " + "、".join(SEND_WAYS.values()), field="发送方式")
    sent_on: dt.date = values["sent_on"]
    validation.not_future(sent_on, "寄出日期")
    if sent_on < letter.letter_date:
        raise ValidationError(f"寄出日期：不能早于发函日期（{letter.letter_date:%Y-%m-%d}）", field="寄出日期")
    receipt = values["postal_receipt"]
    if values["sent_via"] == "post":
        if not receipt:
            raise ValidationError("邮寄单号：邮寄的调查函须登记邮寄单号", field="邮寄单号")
        if not _RECEIPT.fullmatch(receipt):
            raise ValidationError("邮寄单号：只能由 6–40 位字母、数字组成", field="邮寄单号")


def _send_effect(session: Session, actor: User, letter: InvestigationLetter, values: dict[str, Any]) -> None:
    letter.sent_on = values["sent_on"]
    letter.sent_via = values["sent_via"]
    letter.postal_receipt = values["postal_receipt"]
    letter.reply_due = values["sent_on"] + dt.timedelta(days=settings.get_int(session, "letter_reply_days"))


def _reply_guard(session: Session, actor: User, letter: InvestigationLetter, values: dict[str, Any]) -> None:
    if values["reply_via"] not in REPLY_WAYS:
        raise ValidationError("回复方式：应为 " + "、".join(REPLY_WAYS.values()), field="回复方式")
    replied_on: dt.date = values["replied_on"]
    validation.not_future(replied_on, "回复日期")
    assert letter.sent_on is not None
    if replied_on < letter.sent_on:
        raise ValidationError(f"回复日期：不能早于寄出日期（{letter.sent_on:%Y-%m-%d}）", field="回复日期")


def _reply_effect(session: Session, actor: User, letter: InvestigationLetter, values: dict[str, Any]) -> None:
    letter.replied_on = values["replied_on"]
    letter.reply_via = values["reply_via"]
    letter.reply_note = values["reply_note"]
    if values.get("reply_scan"):
        filename, data = values["reply_scan"]
        attachments.add(session, actor, REGISTER_KEY, letter.id, filename, data, REPLY_SCAN)


def _void_effect(session: Session, actor: User, letter: InvestigationLetter, params: dict[str, Any]) -> None:
    letter.void_reason = params["comment"]


def _send_fields(session: Session, actor: User, letter_ids: list[int]) -> tuple[FormField, ...]:
    """批量登记寄出: one date and way for the selected letters, and each letter's 邮寄单号."""
    letters = [_load(session, i) for i in letter_ids]
    done = [f"{x.number}（{LETTER_WORKFLOW.label(x.status)}）" for x in letters if x.status != "issued"]
    if done:
        raise ValidationError("所选调查函：只有「已制作待寄出」的调查函可以登记寄出，以下不可："
                              + "、".join(done[:5]) + (f" 等 {len(done)} 份" if len(done) > 5 else ""),
                              field="所选调查函")
    return (
        FormField("sent_on", "寄出日期", "date", default=clock.today()),
        FormField("sent_via", "发送方式", "choice", choices=lambda s, a: list(SEND_WAYS.items()), default="post"),
        *(FormField(f"receipt_{x.id}", f"{x.number} {x.unit_name}", "text", required=False, max_len=40,
                    help="邮寄单号（邮寄时必填）") for x in letters),
    )


def _send_run(db: Database, actor: User, letter_ids: list[int], data: dict[str, Any],
              progress: Any = None, cancel: Any = None) -> CommandResult:
    receipts = {i: str(data.get(f"receipt_{i}") or "").strip() for i in letter_ids}
    count = LetterService(db).record_sent(actor, letter_ids, sent_on=data.get("sent_on") or None,
                                          sent_via=str(data.get("sent_via") or "post"), receipts=receipts)
    return CommandResult(f"已登记寄出调查函 {count} 份", record_ids=tuple(letter_ids))


BATCH_SEND = Command(
    key="batch_send",
    label="批量登记寄出",
    may=lambda actor: actor.has(ENFORCEMENT),
    who="执行干警",
    selection="many",
    fields=_send_fields,
    run=_send_run,
    ok_text="登记寄出",
    applies=lambda actor: LETTER_WORKFLOW.available_where("send")(actor),
    help="选中多份「已制作待寄出」的调查函，一次登记寄出日期、发送方式和各自的邮寄单号",
)


LETTER_WORKFLOW: Workflow = Workflow(
    entity=REGISTER_KEY,
    states={"issued": "已制作待寄出", "sent": "已寄出待回复", "replied": "已回复", "voided": "已作废"},
    initial="issued",
    transitions=(
        Transition("send", "寄出登记", src("issued"), "sent", _enforcement, "执行干警",
                   guard=_send_guard, effect=_send_effect, fields=SEND_FIELDS,
                   defaults=lambda: {"sent_on": clock.today()}),
        Transition("reply", "回复登记", src("sent"), "replied", _enforcement, "执行干警",
                   guard=_reply_guard, effect=_reply_effect, fields=REPLY_FIELDS,
                   defaults=lambda: {"replied_on": clock.today()}),
        Transition("void", "作废", src("issued", "sent"), "voided", _enforcement, "执行干警",
                   effect=_void_effect, comment_required=True),
    ),
)


class LetterService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def create(self, actor: User, case_id: int, unit_ids: Sequence[int], *, target_id: int | None = None,
               questions: Sequence[str] | str | None = None,
               letter_date: dt.date | str | None = None) -> list[InvestigationLetter]:
        """Register the letters without printing (print them with :func:`print_letters`)."""
        with self.db.write(actor) as s:
            return create_letters_in(s, actor, case_id, unit_ids, target_id=target_id, questions=questions,
                                     letter_date=letter_date)

    def create_one(self, actor: User, data: dict[str, Any]) -> InvestigationLetter:
        """The register's 新建: one letter to one unit (the batch screen makes many at once)."""
        fields = clean(ONE_LETTER_FIELDS, data)
        return self.create(actor, fields["case_id"], [fields["unit_id"]], letter_date=fields["letter_date"],
                           questions=data.get("questions"))[0]

    def act(self, actor: User, letter_id: int, action: str, comment: str = "", **params: Any) -> InvestigationLetter:
        with self.db.write(actor) as s:
            letter = _load(s, letter_id)
            LETTER_WORKFLOW.fire(s, actor, letter, action, comment, **params)
            return letter

    def record_sent(self, actor: User, letter_ids: Sequence[int], *, sent_on: dt.date | str | None = None,
                    sent_via: str = "post", receipts: dict[int, str] | None = None) -> int:
        """寄出登记 for several letters at once (all or none); ``receipts`` maps letter id → 邮寄单号."""
        receipts = receipts or {}
        with self.db.write(actor) as s:
            for letter_id in letter_ids:
                letter = _load(s, letter_id)
                try:
                    LETTER_WORKFLOW.fire(s, actor, letter, "send", sent_on=sent_on or clock.today(),
                                         sent_via=sent_via, postal_receipt=receipts.get(letter_id, ""))
                except ValidationError as exc:
                    raise ValidationError(f"{letter.number}（{letter.unit_name}）— {exc.message}",
                                          field=exc.field, rule=exc.rule) from None
            return len(letter_ids)

    def update_questions(self, actor: User, letter_id: int, questions: Sequence[str] | str) -> InvestigationLetter:
        require_enforcement(actor, "修改调查问题")
        asked = clean_questions(questions)
        with self.db.write(actor) as s:
            letter = _load(s, letter_id)
            if letter.status != "issued":
                raise PermissionDenied(
                    f"调查问题：{letter.number} 已{LETTER_WORKFLOW.label(letter.status)}，不能再改问题", field="调查问题")
            letter.questions = "\n".join(asked)
            return letter

    def void_unsent(self, actor: User, letter_ids: Sequence[int], reason: str) -> int:
        with self.db.write(actor) as s:
            count = 0
            for letter_id in letter_ids:
                letter = _load(s, letter_id)
                if letter.status == "issued":
                    LETTER_WORKFLOW.fire(s, actor, letter, "void", reason)
                    count += 1
            return count

    @staticmethod
    def get(session: Session, letter_id: int) -> InvestigationLetter:
        return _load(session, letter_id)


ONE_LETTER_FIELDS: tuple[FormField, ...] = (
    FormField("case_id", "执行案件", "choice", choices=case_choices),
    FormField("unit_id", "发往单位", "choice", choices=unit_choices),
    FormField("letter_date", "发函日期", "date", required=False),
)


# --- register ------------------------------------------------------------------------------------

_Officer = aliased(User)


def _base() -> Any:
    return (
        select(InvestigationLetter.id)
        .select_from(InvestigationLetter)
        .join(EnforcementCase, EnforcementCase.id == InvestigationLetter.case_id)
        .join(EnforcementParty, EnforcementParty.id == InvestigationLetter.target_id)
        .join(_Officer, _Officer.id == InvestigationLetter.officer_id)
    )


#: 状态 as read today: a letter past its reply deadline says so, with the days, on its own row.
AWAITING = "待回复"
OVERDUE = "逾期未复"


def live_status(today: dt.date) -> Any:
    """已制作待寄出 / 待回复 / 逾期未复（N 天） / 已回复 / 已作废 as of ``today``."""
    late = days_between(InvestigationLetter.reply_due, literal(today, Date()))
    return case(
        (InvestigationLetter.status == "issued", "已制作待寄出"),
        (InvestigationLetter.status == "replied", "已回复"),
        (InvestigationLetter.status == "voided", "已作废"),
        (and_(InvestigationLetter.status == "sent", InvestigationLetter.reply_due < today),
         literal(f"{OVERDUE}（") + cast(late, String) + literal(" 天）")),
        else_=AWAITING,
    )


def status_tone(text: str) -> str | None:
    """Every 「逾期未复（N 天）」 row is an overdue one, whatever N."""
    return "overdue" if text.startswith(OVERDUE) else None


def overdue_clause() -> Any:
    return and_(InvestigationLetter.status == "sent", InvestigationLetter.reply_due < clock.today())


def _awaiting() -> Any:
    return and_(InvestigationLetter.status == "sent", InvestigationLetter.reply_due >= clock.today())


def _count(session: Session, where: Any) -> int:
    stmt = select(func.count()).select_from(InvestigationLetter).join(
        EnforcementCase, EnforcementCase.id == InvestigationLetter.case_id).where(where)
    return int(session.scalar(stmt) or 0)


def _dashboard(session: Session, actor: User) -> list[DashboardItem]:
    if not actor.has(ENFORCEMENT):
        return []
    scope = dashboard_scope(actor)
    prefix = "" if is_bureau_head(actor) else "my_"
    return [
        DashboardItem("逾期未复的调查函", _count(session, and_(overdue_clause(), scope)), REGISTER_KEY,
                      f"{prefix}overdue", True),
        DashboardItem("已制作待寄出的调查函", _count(session, and_(InvestigationLetter.status == "issued", scope)),
                      REGISTER_KEY, f"{prefix}to_send", False),
    ]


LETTER_REGISTER = RegisterSpec(
    key=REGISTER_KEY,
    title="发函登记簿",
    model=InvestigationLetter,
    columns=(
        # What the officer chases first stays on screen at 1366 px: which letter, to whom, by when, and
        # where it stands today.
        Column("number", "发函编号", InvestigationLetter.number, 16),
        Column("case", "案号", EnforcementCase.number, 16),
        Column("target", "调查对象", EnforcementParty.name, 10),
        Column("unit", "发往单位", InvestigationLetter.unit_name, 18),
        Column("reply_due", "回复期限", InvestigationLetter.reply_due, 10, "date"),
        Column("status", "状态", InvestigationLetter.status, 12, "status", live=live_status, tone=status_tone),
        Column("letter_date", "发函日期", InvestigationLetter.letter_date, 10, "date"),
        Column("officer", "承办人", _Officer.name, 8),
        Column("sent_on", "寄出日期", InvestigationLetter.sent_on, 10, "date"),
        Column("postal_receipt", "邮寄单号", InvestigationLetter.postal_receipt, 14),
        Column("replied_on", "回复日期", InvestigationLetter.replied_on, 10, "date"),
        Column("reply_note", "回复情况", InvestigationLetter.reply_note, 20),
        Column("void_reason", "作废原因", InvestigationLetter.void_reason, 14),  # 已作废 says why
    ),
    base=_base,
    search=(InvestigationLetter.number, EnforcementCase.number, EnforcementParty.name,
            InvestigationLetter.unit_name, InvestigationLetter.postal_receipt, InvestigationLetter.reply_note,
            _Officer.name),
    date_expr=InvestigationLetter.letter_date,
    default_sort=("id", True),
    live_status="status",
    commands=(BATCH_SEND,),
    workflow=LETTER_WORKFLOW,
    filters=(
        Filter("mine", "我承办案件的", my_cases),
        Filter("to_send", "待寄出", lambda a: InvestigationLetter.status == "issued"),
        Filter("awaiting", "待回复（未逾期）", lambda a: _awaiting()),
        Filter("overdue", "逾期未复", lambda a: overdue_clause()),
        Filter("replied", "已回复", lambda a: InvestigationLetter.status == "replied"),
        Filter("voided", "已作废", lambda a: InvestigationLetter.status == "voided"),
        Filter("my_to_send", "我的待寄出", lambda a: and_(InvestigationLetter.status == "issued", my_cases(a))),
        Filter("my_overdue", "我的逾期未复", lambda a: and_(overdue_clause(), my_cases(a))),
    ),
    visible_to=VISIBLE_TO,
    form=ONE_LETTER_FIELDS,
    create=lambda db, actor, data: LetterService(db).create_one(actor, data),
    create_label="制作调查函",
    may_create=lambda a: a.has(ENFORCEMENT),
    create_who="执行干警",
    dashboard=_dashboard,
    documents=(RegisterDocument(DOCUMENT_KIND),),
    act=service_act(LetterService),
)
