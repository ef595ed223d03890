"""Enforcement documents (执行文书) — SPEC §5.

The area declares its registers (执行案件, 发函登记簿, 查封、扣押、冻结登记簿,
查封措施告知笔录, 调查函发往单位名录) with their commands (批量制作调查函, 新增当事人, 生成告知笔录,
载入参考名录 …), workflows and document kinds (``investigation_letter``, ``seizure_transcript``).

Modules: :mod:`.rules` (case numbers, identity numbers, legal seizure terms), :mod:`.cases`,
:mod:`.units` (recipient units), :mod:`.letters` (investigation letters, batch printing),
:mod:`.seizures` (seizure register, expiry radar, notification transcript), :mod:`.demo`.
"""

from courtdesk.areas.enforcement import rules
from courtdesk.areas.enforcement.cases import CASE_REGISTER, CASE_WORKFLOW, CaseService
from courtdesk.areas.enforcement.demo import bulk_letters, bulk_seizures, demo_enforcement
from courtdesk.areas.enforcement.letters import (
    LETTER_DOCUMENT,
    LETTER_REGISTER,
    LETTER_WORKFLOW,
    NUMBER_PATTERN,
    BatchOutcome,
    LetterService,
    build_letter,
    clean_questions,
    generate_batch,
    print_letters,
)
from courtdesk.areas.enforcement.roles import ENFORCEMENT
from courtdesk.areas.enforcement.seizures import (
    NOTICE_REGISTER,
    NOTICE_WORKFLOW,
    SEIZURE_REGISTER,
    SEIZURE_WORKFLOW,
    TRANSCRIPT_DOCUMENT,
    Radar,
    SeizureService,
    build_transcript,
    days_left,
    radar,
)
from courtdesk.areas.enforcement.settings import SETTINGS, SETUP_STEP
from courtdesk.areas.enforcement.unit_register import UNIT_REGISTER
from courtdesk.areas.enforcement.units import REFERENCE_UNITS, UnitService, list_units
from courtdesk.kernel.area import Area

AREA = Area(
    key="enforcement",
    title="执行文书",
    order=10,
    depends=("letters",),
    roles=(ENFORCEMENT,),
    settings=SETTINGS,
    registers=(CASE_REGISTER, LETTER_REGISTER, SEIZURE_REGISTER, NOTICE_REGISTER, UNIT_REGISTER),
    documents=(LETTER_DOCUMENT, TRANSCRIPT_DOCUMENT),
    demo=(demo_enforcement,),
    bulk_demo=(bulk_letters, bulk_seizures),
    setup=(SETUP_STEP,),
)

__all__ = [
    "AREA",
    "CASE_WORKFLOW",
    "LETTER_WORKFLOW",
    "NOTICE_WORKFLOW",
    "NUMBER_PATTERN",
    "REFERENCE_UNITS",
    "SEIZURE_WORKFLOW",
    "UNIT_REGISTER",
    "BatchOutcome",
    "CaseService",
    "LetterService",
    "Radar",
    "SeizureService",
    "UnitService",
    "build_letter",
    "build_transcript",
    "clean_questions",
    "days_left",
    "generate_batch",
    "list_units",
    "print_letters",
    "radar",
    "rules",
]
