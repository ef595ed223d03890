"""Imports every area so that its registers, workflows and documents are registered."""

from courtdesk.services import seals  # noqa: F401
from courtdesk.services import letterhead, letters  # noqa: F401
from courtdesk.services import enforcement  # noqa: F401
