"""Enforcement documents (执行文书) — SPEC §5.

Importing this package registers the area's registers (执行案件, 发函登记簿, 查封、扣押、冻结登记簿,
查封措施告知笔录, 调查函发往单位名录) with their commands (批量制作调查函, 新增当事人, 生成告知笔录,
载入参考名录 …), workflows and document kinds (``investigation_letter``, ``seizure_transcript``).

Modules: :mod:`.rules` (case numbers, identity numbers, legal seizure terms), :mod:`.cases`,
:mod:`.units` (recipient units), :mod:`.letters` (investigation letters, batch printing),
:mod:`.seizures` (seizure register, expiry radar, notification transcript), :mod:`.bench`.
"""

from courtdesk.services.enforcement import rules
from courtdesk.services.enforcement.bench import bench_batch
from courtdesk.services.enforcement.cases import CASE_WORKFLOW, CaseService
from courtdesk.services.enforcement.letters import (
    LETTER_WORKFLOW,
    NUMBER_PATTERN,
    BatchOutcome,
    LetterService,
    build_letter,
    clean_questions,
    generate_batch,
    print_letters,
)
from courtdesk.services.enforcement.seizures import (
    NOTICE_WORKFLOW,
    SEIZURE_WORKFLOW,
    Radar,
    SeizureService,
    build_transcript,
    days_left,
    radar,
)
from courtdesk.services.enforcement.unit_register import UNIT_REGISTER
from courtdesk.services.enforcement.units import REFERENCE_UNITS, UnitService, list_units

__all__ = [
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
    "bench_batch",
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
