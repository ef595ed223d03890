"""Imports every area so that its registers, workflows and documents are registered."""

from courtdesk.services import (  # noqa: F401
    enforcement,
    letterhead,
    letters,
    seals,
)
