"""IP 地址规划 (《信息化网络管理暂行规定》第30条): subnets kept by the 网络运维主管, 内网 and 外网 apart
(第25条); an address is given only inside a subnet of the asset's own network, never twice, and is freed
when the asset is scrapped."""

from __future__ import annotations

import ipaddress
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.orm import Session

from courtdesk.areas.it.models import ItAsset, ItSubnet
from courtdesk.areas.system import roles
from courtdesk.kernel.errors import PermissionDenied, ValidationError
from courtdesk.kernel.models.people import ADMIN, User

BOOK = "《信息化网络管理暂行规定》"
RULE_IP = f"{BOOK}第30条"
RULE_APART = f"{BOOK}第25条"
RULE_CLASSIFIED_NET = "《保密工作制度》第三十四条(5)"
ZONES = ("内网", "外网")
#: The networks an asset may be on; 涉密单机 and 不联网 take no address.
NETWORKS = ("内网", "外网", "涉密单机", "不联网")
#: Who keeps the plan and gives addresses: the 网络运维主管 (and the administrator).
PLANNERS = (roles.IT_OPS, ADMIN)


def parse_network(text: str) -> ipaddress.IPv4Network:
    try:
        net = ipaddress.IPv4Network((text or "").strip(), strict=True)
    except ValueError:
        raise ValidationError(f"网段：「{text}」不是有效的网段，应写作 10.12.1.0/24（网络地址/前缀长度）",
                              field="网段", rule=RULE_IP) from None
    if net.prefixlen > 30 or net.prefixlen < 16:
        raise ValidationError(f"网段：前缀长度应在 /16 到 /30 之间，现为 /{net.prefixlen}", field="网段", rule=RULE_IP)
    return net


def parse_ip(text: str, field: str = "IP地址") -> ipaddress.IPv4Address:
    try:
        return ipaddress.IPv4Address((text or "").strip())
    except ValueError:
        raise ValidationError(f"{field}：「{text}」不是有效的 IPv4 地址（如 10.12.1.23）", field=field, rule=RULE_IP) \
            from None


def subnet_values(session: Session, data: dict[str, Any], own_id: int | None = None) -> dict[str, Any]:
    """A subnet as it will be stored, refused when the network is malformed, the zone unknown, or it
    overlaps a subnet already in the plan."""
    net = parse_network(str(data.get("network") or ""))
    zone = data.get("zone")
    if zone not in ZONES:
        raise ValidationError(f"网络：应为 内网 或 外网，不能为「{zone or '（空）'}」", field="网络", rule=RULE_APART)
    first, last = int(net.network_address) + 1, int(net.broadcast_address) - 1
    clash = session.scalars(select(ItSubnet).where(ItSubnet.first_int <= last + 1, ItSubnet.last_int >= first - 1,
                                                   ItSubnet.id != (own_id or 0))).first()
    if clash is not None:
        raise ValidationError(f"网段：{net} 与已有网段「{clash.name} {clash.network}」重叠", field="网段", rule=RULE_IP)
    gateway = str(data.get("gateway") or "").strip()
    if gateway:
        address = parse_ip(gateway, "网关")
        if address not in net:
            raise ValidationError(f"网关：{gateway} 不在网段 {net} 内", field="网关", rule=RULE_IP)
    return {"network": str(net), "zone": zone, "gateway": gateway, "hosts": max(net.num_addresses - 2, 0),
            "first_int": first, "last_int": last}


def place(session: Session, asset: ItAsset, text: str) -> None:
    """Give ``asset`` the address ``text``: refused for a classified or unnetworked asset, an address
    outside every subnet, a subnet of the other network, or an address another asset holds."""
    if asset.classified:
        raise PermissionDenied(f"IP地址：{asset.number}为涉密设备，必须单机使用，严禁接入任何网络",
                               field="IP地址", rule=RULE_CLASSIFIED_NET)
    if asset.network not in ZONES:
        raise ValidationError(f"IP地址：{asset.number}的网络为「{asset.network}」，不分配IP地址", field="IP地址",
                              rule=RULE_IP)
    address = parse_ip(text)
    value = int(address)
    subnet = session.scalars(select(ItSubnet).where(ItSubnet.first_int <= value, ItSubnet.last_int >= value)).first()
    if subnet is None:
        raise ValidationError(f"IP地址：{address} 不在IP地址规划的任何网段内，请先由网络运维主管规划网段",
                              field="IP地址", rule=RULE_IP)
    if subnet.zone != asset.network:
        raise ValidationError(f"IP地址：{address} 属于{subnet.zone}网段「{subnet.name} {subnet.network}」，"
                              f"不能分配给{asset.network}设备（内网与外网必须物理隔离）", field="IP地址", rule=RULE_APART)
    if subnet.gateway and str(address) == subnet.gateway:
        raise ValidationError(f"IP地址：{address} 是网段「{subnet.name}」的网关", field="IP地址", rule=RULE_IP)
    holder = session.scalars(select(ItAsset).where(ItAsset.ip_int == value, ItAsset.id != asset.id)).first()
    if holder is not None:
        raise ValidationError(f"IP地址：{address} 已分配给{holder.label}，不能重复分配", field="IP地址", rule=RULE_IP)
    asset.ip, asset.ip_int, asset.subnet_id = str(address), value, subnet.id


def free(asset: ItAsset) -> str:
    """Take the asset's address back (报废, 收回, 改为不联网); returns the address freed ("" if none)."""
    freed = asset.ip or ""
    asset.ip, asset.ip_int, asset.subnet_id = None, None, None
    return freed


def used_in(subnet_id: Any) -> Any:
    """SQL: how many addresses of a subnet are held."""
    return (select(func.count(ItAsset.id)).where(ItAsset.subnet_id == subnet_id).correlate_except(ItAsset)
            .scalar_subquery())


def may_plan(actor: User) -> bool:
    return actor.has(*PLANNERS)


def require_planner(actor: User, what: str) -> None:
    if not may_plan(actor):
        raise PermissionDenied(f"操作人：IP地址由网络运维主管统一配置，{what}须由网络运维主管办理", field="操作人",
                               rule=RULE_IP)


def in_subnet(subnet: ItSubnet) -> ColumnElement[bool]:
    return and_(ItAsset.ip_int >= subnet.first_int, ItAsset.ip_int <= subnet.last_int)
