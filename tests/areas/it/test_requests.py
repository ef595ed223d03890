"""设备申领 (《信息化网络管理暂行规定》第14条、第5条): department head and 信建办 approve, ops issue an
in-stock device of the kind asked for, the requester confirms receipt and the device shows under him."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from courtdesk.areas.it.models import ItAsset
from courtdesk.areas.it.request_models import ItRequest
from courtdesk.areas.it.requests import REQUEST_DOCUMENT_KIND, REQUEST_REGISTER, RequestService
from courtdesk.areas.it.service import ASSET_REGISTER
from courtdesk.kernel import printing
from courtdesk.kernel.documents import render_pdf
from courtdesk.kernel.errors import DomainError
from courtdesk.kernel.registers import RegisterQuery
from tests.support.readback import pdf_page_texts, squash
from tests.support.refusal import refused


def _refused(db: Any, call: Any, field: str, article: str) -> DomainError:
    return refused(db, call, field, article, or_in_rule=True)


def _stock(db: Any, kind: str, status: str = "in_stock") -> int:
    with db.read() as s:
        found = s.scalars(select(ItAsset.id).where(ItAsset.kind == kind, ItAsset.status == status)
                          .order_by(ItAsset.id)).first()
    assert found is not None
    return found


def _ids(db: Any, spec: Any, actor: Any, filter_key: str) -> set[int]:
    with db.read() as s:
        return set(RegisterQuery(spec, filter_key=filter_key).ids(s, actor))


def test_a_request_goes_from_the_head_to_the_office_to_stock_and_shows_under_the_requester(db, users):
    service = RequestService(db)
    judge = users["judge"]
    request = service.file(judge, {"kind": "打印机", "reason": "文书打印"})
    assert request.number.startswith("(2026)信申") and request.status == "dept"
    # the department head sees it waiting; the judge cannot approve her own; the office head not yet
    assert request.id in _ids(db, REQUEST_REGISTER, users["civil_head"], "to_dept")
    _refused(db, lambda: service.act(judge, request.id, "dept_approve"), "操作人", "第14条")
    _refused(db, lambda: service.act(users["enforce_head"], request.id, "dept_approve"), "操作人", "第14条")
    service.act(users["civil_head"], request.id, "dept_approve", "同意")
    assert request.id in _ids(db, REQUEST_REGISTER, users["office_head"], "to_office")
    service.act(users["office_head"], request.id, "office_approve", "同意")
    printer = _stock(db, "打印机")
    _refused(db, lambda: service.act(users["itops"], request.id, "issue", asset_id=_stock(db, "台式计算机")),
             "发放设备", "第14条")
    service.act(users["itops"], request.id, "issue", asset_id=printer)
    _refused(db, lambda: service.act(users["itops"], request.id, "receive"), "操作人", "第14条")
    assert request.id in _ids(db, REQUEST_REGISTER, judge, "to_receive")
    service.act(judge, request.id, "receive")
    with db.read() as s:
        asset = s.get(ItAsset, printer)
        assert asset.status == "in_use" and asset.user_id == judge.id
        assert s.get(ItRequest, request.id).status == "received"
    assert printer in _ids(db, ASSET_REGISTER, judge, "mine")


def test_self_approval_is_refused_and_nothing_is_written(db, users):
    service = RequestService(db)
    head = users["civil_head"]
    request = service.file(head, {"kind": "扫描仪", "reason": "扫描卷宗"})
    error = _refused(db, lambda: service.act(head, request.id, "dept_approve"), "操作人", "第14条")
    assert "本人" in str(error)
    # a head's own request goes to a court leader
    service.act(users["leader"], request.id, "dept_approve")
    office = users["office_head"]
    own = service.file(office, {"kind": "打印机", "reason": "办公"})
    _refused(db, lambda: service.act(office, own.id, "dept_approve"), "操作人", "第14条")


def test_issuing_a_scrapped_asset_is_refused_naming_the_article(db, users):
    service = RequestService(db)
    request = service.file(users["judge"], {"kind": "台式计算机", "reason": "更换"})
    service.act(users["civil_head"], request.id, "dept_approve")
    service.act(users["office_head"], request.id, "office_approve")
    with db.write() as s:  # a device scrapped through the asset ledger's system steps
        from courtdesk.areas.it.service import move

        asset = s.get(ItAsset, _stock(db, "台式计算机"))
        ops = s.merge(users["itops"])
        move(s, ops, asset, "to_scrap", "报废鉴定")
        move(s, ops, asset, "scrapped", "批准报废")
        scrapped = asset.id
    error = _refused(db, lambda: service.act(users["itops"], request.id, "issue", asset_id=scrapped), "发放设备",
                     "第22条")
    assert "已报废" in str(error)


def test_returned_with_reason_and_marked_for_procurement(db, users):
    service = RequestService(db)
    request = service.file(users["civil_clerk"], {"kind": "笔记本电脑", "reason": "外出开庭"})
    _refused(db, lambda: service.act(users["civil_head"], request.id, "dept_return"), "意见", "")
    service.act(users["civil_head"], request.id, "dept_return", "暂不配发")
    with db.read() as s:
        assert s.get(ItRequest, request.id).status == "returned"


def test_demo_requests_in_every_state_and_the_form_reads_back(db, users, tmp_path):
    with db.read() as s:
        states = set(s.scalars(select(ItRequest.status)))
        assert states >= {"dept", "office", "issue", "procure", "receive", "received", "returned"}
        received = s.scalars(select(ItRequest.id).where(ItRequest.status == "received")).first()
        doc = printing.kind(REQUEST_DOCUMENT_KIND).build(s, received)
    render_pdf(doc, tmp_path / "request.pdf")
    text = squash("".join(pdf_page_texts(tmp_path / "request.pdf")))
    for said in ("信息化设备申领单", "部门负责人意见", "信建办意见", "发放设备", "郑洁", "吴涛", "李强", "高峰"):
        assert squash(said) in text, said
    assert any(d.kind == REQUEST_DOCUMENT_KIND for d in REQUEST_REGISTER.documents)


def test_dashboards_lead_to_filtered_lists(db, users):
    with db.read() as s:
        items = {i.title: i for i in REQUEST_REGISTER.dashboard(s, users["office_head"])}
        assert items["待信建办审批的设备申领"].count >= 1
        items = {i.title: i for i in REQUEST_REGISTER.dashboard(s, users["itops"])}
        assert items["待发放的设备申领"].count >= 2  # one 待发放, one 待采购
        items = {i.title: i for i in REQUEST_REGISTER.dashboard(s, users["civil_clerk"])}
        assert items["待我确认领取的设备"].count == 1


def test_a_department_without_a_head_goes_to_a_court_leader(db, users):
    service = RequestService(db)
    request = service.file(users["finance"], {"kind": "打印机", "reason": "打印凭证"})  # 财务室 has no head
    assert request.id in _ids(db, REQUEST_REGISTER, users["leader"], "to_dept")
    assert request.id not in _ids(db, REQUEST_REGISTER, users["civil_head"], "to_dept")
    service.act(users["leader"], request.id, "dept_approve")
    with db.read() as s:
        assert s.get(ItRequest, request.id).status == "office"


def test_marked_for_procurement_then_issued_once_one_is_in_stock(db, users):
    with db.read() as s:
        request_id = s.scalars(select(ItRequest.id).where(ItRequest.status == "procure")).one()
        kind = s.get(ItRequest, request_id).kind
        requester = s.get(ItRequest, request_id).requester_id
    assert request_id in _ids(db, REQUEST_REGISTER, users["itops"], "to_issue")
    from courtdesk.areas.it.service import AssetService

    asset = AssetService(db).register(users["itops"], {"kind": kind, "brand_model": "联想 开天N70z",
                                                       "department_id": users["itops"].department_id,
                                                       "network": "内网", "classified": "no"})
    RequestService(db).act(users["itops"], request_id, "issue", asset_id=asset.id)
    with db.read() as s:
        assert s.get(ItAsset, asset.id).user_id == requester
        assert s.get(ItRequest, request_id).status == "receive"
