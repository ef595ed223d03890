"""Imports every area so that its registers, workflows and documents are registered."""

from courtdesk.services import seals  # noqa: F401
