"""Line breaking for CJK text on a character grid (used by the PDF renderer).

Rules (simplified 中文排版 禁则): closing punctuation never starts a line (it hangs into the margin and
the line is compressed to fit); opening punctuation never ends a line; a run of Latin letters and
digits (a phone number, ``V8598925``, ``1091``) is not split unless it is longer than a line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import cast

from courtdesk.kernel.documents.fonts import FontSet

NO_LINE_START = frozenset("，。、；：？！）》」』】〕〉”’…—·%,.;:?!)]}>")
NO_LINE_END = frozenset("（《「『【〔〈“‘([{<")
_TOKENS = re.compile(r"[A-Za-z0-9.@\-/%]+|.", re.DOTALL)


@dataclass(frozen=True)
class Line:
    text: str
    width: float  # natural width in points (without the spacing after the last glyph)
    last: bool  # last line of the paragraph, or ended by an explicit line break


class Measurer:
    """Advance widths of characters for one role, size and character spacing."""

    def __init__(self, fonts: FontSet, role: str, size: float, char_space: float) -> None:
        self.fonts, self.role, self.size, self.char_space = fonts, role, size, char_space
        self._advances: dict[str, float] = {}

    def advance(self, ch: str) -> float:
        advance = self._advances.get(ch)
        if advance is None:
            advance = self._advances[ch] = (
                self.fonts.pick(ch, self.role)[1] * self.size / 1000.0 + self.char_space)
        return advance

    def width(self, text: str) -> float:
        """Visible width of ``text`` (no spacing after the last glyph)."""
        if not text:
            return 0.0
        return sum(self.advance(ch) for ch in text) - self.char_space

    def runs(self, text: str) -> list[tuple[str, str]]:
        """``text`` cut into (font name, segment) runs, choosing a font per character."""
        out: list[tuple[str, str]] = []
        current, buf = "", cast("list[str]", [])
        for ch in text:
            name = self.fonts.pick(ch, self.role)[0]
            if name != current and buf:
                out.append((current, "".join(buf)))
                buf = []
            current = name
            buf.append(ch)
        if buf:
            out.append((current, "".join(buf)))
        return out


def wrap(text: str, m: Measurer, width: float, first_indent: float = 0.0) -> list[Line]:
    """Break ``text`` into lines no wider than ``width`` (closing punctuation may hang over)."""
    lines: list[Line] = []
    for part in text.split("\n"):
        lines.extend(_wrap_part(part, m, width, first_indent if not lines else 0.0))
    return lines or [Line("", 0.0, True)]


def _wrap_part(text: str, m: Measurer, width: float, indent: float) -> list[Line]:
    whole = m.width(text)
    if indent + whole - min(m.char_space, 0.0) <= width + 0.01:  # fits: the common case in tables
        return [Line(text, whole, True)]
    tokens: list[str] = []
    for tok in _TOKENS.findall(text):
        if len(tok) > 1 and m.width(tok) > width:
            tokens.extend(tok)  # longer than a line: may break anywhere
        else:
            tokens.append(tok)

    out: list[Line] = []
    cur: list[str] = []
    cur_w = indent  # running advance (incl. the spacing after each glyph)
    avail = width
    pending = tokens[::-1]
    while pending:
        tok = pending.pop()
        tw = sum(m.advance(ch) for ch in tok)
        if not cur and tok == " " and out:
            continue  # no space at the start of a wrapped line
        if not cur and len(tok) > 1 and cur_w + tw - max(m.char_space, 0.0) > avail + 0.01:
            pending.extend(tok[::-1])  # does not fit even at the line start (after the indent): split
            continue
        # fit by advance (the character grid), not by ink: with the grid's small negative spacing the
        # 28th glyph's ink overhangs the 156 mm by 0.2 pt, as it does in Word
        if cur and cur_w + tw - max(m.char_space, 0.0) > avail + 0.01:
            if tok in NO_LINE_START:
                cur.append(tok)  # hanging punctuation
                cur_w += tw
                continue
            # Opening punctuation never ends a line: carry it over. Spaces at the break are dropped,
            # and do not stop the carrying (「《 （」 moves whole).
            carry: list[str] = []
            while len(cur) > 1 and (cur[-1] in NO_LINE_END or cur[-1] == " "):
                ch = cur.pop()
                if ch != " ":
                    carry.insert(0, ch)
            line_text = "".join(cur).rstrip(" ")
            out.append(Line(line_text, m.width(line_text), False))
            cur = carry
            cur_w = sum(m.advance(ch) for ch in "".join(carry))
            if carry and len(tok) > 1 and cur_w + tw - max(m.char_space, 0.0) > avail + 0.01:
                pending.extend(tok[::-1])  # the carried brackets leave no room for the whole run: split it
                continue
        cur.append(tok)
        cur_w += tw
    line_text = "".join(cur)
    out.append(Line(line_text, m.width(line_text), True))
    return out
