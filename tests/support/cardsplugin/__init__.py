"""名片印制 — a toy area offered by another distribution through the ``courtdesk.areas`` entry point.

It brings what a real area brings and CourtDesk knows nothing of: its own table (``cards_card``) with
its migrations in its own package (``migrations/``, its own alembic branch; the test writes the first
one with ``python -m courtdesk new-migration cards …``), a workflow (申请 → 印制 / 作废), a register,
a document and a demo filler. The test copies this package next to a ``.dist-info`` naming it and runs
CourtDesk in a fresh process, so the test process itself never maps the table.

Imports are relative: the package is installed under another name (``courtdesk_cards``).
"""

from __future__ import annotations

from pathlib import Path

from courtdesk.kernel.area import Area

from .cards import CARD_DOCUMENT, CARD_KEEPER, CARD_REGISTER, demo_cards

AREA = Area(
    key="cards",
    title="名片印制",
    order=98,
    depends=("system",),
    roles=(CARD_KEEPER,),
    registers=(CARD_REGISTER,),
    documents=(CARD_DOCUMENT,),
    demo=(demo_cards,),
    migrations=str(Path(__file__).resolve().parent / "migrations"),
)
