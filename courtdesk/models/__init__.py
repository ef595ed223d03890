"""SQLAlchemy models, one module per area. Importing this package registers every table."""

from courtdesk.models.base import Base
from courtdesk.models.infra import Attachment, AuditEntry, AuditHead, Counter, Setting, WorkflowStep
from courtdesk.models.letters import (
    BlankLetterhead,
    BlankLetterheadReport,
    IntroductionLetter,
    IntroductionLetterBearer,
)
from courtdesk.models.people import ROLE_LABELS, Department, Role, User, UserRole
from courtdesk.models.seals import SEAL_KINDS, Seal, SealUse

__all__ = [
    "ROLE_LABELS",
    "SEAL_KINDS",
    "Attachment",
    "AuditEntry",
    "AuditHead",
    "Base",
    "BlankLetterhead",
    "BlankLetterheadReport",
    "Counter",
    "Department",
    "IntroductionLetter",
    "IntroductionLetterBearer",
    "Role",
    "Seal",
    "SealUse",
    "Setting",
    "User",
    "UserRole",
    "WorkflowStep",
]
from courtdesk.models import enforcement  # noqa: F401  (执行文书: cases, letters, seizures)
