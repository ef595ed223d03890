"""保密管理 (SPEC §2; 《保密工作制度》第十条–第四十条): classified carriers (涉密载体) through 定密, 分发, 借阅,
复制, 清退, 移交 and 销毁; classified staff; classified computers and removable media; meetings, key
departments, 保密责任书 and inspections; leak reports."""

from courtdesk.areas.secrecy.demo import demo_carriers
from courtdesk.areas.secrecy.devices import (
    COMPUTER_REGISTER,
    DEVICE_DOCUMENTS,
    HOLIDAY_REGISTER,
    MEDIUM_REGISTER,
)
from courtdesk.areas.secrecy.devices_demo import demo_devices
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
    registers=(ITEM_REGISTER, COPY_REGISTER, STAFF_REGISTER, COMPUTER_REGISTER, MEDIUM_REGISTER, HOLIDAY_REGISTER,
               LEAK_REGISTER, *OVERSIGHT_REGISTERS),
    documents=(APPROVAL_DOCUMENT, DISPATCH_DOCUMENT, DESTRUCTION_DOCUMENT, LOANS_DOCUMENT, HANDOVER_DOCUMENT,
               STAFF_FORM_DOCUMENT, *DEVICE_DOCUMENTS, LEAK_DOCUMENT),
    demo=(demo_carriers, demo_staff, demo_devices, demo_oversight),
)
