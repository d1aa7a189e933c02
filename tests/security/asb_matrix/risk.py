"""The authorisation matrix rows of the ASB app's risk pages, merged by matrix_asb.

A risk assessment is of a victim: the case's party the matrix names by default (`case_party`) is its
perpetrator, so the new-assessment page does not exist for them to anyone; on the case's victim it is the
case's workers' (the lead organisation's managers and case officer). A control POST by a case worker is in
saferhub/asb/tests/test_risk.py, since the matrix's control posts to the default record.
"""

import datetime as dt
from typing import Any

from django.utils import timezone

from saferhub.asb.models import CaseParty, PartyRole
from tests.security.matrix_words import CASE_WORKERS, SIGN_IN, Expect, Row

# fmt: off
#                       anonymous  manager  theme_lead  analyst  member  county  other  nobody
NOT_A_VICTIM = Row(SIGN_IN,   404,     404,        404,     404,    404,    404,   404, case_officer=404)
# fmt: on


def records(world: Any, owner: str) -> None:
    kept = world.records[owner]
    kept["victim"] = CaseParty.objects.get(case=kept["case"], role=PartyRole.VICTIM)


def assessment_form(w: Any) -> dict[str, Any]:
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    return {"answers": ["repeat", "worse"], "assessed_on": yesterday.isoformat(), "flag": "", "notes": "x"}


MATRIX: dict[str, Expect] = {
    "asb:risk-new": Expect(
        NOT_A_VICTIM,
        data=assessment_form,
        doer=None,
        also={"the case's victim": ({"case_party_id": "victim"}, CASE_WORKERS)},
    ),
    "asb:risk": Expect(CASE_WORKERS),
}
