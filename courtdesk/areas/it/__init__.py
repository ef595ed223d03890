"""信息化管理 (SPEC §4; 《信息化网络管理暂行规定》第5–36条, 《保密工作制度》第三十四–三十六条): the IT
asset ledger and the IP address plan, with requests, repairs, scrapping, changes, external-network
use, maintenance contractors and backups of important data built on them."""

from courtdesk.areas.it.backups import BACKUP_REGISTER, SYSTEM_REGISTER
from courtdesk.areas.it.changes import CHANGE_DOCUMENT, CHANGE_REGISTER
from courtdesk.areas.it.contractors import CONTRACT_REGISTER
from courtdesk.areas.it.demo import bulk_assets, demo_assets
from courtdesk.areas.it.external import EXTERNAL_DOCUMENT, EXTERNAL_REGISTER
from courtdesk.areas.it.labels import LABEL_DOCUMENT
from courtdesk.areas.it.misc_demo import demo_backups, demo_contracts
from courtdesk.areas.it.network import ALLOCATION_DOCUMENT, SUBNET_REGISTER
from courtdesk.areas.it.repairs import REPAIR_DOCUMENT, REPAIR_REGISTER
from courtdesk.areas.it.requests import REQUEST_DOCUMENT, REQUEST_REGISTER
from courtdesk.areas.it.requests_demo import demo_requests_and_repairs
from courtdesk.areas.it.scrap_demo import demo_scrap_changes_external
from courtdesk.areas.it.scrapping import SCRAP_DOCUMENT, SCRAP_REGISTER
from courtdesk.areas.it.service import ASSET_REGISTER
from courtdesk.areas.it.settings import SETTINGS
from courtdesk.kernel.area import Area

AREA = Area(
    key="it",
    title="信息化管理",
    order=70,
    depends=("system", "secrecy"),
    settings=SETTINGS,
    registers=(ASSET_REGISTER, SUBNET_REGISTER, REQUEST_REGISTER, REPAIR_REGISTER, SCRAP_REGISTER, CHANGE_REGISTER,
               EXTERNAL_REGISTER, CONTRACT_REGISTER, SYSTEM_REGISTER, BACKUP_REGISTER),
    documents=(ALLOCATION_DOCUMENT, LABEL_DOCUMENT, REQUEST_DOCUMENT, REPAIR_DOCUMENT, SCRAP_DOCUMENT, CHANGE_DOCUMENT,
               EXTERNAL_DOCUMENT),
    demo=(demo_assets, demo_requests_and_repairs, demo_scrap_changes_external, demo_contracts, demo_backups),
    bulk_demo=(bulk_assets,),
)
