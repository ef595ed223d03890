"""What the bundled fonts surely print, known without loading a font (used by input validation
and by the font sets; its own module so neither imports the other)."""

from __future__ import annotations


def surely_printable(ch: str) -> bool:
    """Whitespace, printable ASCII or a GBK character (喆 堃 included): printed by the bundled fonts for
    sure, known without loading a font (a fonts test checks every GBK character)."""
    if ch.isspace() or " " <= ch <= "~":
        return True
    try:
        ch.encode("gbk")
    except UnicodeEncodeError:
        return False
    return True
