"""What makes two receipts the same receipt (《办公室财务管理办法》第6条: a receipt is reimbursed once).

A number as typed is no identity: 「4401 2345」, full-width digits, a hyphen, a zero-width space or
lower case made the same receipt look new, and a re-used ¥860 receipt was paid twice; two taxi
receipts that share a 号码 but not a 发票代码 were refused as one. So:

* both parts are normalised (:func:`normalise`): NFKC (full-width → ASCII), spaces, hyphens and
  invisible characters removed, letters in one case;
* a receipt is the same as another when their 发票代码 and 发票号码 match (leading zeros of the 号码
  do not count), or when the 20-digit number of a 全电发票 matches; where either has no 代码, the
  号码 alone decides (nothing else tells them apart);
* ``number_key`` — the 号码 without leading zeros — is stored and indexed, so the candidates among
  every claim of every year are found by one indexed query and then compared by :func:`same`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

#: Characters that are not there: zero-width space/joiners, word joiner, BOM, soft hyphen.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"), None)
#: Hyphens and dashes people type between groups of digits (after NFKC).
_DASHES = re.compile(r"[-\u2010-\u2015\u2212_./·]")
E_INVOICE_DIGITS = 20
#: Receipt types that are 发票 with a 代码 and an 8-digit 号码 (or a 全电发票's 20 digits). Tickets
#: (火车票, 行程单, 汽车票) and 其他 carry numbers of their own kinds.
INVOICE_TYPES = ("增值税普通发票", "增值税专用发票", "电子发票", "出租车票", "定额发票", "住宿发票")


def normalise(text: str | None) -> str:
    """「４４０１-２３４５」, 「4401 2345」, 「4401\u200b2345」 → 「44012345」; letters upper-case."""
    if not text:
        return ""
    cleaned = unicodedata.normalize("NFKC", str(text)).translate(_INVISIBLE)
    cleaned = "".join(cleaned.split())
    return _DASHES.sub("", cleaned).casefold().upper()


def number_key(number: str) -> str:
    """The indexed key of a normalised 号码: without leading zeros (「0」 stays)."""
    return number.lstrip("0") or "0"


@dataclass(frozen=True)
class Identity:
    code: str
    number: str

    @property
    def electronic(self) -> bool:
        return len(self.number) == E_INVOICE_DIGITS and self.number.isdigit()

    @property
    def key(self) -> str:
        return number_key(self.number)

    def describe(self) -> str:
        return f"代码 {self.code} 号码 {self.number}" if self.code else self.number


def identity(code: str | None, number: str | None) -> Identity:
    return Identity(normalise(code), normalise(number))


def same(a: Identity, b: Identity) -> bool:
    """Whether two receipts are one and the same (see the module's rules)."""
    if a.electronic or b.electronic:
        return a.electronic and b.electronic and a.number == b.number
    if a.key != b.key:
        return False
    if a.code and b.code:
        return a.code == b.code
    return True  # without a 代码 on either, the 号码 is all there is to tell them apart


def format_problem(receipt_type: str, ident: Identity) -> tuple[str, str] | None:
    """What is wrong with a receipt's 代码/号码 for its type: (which, message) or None."""
    if ident.code and not (ident.code.isdigit() and 10 <= len(ident.code) <= 12):
        return "invoice_code", "发票代码应为 10–12 位数字"
    if receipt_type in INVOICE_TYPES:
        if ident.electronic:
            if ident.code:
                return "invoice_code", "全电发票（20 位号码）没有发票代码，请清空"
            return None
        if not (ident.number.isdigit() and len(ident.number) == 8):
            return "invoice_number", "发票号码应为 8 位数字，或全电发票的 20 位数字"
        return None
    if not re.fullmatch(r"[0-9A-Z]{4,30}", ident.number):
        return "invoice_number", "票据号码应为 4–30 位字母或数字"
    return None
