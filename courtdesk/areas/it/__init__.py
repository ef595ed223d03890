"""信息化管理 (SPEC §4; 《信息化网络管理暂行规定》第5–36条, 《保密工作制度》第三十四–三十六条): the IT
asset ledger and the IP address plan, with requests, repairs, scrapping, changes, external-network
use, maintenance contractors and backups of important data built on them."""

from courtdesk.areas.it.backups import BACKUP_REGISTER, SYSTEM_REGISTER
from courtdesk.areas.it.contractors import CONTRACT_REGISTER
from courtdesk.areas.it.demo import demo_assets
from courtdesk.areas.it.labels import LABEL_DOCUMENT
from courtdesk.areas.it.misc_demo import demo_backups, demo_contracts
from courtdesk.areas.it.network import ALLOCATION_DOCUMENT, SUBNET_REGISTER
from courtdesk.areas.it.service import ASSET_REGISTER
from courtdesk.areas.it.settings import SETTINGS
from courtdesk.kernel.area import Area

AREA = Area(
    key="it",
    title="信息化管理",
    order=70,
    depends=("system", "secrecy"),
    settings=SETTINGS,
    registers=(ASSET_REGISTER, SUBNET_REGISTER, CONTRACT_REGISTER, SYSTEM_REGISTER, BACKUP_REGISTER),
    documents=(ALLOCATION_DOCUMENT, LABEL_DOCUMENT),
    demo=(demo_assets, demo_contracts, demo_backups),
)
