"""印章使用登记 — seals and the seal-use log, the reference register (SPEC §1; 保密工作制度 第二十条(1))."""

from courtdesk.areas.seals.demo import bulk_seal_uses, demo_seals
from courtdesk.areas.seals.registry import SEAL_REGISTER
from courtdesk.areas.seals.service import SEAL_USE_REGISTER
from courtdesk.areas.seals.setup import STEP
from courtdesk.kernel.area import Area

AREA = Area(
    key="seals",
    title="印章使用",
    menu="印章与介绍信",
    order=20,
    depends=("system",),
    registers=(SEAL_USE_REGISTER, SEAL_REGISTER),
    demo=(demo_seals,),
    bulk_demo=(bulk_seal_uses,),
    setup=(STEP,),
)
