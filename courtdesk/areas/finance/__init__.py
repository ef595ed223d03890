"""经费报销 · 经费预支 — expense claims and advances (SPEC §3; 《办公室财务管理办法》第3–15条)."""

from courtdesk.areas.finance.advances import ADVANCE_REGISTER, OPEN_ADVANCES_REGISTER
from courtdesk.areas.finance.batches import BATCH_REGISTER
from courtdesk.areas.finance.claims import CLAIM_REGISTER
from courtdesk.areas.finance.demo import bulk_finance, demo_finance
from courtdesk.areas.finance.documents import DOCUMENTS
from courtdesk.areas.finance.settings import SETTINGS
from courtdesk.areas.finance.summary import SUMMARY_REGISTER
from courtdesk.areas.system import roles
from courtdesk.kernel.area import Area

AREA = Area(
    key="finance",
    title="财务报销",
    order=40,
    depends=("system",),
    roles=(roles.FINANCE, roles.FINANCE_LEADER),
    settings=SETTINGS,
    registers=(CLAIM_REGISTER, BATCH_REGISTER, ADVANCE_REGISTER, OPEN_ADVANCES_REGISTER, SUMMARY_REGISTER),
    demo=(demo_finance,),
    bulk_demo=(bulk_finance,),
    documents=DOCUMENTS,
)
