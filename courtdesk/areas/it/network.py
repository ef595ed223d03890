"""IP 地址规划 as a register (《信息化网络管理暂行规定》第30条): the subnets, how many addresses each has,
holds and has free; and the printed IP 地址分配表 of a subnet."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from courtdesk.areas.it import ipplan
from courtdesk.areas.it.models import ItAsset, ItSubnet
from courtdesk.areas.system import roles
from courtdesk.kernel import clock, settings
from courtdesk.kernel.db.engine import Database
from courtdesk.kernel.documents.dates import court_date
from courtdesk.kernel.documents.model import Column as DocColumn
from courtdesk.kernel.documents.model import Document, PageSetup, Paragraph, Table, Title
from courtdesk.kernel.forms import FormField, clean
from courtdesk.kernel.models.people import ADMIN
from courtdesk.kernel.printing import DocumentKind
from courtdesk.kernel.records import load_or_refuse
from courtdesk.kernel.registers import Column, Filter, RegisterDocument, RegisterSpec

SUBNET_KEY = "it_subnet"
ALLOCATION_KIND = "it_ip_allocation"

SUBNET_FIELDS = (
    FormField("name", "名称", "text", max_len=30, help="如「审判楼三层内网」"),
    FormField("network", "网段", "text", max_len=43, help="网络地址/前缀长度，如 10.12.3.0/24"),
    FormField("zone", "网络", "choice", choices=lambda s, a: [(z, z) for z in ipplan.ZONES], default="内网",
              help="内网与国际互联网必须物理隔离（第25条）"),
    FormField("gateway", "网关", "text", required=False, max_len=39),
    FormField("remarks", "备注", "text", required=False, max_len=100),
)


class SubnetService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, actor: Any, data: dict[str, Any]) -> ItSubnet:
        """规划 a subnet (网络运维主管): refused when malformed or overlapping another."""
        ipplan.require_planner(actor, "规划网段")
        values = clean(SUBNET_FIELDS, data)
        with self.db.write(actor) as s:
            stored = ipplan.subnet_values(s, values)
            subnet = ItSubnet(name=values["name"], remarks=values["remarks"] or "", **stored)
            s.add(subnet)
            s.flush()
            return subnet


def _base() -> Any:
    return select(ItSubnet.id).select_from(ItSubnet)


USED = ipplan.used_in(ItSubnet.id)

SUBNET_REGISTER = RegisterSpec(
    key=SUBNET_KEY,
    title="IP地址规划",
    model=ItSubnet,
    columns=(
        Column("name", "名称", ItSubnet.name, 14),
        Column("network", "网段", ItSubnet.network, 14),
        Column("zone", "网络", ItSubnet.zone, 5),
        Column("gateway", "网关", ItSubnet.gateway, 12),
        Column("hosts", "可分配", ItSubnet.hosts, 6, "int"),
        Column("used", "已分配", USED, 6, "int"),
        Column("free", "空闲", ItSubnet.hosts - USED, 6, "int"),
        Column("remarks", "备注", ItSubnet.remarks, 16),
    ),
    base=_base,
    search=(ItSubnet.name, ItSubnet.network, ItSubnet.gateway),
    filters=(
        Filter("inner", "内网", lambda a: ItSubnet.zone == "内网"),
        Filter("outer", "外网", lambda a: ItSubnet.zone == "外网"),
    ),
    visible_to=(roles.IT_OPS, roles.OFFICE_HEAD, roles.LEADER, roles.PRESIDENT, ADMIN),
    form=SUBNET_FIELDS,
    create=lambda db, actor, data: SubnetService(db).add(actor, data),
    create_label="规划网段",
    may_create=ipplan.may_plan,
    create_who="网络运维主管",
    documents=(RegisterDocument(ALLOCATION_KIND, may=lambda a: True, who="能查看IP地址规划的人员"),),
)


def build_allocation(session: Session, subnet_id: int) -> Document:
    subnet = load_or_refuse(session, ItSubnet, subnet_id, "IP地址段", "该网段不存在")
    court = settings.get(session, "court_name")
    style = settings.date_style(session)
    assets = list(session.scalars(select(ItAsset).where(ItAsset.subnet_id == subnet.id).order_by(ItAsset.ip_int)))
    rows = [(str(n), a.ip or "", a.number, a.kind, a.brand_model, a.department.name,
             a.user.name if a.user else "", a.mac or "", a.location)
            for n, a in enumerate(assets, 1)]
    return Document(
        "IP地址分配表",
        (
            Title(f"{court}\nIP地址分配表"),
            Paragraph(f"网段：{subnet.name}　{subnet.network}（{subnet.zone}）　网关：{subnet.gateway or '—'}　"
                      f"可分配{subnet.hosts}个，已分配{len(assets)}个，空闲{subnet.hosts - len(assets)}个", indent=False),
            Paragraph(f"IP地址由网络运维主管统一配置，各部门工作人员不得随意更改（《信息化网络管理暂行规定》第30条）。"
                      f"制表日期：{court_date(clock.today(), style)}", indent=False),
            Table((DocColumn("序号", 0.6), DocColumn("IP地址", 1.5), DocColumn("资产编号", 1.5), DocColumn("设备类型", 1.2),
                   DocColumn("品牌型号", 2.0), DocColumn("使用部门", 1.3), DocColumn("使用人", 0.9),
                   DocColumn("MAC地址", 2.0), DocColumn("存放地点", 1.6)), rows, size=9, split_rows=True),
        ),
        page=PageSetup(orientation="landscape", top_mm=20, bottom_mm=20, left_mm=20, right_mm=20, body_size=12,
                       grid=None),
    )


ALLOCATION_DOCUMENT = DocumentKind(
    ALLOCATION_KIND, "IP地址分配表",
    ids=lambda: select(ItSubnet.id).order_by(ItSubnet.id),
    build=build_allocation,
)
