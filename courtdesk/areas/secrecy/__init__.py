"""保密管理 — classified carriers (涉密载体) through 定密, 签收, 借阅, 复制 and 销毁 (SPEC §2;
《保密工作制度》第十八条、第二十三条)."""

from courtdesk.areas.secrecy.demo import demo_carriers
from courtdesk.areas.secrecy.devices import (
    COMPUTER_REGISTER,
    DEVICE_DOCUMENTS,
    HOLIDAY_REGISTER,
    MEDIUM_REGISTER,
)
from courtdesk.areas.secrecy.devices_demo import demo_devices
from courtdesk.areas.secrecy.documents import DESTRUCTION_DOCUMENT, LOANS_DOCUMENT
from courtdesk.areas.secrecy.service import COPY_REGISTER, ITEM_REGISTER
from courtdesk.areas.secrecy.settings import SETTINGS
from courtdesk.kernel.area import Area

AREA = Area(
    key="secrecy",
    title="保密管理",
    order=60,
    depends=("system",),
    settings=SETTINGS,
    registers=(ITEM_REGISTER, COPY_REGISTER, COMPUTER_REGISTER, MEDIUM_REGISTER, HOLIDAY_REGISTER),
    documents=(DESTRUCTION_DOCUMENT, LOANS_DOCUMENT, *DEVICE_DOCUMENTS),
    demo=(demo_carriers, demo_devices),
)
