"""Imports every area's demo filler (order matters: later areas use earlier ones' records)."""

from courtdesk.demo import seals  # noqa: F401
