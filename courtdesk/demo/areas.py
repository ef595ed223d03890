"""Imports every area's demo filler (order matters: later areas use earlier ones' records)."""

from courtdesk.demo import (
    enforcement,  # noqa: F401
    letters,  # noqa: F401
    seals,  # noqa: F401
)
