"""系统管理 — the court's departments and people, its office posts (roles) and the demo accounts.

Users, departments, roles and settings are administered in the Qt client's 系统管理 page through the
kernel's people and settings services; this area adds the court-wide posts every other area asks for
and the people a new user logs in as.
"""

from courtdesk.areas.system import roles
from courtdesk.areas.system.demo import fill_people
from courtdesk.areas.system.setup import STEPS
from courtdesk.kernel.area import Area

AREA = Area(
    key="system",
    title="系统管理",
    order=0,
    roles=(roles.CLERK, roles.OFFICE_HEAD, roles.DEPT_HEAD, roles.LEADER, roles.FINANCE, roles.FINANCE_LEADER,
           roles.PRESIDENT, roles.SECRECY, roles.IT_OPS),
    demo=(fill_people,),
    setup=STEPS,
)
