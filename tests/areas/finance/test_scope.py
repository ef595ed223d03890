"""Who sees which claim: a draft is the applicant's own until it is submitted; finance staff then see
it in the 报销单登记簿 (a paper claim is not in the finance office before it is handed in)."""

from __future__ import annotations

from courtdesk.areas.finance.claims import CLAIM_REGISTER, ClaimService
from courtdesk.kernel.registers import RegisterQuery
from tests.areas.finance.helpers import general_data


def _visible(db, user, claim_id: int) -> bool:
    with db.read() as s:
        return RegisterQuery(CLAIM_REGISTER).one(s, user, claim_id) is not None


def test_finance_sees_a_claim_only_once_it_is_submitted(db, users):
    service = ClaimService(db)
    cid = service.file(users["judge"], general_data()).id
    assert _visible(db, users["judge"], cid)
    for who in ("finance", "cashier", "finance_leader"):
        assert not _visible(db, users[who], cid), who
    assert not _visible(db, users["enforcer"], cid)  # another officer never sees it
    service.act(users["judge"], cid, "submit")
    for who in ("finance", "cashier", "finance_leader"):
        assert _visible(db, users[who], cid), who
    assert not _visible(db, users["enforcer"], cid)


def test_finance_staff_see_their_own_drafts(db, users):
    cid = ClaimService(db).file(users["finance"], general_data()).id
    assert _visible(db, users["finance"], cid)
    assert not _visible(db, users["cashier"], cid)
