"""保密管理 — classified carriers (涉密载体) through 定密, 签收, 借阅, 复制 and 销毁 (SPEC §2;
《保密工作制度》第十八条、第二十三条)."""

from courtdesk.areas.secrecy.demo import demo_carriers
from courtdesk.areas.secrecy.documents import (
    APPROVAL_DOCUMENT,
    DESTRUCTION_DOCUMENT,
    DISPATCH_DOCUMENT,
    HANDOVER_DOCUMENT,
    LOANS_DOCUMENT,
)
from courtdesk.areas.secrecy.leaks import LEAK_DOCUMENT, LEAK_REGISTER
from courtdesk.areas.secrecy.oversight import REGISTERS as OVERSIGHT_REGISTERS
from courtdesk.areas.secrecy.oversight_demo import demo_oversight
from courtdesk.areas.secrecy.service import COPY_REGISTER, ITEM_REGISTER
from courtdesk.areas.secrecy.settings import SETTINGS
from courtdesk.areas.secrecy.staff import STAFF_FORM_DOCUMENT, STAFF_REGISTER
from courtdesk.areas.secrecy.staff_demo import demo_staff
from courtdesk.kernel.area import Area

AREA = Area(
    key="secrecy",
    title="保密管理",
    order=60,
    depends=("system",),
    settings=SETTINGS,
    registers=(ITEM_REGISTER, COPY_REGISTER, STAFF_REGISTER, LEAK_REGISTER, *OVERSIGHT_REGISTERS),
    documents=(APPROVAL_DOCUMENT, DISPATCH_DOCUMENT, DESTRUCTION_DOCUMENT, LOANS_DOCUMENT, HANDOVER_DOCUMENT,
               STAFF_FORM_DOCUMENT, LEAK_DOCUMENT),
    demo=(demo_carriers, demo_staff, demo_oversight),
)
