"""The advance ledger (借支台账) as plain arithmetic in fen, shared by the services and the tests.

An advance of ``amount`` is settled by claims set against it (``set_off``), unused cash handed back
(``returned``) and, when the claims exceed the advance, the difference finance pays out
(``difference_paid``). Its balance — what the applicant still owes the court, negative when the
court owes the applicant — is ``amount − set_off − returned + difference_paid``; it is closed when the
balance is zero.

The ledger is one function of its entries (:func:`of_entries`): a set-off, its reversal when the
claim goes back to its applicant (``take_back``), cash handed back, a difference paid. Every order of
these gives the same figures (a hypothesis state machine walks them through the services).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from courtdesk.kernel.errors import ValidationError
from courtdesk.kernel.money import format_yuan, from_fen


@dataclass(frozen=True)
class Ledger:
    amount: int
    set_off: int = 0
    returned: int = 0
    difference_paid: int = 0

    @property
    def balance(self) -> int:
        """What the applicant owes the court on this advance (negative: what the court owes them):
        the advance and any difference paid out, less what claims set off and cash handed back."""
        return self.amount + self.difference_paid - self.set_off - self.returned

    @property
    def outstanding(self) -> int:
        """Cash still out with the applicant (neither set off by a claim nor handed back). A
        difference paid counts as cash out: when the claim it was paid on goes back, that money is
        unaccounted for again (advance 1,000, claims 600 + 600 with 200 paid, the first returned:
        600 is owed, not 400)."""
        return max(0, self.balance)

    @property
    def difference_due(self) -> int:
        """What finance still owes the applicant because the claims exceed the advance."""
        return max(0, -self.balance)

    @property
    def balanced(self) -> bool:
        return self.balance == 0

    def set_against(self, claim_total: int) -> tuple[Ledger, int]:
        """Set a claim of ``claim_total`` against the advance: the new ledger and what is payable
        to the applicant on that claim (the part beyond the cash still out)."""
        if claim_total <= 0:
            raise ValueError("claim_total must be positive")
        payable = max(0, claim_total - self.outstanding)
        return replace(self, set_off=self.set_off + claim_total), payable

    def take_back(self, claim_total: int) -> Ledger:
        """Undo :meth:`set_against` for a claim of ``claim_total`` that goes back to its applicant
        before anything was paid on it."""
        if claim_total <= 0 or claim_total > self.set_off:
            raise ValueError(f"claim_total {claim_total} not within what was set off ({self.set_off})")
        return replace(self, set_off=self.set_off - claim_total)

    def give_back(self, cash: int, label: str = "交回金额") -> Ledger:
        """Record ``cash`` handed back; refused beyond what is still out."""
        if cash <= 0:
            raise ValidationError(f"{label}：必须大于零", field=label)
        if cash > self.outstanding:
            raise ValidationError(
                f"{label}：{format_yuan(from_fen(cash))} 超过尚未冲抵或交回的借支余额 "
                f"{format_yuan(from_fen(self.outstanding))}", field=label)
        return replace(self, returned=self.returned + cash)

    def pay_difference(self, fen: int) -> Ledger:
        """Record ``fen`` paid out to the applicant beyond the advance (at most what is due)."""
        if fen < 0 or fen > self.difference_due:
            raise ValueError(f"difference {fen} beyond what is due ({self.difference_due})")
        return replace(self, difference_paid=self.difference_paid + fen)


#: The kinds of ledger entry (:func:`of_entries`).
SET_OFF, TAKE_BACK, RETURN, DIFFERENCE = "set_off", "take_back", "return", "difference"


def of_entries(amount: int, entries: list[tuple[str, int]]) -> Ledger:
    """The ledger of an advance of ``amount`` after ``entries`` — (kind, fen) in the order they
    happened. Raises ``ValueError`` for an entry the ledger refuses at that point."""
    ledger = Ledger(amount)
    for kind, fen in entries:
        if kind == SET_OFF:
            ledger = ledger.set_against(fen)[0]
        elif kind == TAKE_BACK:
            ledger = ledger.take_back(fen)
        elif kind == RETURN:
            if fen <= 0 or fen > ledger.outstanding:
                raise ValueError(f"return {fen} beyond what is out ({ledger.outstanding})")
            ledger = replace(ledger, returned=ledger.returned + fen)
        elif kind == DIFFERENCE:
            ledger = ledger.pay_difference(fen)
        else:
            raise ValueError(f"unknown ledger entry {kind!r}")
    return ledger
