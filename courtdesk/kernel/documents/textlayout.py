"""Line breaking for CJK text on a character grid (used by the PDF renderer).

Rules (simplified 中文排版 禁则, 避头尾): closing punctuation never starts a line and opening punctuation
never ends one; a run of Latin letters and digits (a phone number, ``V8598925``, ``1091``) is not split
unless it is longer than a line, and neither is anything else a clerk reads as one thing
(:data:`UNBREAKABLE`): an amount of money (:data:`AMOUNT`: ``¥37,489.65``, ``人民币58,300元``,
``人民币叁万柒仟肆佰捌拾玖元陆角伍分``), a date (``2026年12月18日``, ``二〇二六年十二月十八日``, ``十八日``) or a
time (``九时三十分``), a case or document number (``（2026）京0105执1234号``, ``京朝法介〔2026〕12号``), a plate
(``蒙K·8X2Q7``); an ID or invoice number is a run of digits and letters.  A clerk must never read 「¥37,」 at
a line's end and 「489.65」 at the next line's start, 「十八」 / 「日）」, nor a 「¥」 alone.

A token wider than the whole line (a narrow table cell) still breaks — at its joints first
(:func:`pieces`: after 年 and 月 of a date, after the year bracket of a case number, after 万/亿/元 of
capitals, after the 「·」 of a plate), and only a piece still too wide between its characters; 「¥」 still
never ends a line.  "Wider than the line" counts what the rules glue to the token — the opening bracket
before it, the closing punctuation after it (:func:`glue`): 「（冀R·A1234）。」 wider than a cell prints
「一辆（冀R·」 / 「A1234）。」, never a 「（」 alone at a line's end and a 「。」 alone at the next line's start.
Such a break is forced only where the glued run is itself wider than a line (the property tests in
``tests/kernel/documents/test_unbreakable_tokens.py`` state the limit).  The DOCX carries the same tokens with U+2060 WORD JOINER between their characters
(:func:`join_tokens`), each in a run whose East Asian language is en-US: LibreOffice's Chinese line
breaker ignores the joiner, its Western (ICU) one honours it.

No glyph ever passes the frame: closing punctuation that does not fit at the end of a line is *not*
hung into the margin.  The line is squeezed instead (its character spacing shrinks a little, at most
:data:`MAX_SQUEEZE` of the size per gap), and when that is not enough, the last character (or run) of
the line moves down with the punctuation.  Every renderer draws a line with the spacing of its
:class:`Line` (``Measurer.char_space + Line.squeeze``), so ``Line.width`` is what is printed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import cast

from courtdesk.kernel.documents.fonts import FontSet

NO_LINE_START = frozenset("，。、；：？！）》」』】〕〉”’…—·%,.;:?!)]}>")
#: Opening punctuation, and the currency signs (行尾禁则): 「¥」 never ends a line, even where an amount
#: wider than the whole line has to break.
NO_LINE_END = frozenset("（《「『【〔〈“‘([{<¥￥$")
_CURRENCY = frozenset("¥￥$")
#: An amount of money, one unbreakable token: figures with the yuan sign (``¥37,489.65``, ``-¥100.00``,
#: ``￥ 5``), figures with thousands separators (and ``元`` after them: ``3,000.00 元``), yuan and fen
#: with ``元`` (``780.00 元``), figures with ``元`` or ``万元`` (``5000元``, ``5.83万元``), any of these after
#: ``人民币`` (``人民币58,300元``), and capitals (``人民币叁仟元整``).
AMOUNT = re.compile(
    r"-?[¥￥] ?\d(?:[\d,]*\d)?(?:\.\d+)?"
    r"|(?:人民币 ?)?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?(?: ?万?元)?|\d+(?:\.\d+)? ?万?元)"
    r"|人民币 ?\d+(?:\.\d+)?"
    r"|人民币[零壹贰叁肆伍陆柒捌玖拾佰仟万亿元角分整]+")
_CN_DIGIT = "〇零一二三四五六七八九"
_CN_COUNT = "一二三四五六七八九十"
#: A date: ``2026年12月18日``, ``二〇二六年十二月十八日`` (and the year and month, or month and day, alone),
#: a day with its 日 (``十八日``, ``18日``), ``2026-12-18`` / ``2026.12.18`` / ``2026/12/18``.
DATE = re.compile(
    rf"(?:\d{{4}}|[{_CN_DIGIT}]{{4}})年(?:(?:\d{{1,2}}|[{_CN_COUNT}]{{1,2}})月(?:(?:\d{{1,2}}|[{_CN_COUNT}]{{1,3}})日)?)?"
    rf"|(?:\d{{1,2}}|[{_CN_COUNT}]{{1,2}})月(?:(?:\d{{1,2}}|[{_CN_COUNT}]{{1,3}})日)?"
    rf"|(?:\d{{1,2}}|[{_CN_COUNT}]{{1,3}})日"
    r"|\d{4}(?:-\d{1,2}-\d{1,2}|\.\d{1,2}\.\d{1,2}|/\d{1,2}/\d{1,2})(?![\d.])")
#: A time of day: ``九时三十分``, ``15时20分``, ``15:20``, ``15:20:05``.
TIME = re.compile(rf"(?:\d{{1,2}}|[{_CN_COUNT}]{{1,3}})时(?:(?:\d{{1,2}}|[{_CN_COUNT}]{{1,3}})分)?"
                  r"|\d{1,2}:\d{2}(?::\d{2})?")
#: A case or document number: the year in brackets, then up to twelve characters ending in figures and
#: 号 (``（2026）京0105执1234号``, ``(2026)执调字第0001号``, ``（2026）京0105执1234号之一``); a 文号's issuer
#: before 〔〕 (``京朝法介〔2026〕12号``: up to four characters, which may take a word of the text before
#: it along — the break then falls a character earlier, never inside the number).
CASE_NUMBER = re.compile(
    r"(?:[\u4e00-\u9fff]{1,4}(?=[〔\[]))?[（(〔\[]\d{4}[）)〕\]][^\s，。、；：()（）〔〕]{0,12}?\d+号"
    rf"(?:之[{_CN_COUNT}]+)?")
#: A vehicle plate: province, letter, the 「·」 (or none) and five or six letters and figures, and a
#: trailing 挂/学/警… (``蒙K·8X2Q7``, ``冀R·A1234``, ``京AD12345``).
PLATE = re.compile(r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Z][·・•.]?"
                   r"[A-Z0-9]{4,6}[挂学警港澳领试超]?(?![A-Za-z0-9])")
#: What a line never splits (unless it is wider than the whole line): amounts, dates, times, case and
#: document numbers, plates.  (ID numbers, invoice numbers, phone numbers are runs of Latin letters
#: and digits, kept whole by :data:`_TOKENS` too.)
UNBREAKABLE = re.compile("|".join(f"(?:{p.pattern})" for p in (CASE_NUMBER, AMOUNT, DATE, TIME, PLATE)))
_RUN = r"[A-Za-z0-9.@\-/%]+"
_TOKENS = re.compile(f"{UNBREAKABLE.pattern}|{_RUN}|.", re.DOTALL)
_PLAIN = re.compile(f"{_RUN}|.", re.DOTALL)
#: Where a token wider than a whole line breaks first: after these (see :func:`pieces`).
_JOINTS = re.compile(r".*?(?:[年月）)〕\]·・•万亿元]|$)", re.DOTALL)
#: A 文号 whose issuer (two to four characters before 〔〕) may begin with a word of the text before it.
_ISSUER = re.compile(r"[\u4e00-\u9fff]{2,4}[〔\[]")
#: Put between the characters of a token in the DOCX: no break there (Unicode WJ; LibreOffice honours it).
WORD_JOINER = "\u2060"


def is_unbreakable(text: str) -> bool:
    """Whether ``text`` is one token a line never splits (an amount, a date, a case number, a plate)."""
    return UNBREAKABLE.fullmatch(text) is not None


def tokens(text: str) -> list[str]:
    """``text`` cut as the line breaker reads it: unbreakable tokens, runs of Latin letters and digits,
    and single characters (findall keeps every character: ``"".join(tokens(t)) == t``)."""
    return [m.group(0) for m in _TOKENS.finditer(text)]


def joints(token: str) -> list[str]:
    """``token`` cut at every joint where it may break when it is wider than a line (after each character
    of a 文号's issuer but its last — they may be words of the text before —, after 年/月, the year bracket,
    万/亿/元, 「·」) — and nowhere else: between two joints it breaks only when the piece (with the
    punctuation glued to it) is itself wider than a line."""
    if len(token) > 1 and _ISSUER.match(token):
        return [token[0], *joints(token[1:])]
    return [p for p in _JOINTS.findall(token) if p] or [token]


def pieces(token: str) -> list[str]:
    """A token too wide for a line, cut where it may break: a 文号's issuer loses its first character
    first (it may be a word of the text before: 「下」 / 「冀法〔2000〕1号」), then at its joints (after 年/月, the year bracket, 万/亿/元, 「·」), else into runs and
    characters.  Always more than one piece for more than one character."""
    if len(token) <= 1:
        return [token]
    if _ISSUER.match(token):
        return [token[0], token[1:]]
    parts = [p for p in _JOINTS.findall(token) if p]
    if len(parts) > 1:
        return parts
    parts = _PLAIN.findall(token)
    if any(part in NO_LINE_END for part in parts[:-1]):  # 「¥」 never alone: it goes with a figure
        chars, glued, i = list(token), [], 0
        while i < len(chars):
            if chars[i] in NO_LINE_END and i + 1 < len(chars):
                glued.append(chars[i] + chars[i + 1])
                i += 2
            else:
                glued.append(chars[i])
                i += 1
        return glued
    return parts if len(parts) > 1 else list(token)


def pieces_within(token: str, m: Measurer, width: float, lead: str = "", trail: str = "") -> list[str]:
    """``token`` whole when it fits ``width``, else cut by :func:`pieces` until every piece fits (or is
    one character).  ``lead`` and ``trail`` are what the line-breaking rules glue to the token — the
    opening punctuation just before it, the closing punctuation just after it (:func:`glue`): they go
    on the line of its first and of its last piece, so the token is measured with them — 「（冀R·A1234）。」
    wider than a cell breaks at the plate's 「·」 (「（冀R·」 / 「A1234）。」) rather than leave 「（」 alone
    at a line's end and 「。」 alone at the next line's start."""
    if len(token) <= 1 or m.width(lead + token + trail) <= width + 0.01:
        return [token]
    parts = pieces(token)
    if parts == [token]:  # 「¥1」 wider than the cell: as small as it goes
        return parts
    last = len(parts) - 1
    return [q for i, p in enumerate(parts)
            for q in pieces_within(p, m, width, lead if i == 0 else "", trail if i == last else "")]


def glue(toks: list[str], i: int) -> tuple[str, str]:
    """What the line-breaking rules glue to ``toks[i]``: the opening punctuation (and currency signs)
    right before it, which never end a line, and the closing punctuation right after it, which never
    starts one (of a run such as 「%30」 only its first character)."""
    j = i
    while j > 0 and toks[j - 1] in NO_LINE_END:
        j -= 1
    trail = []
    for tok in toks[i + 1:]:
        if tok[:1] not in NO_LINE_START:
            break
        trail.append(tok[:1])
        if len(tok) > 1:
            break
    return "".join(toks[j:i]), "".join(trail)


def glued_pieces(toks: list[str], m: Measurer, width: float) -> list[str]:
    """``toks`` (as :func:`tokens` cuts a text) with each token that does not fit ``width`` together with
    the punctuation glued to it (:func:`glue`) cut at its joints (:func:`pieces_within`): what a line
    breaker lays out."""
    return [piece for i, tok in enumerate(toks)
            for piece in (pieces_within(tok, m, width, *glue(toks, i)) if len(tok) > 1 else (tok,))]


def join_tokens(text: str) -> str:
    """``text`` with :data:`WORD_JOINER` inside each unbreakable token, between two characters of which
    one is not ASCII (between ASCII letters and digits no word processor breaks anyway) — for the DOCX,
    where Word and LibreOffice break Chinese between any two characters."""
    if not text or text.isascii():
        return text

    def join(match: re.Match[str]) -> str:
        tok = match.group(0)
        out = [tok[0]]
        for a, b in zip(tok, tok[1:]):
            if not (a.isascii() and b.isascii()) and a != " " and b != " ":
                out.append(WORD_JOINER)
            out.append(b)
        return "".join(out)

    return UNBREAKABLE.sub(join, text)
#: Most a line's character spacing may shrink to keep closing punctuation on it, as a part of the size.
MAX_SQUEEZE = 0.1


@dataclass(frozen=True)
class Line:
    text: str
    width: float  # printed width in points (with the squeeze; without the spacing after the last glyph)
    last: bool  # last line of the paragraph, or ended by an explicit line break
    squeeze: float = 0.0  # added to the character spacing (≤ 0) so the line fits its room

    def char_space(self, m: Measurer) -> float:
        """The character spacing to draw this line with."""
        return m.char_space + self.squeeze


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


def wrap(text: str, m: Measurer, width: float, first_indent: float = 0.0,
         rest_indent: float = 0.0) -> list[Line]:
    """Break ``text`` into lines that fit ``width``: the first line after ``first_indent``, the
    others after ``rest_indent`` (a hanging indent).  No line is printed wider than its room, except a
    single glyph wider than the whole room.

    The lines depend only on the arguments and the font set, so they are kept in the font set's
    ``wrap_cache`` (up to :data:`WRAP_CACHE_SIZE` texts, then started afresh) and a text met again —
    the standard paragraphs of every letter of a batch — is not measured again."""
    key = (m.role, m.size, m.char_space, text, width, first_indent, rest_indent)
    cache = m.fonts.wrap_cache
    hit = cache.get(key)
    if hit is not None:
        return list(hit)  # type: ignore[arg-type]
    lines = _wrap(text, m, width, first_indent, rest_indent)
    if len(cache) >= WRAP_CACHE_SIZE:
        cache.clear()
    cache[key] = tuple(lines)
    return lines


#: Wrapped texts kept per font set (a few hundred bytes each).
WRAP_CACHE_SIZE = 20_000


def _wrap(text: str, m: Measurer, width: float, first_indent: float, rest_indent: float) -> list[Line]:
    lines: list[Line] = []
    for part in text.split("\n"):
        first = first_indent if not lines else rest_indent
        lines.extend(_wrap_part(part, m, width, first, rest_indent))
    return lines or [Line("", 0.0, True)]


def fit_line(text: str, m: Measurer, room: float, last: bool = True) -> Line:
    """A finished line, squeezed when its glyphs pass ``room``."""
    natural = m.width(text)
    gaps = len(text) - 1
    if natural <= room or gaps <= 0:
        return Line(text, natural, last)
    squeeze = (room - natural) / gaps - 1e-6
    return Line(text, natural + squeeze * gaps, last, squeeze)


def _squeezable(m: Measurer, glyphs: int, over: float) -> bool:
    """Whether a line of ``glyphs`` glyphs may shrink by ``over`` points to keep its punctuation."""
    return glyphs > 1 and over <= (glyphs - 1) * MAX_SQUEEZE * m.size


def _wrap_part(text: str, m: Measurer, width: float, indent: float, rest_indent: float) -> list[Line]:
    whole = m.width(text)
    if indent + whole <= width + 0.01:  # fits: the common case in tables
        return [Line(text, whole, True)]
    line_room = width - max(indent, rest_indent)
    # a token longer than a line breaks at its joints, and a piece still too long anywhere
    # (measured with the brackets and punctuation glued to it: they must not be left alone at a break)
    tokens = glued_pieces(_TOKENS.findall(text), m, line_room)

    out: list[Line] = []
    cur: list[str] = []
    cur_w = indent  # running advance (incl. the spacing after each glyph)
    grid_slack = max(-m.char_space, 0.0)  # a full grid line's last glyph passes by this: squeezed away

    def room() -> float:
        return width - (indent if not out else rest_indent)

    def flush(last: bool) -> None:
        nonlocal cur, cur_w
        # spaces at a line's end print nothing, and a trailing space must not count as a gap the
        # squeeze spreads over (「…、 」 then printed its 、 past the frame)
        line_text = "".join(cur).rstrip(" ")
        out.append(fit_line(line_text, m, room(), last))
        cur = []
        cur_w = rest_indent

    def overflow(extra: float) -> float:
        """How far the line's last glyph would pass the frame with ``extra`` advance added."""
        return cur_w + extra - m.char_space - width

    pending = tokens[::-1]
    while pending:
        tok = pending.pop()
        tw = sum(m.advance(ch) for ch in tok)
        if not cur and tok == " " and out:
            continue  # no space at the start of a wrapped line
        if not cur and len(tok) > 1 and overflow(tw) > grid_slack + 0.01:
            pending.extend(pieces(tok)[::-1])  # does not fit even at the line start (after the indent)
            continue
        # fit by the grid: the 28th glyph of a full line passes the 156 mm by the (negative) character
        # spacing, and the line is squeezed by that much (0.2 pt over 27 gaps, invisible)
        if cur and overflow(tw) > grid_slack + 0.01 and tok != " ":  # (a space at the end is dropped)
            if tok[:1] in NO_LINE_START:  # (also a run such as 「%30」)
                # closing punctuation stays on this line: squeeze it in, or take the last character
                # (with its own closing punctuation) down to the next line
                run = [tok]
                while pending and pending[-1][:1] in NO_LINE_START:
                    run.append(pending.pop())
                run_w = sum(m.advance(ch) for t in run for ch in t)
                glyphs = sum(len(t) for t in cur + run)
                if _squeezable(m, glyphs, overflow(run_w)):
                    cur.extend(run)
                    cur_w += run_w
                    continue
                back = _take_back(cur)
                if back is None and glyphs > 1 and overflow(run_w) <= (glyphs - 1) * 0.3 * m.size:
                    cur.extend(run)  # nothing can go down (a narrow cell): squeeze harder
                    cur_w += run_w
                    continue
                flush(False)  # else, in the narrowest cells, the punctuation starts the next line
                pending.extend(((back or []) + run)[::-1])
                continue
            if (len(tok) > 1 and cur[-1] in _CURRENCY
                    and all(t in NO_LINE_END or t == " " for t in cur)):
                pending.extend(pieces(tok)[::-1])  # 「¥」 alone, nothing to carry: part of the token joins it
                continue
            # Opening punctuation never ends a line: carry it over. Spaces at the break are dropped,
            # and do not stop the carrying (「《 （」 moves whole).
            carry: list[str] = []
            while len(cur) > 1 and (cur[-1] in NO_LINE_END or cur[-1] == " "):
                ch = cur.pop()
                if ch != " ":
                    carry.insert(0, ch)
            flush(False)
            pending.append(tok)
            pending.extend(carry[::-1])
            continue
        cur.append(tok)
        cur_w += tw
    flush(True)
    return out


def _take_back(cur: list[str]) -> list[str] | None:
    """Remove from the end of ``cur`` what must go down to the next line with closing punctuation: the
    last character or run (and any closing punctuation before it, which cannot start a line), and
    then any opening punctuation the shortened line would end with.  None when the line would be
    left empty; then ``cur`` is unchanged."""
    at = len(cur)
    while at > 0:
        at -= 1
        if cur[at] != " " and cur[at][:1] not in NO_LINE_START:
            break
    else:
        return None
    while at > 0 and (cur[at - 1] in NO_LINE_END or cur[at - 1] == " "):
        at -= 1
    if at == 0:
        # one token alone (a number, an amount, a date, an ID or invoice number): none of it goes down —
        # the punctuation rather starts the next line than 「人民币壹元壹角壹」, 「十八」 or 「0000000」 end one
        return None
    back = cur[at:]
    del cur[at:]
    while back and back[0] == " ":
        back.pop(0)
    return back
