"""介绍信与盖章空白信笺 — introduction letters (stub + letter) and blank sealed letterhead
(SPEC §1; 保密工作制度 第二十条(2)(3))."""

from courtdesk.areas.letters.demo import bulk_letters, demo_letterhead, demo_letters
from courtdesk.areas.letters.document import LETTER_DOCUMENT
from courtdesk.areas.letters.letterhead import LETTERHEAD_REGISTER
from courtdesk.areas.letters.service import LETTER_REGISTER
from courtdesk.kernel.area import Area

AREA = Area(
    key="letters",
    title="介绍信与空白信笺",
    menu="印章与介绍信",
    order=30,
    depends=("seals",),
    registers=(LETTERHEAD_REGISTER, LETTER_REGISTER),
    documents=(LETTER_DOCUMENT,),
    demo=(demo_letters, demo_letterhead),
    bulk_demo=(bulk_letters,),
)
