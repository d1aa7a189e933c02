"""The authorisation matrix rows of the ASB app's cases pages, merged by matrix_asb.

A's case is led by its council: its managers and case officer (who work cases for the council) lead it; to
A's other people it does not exist. A second case of A's council is there to be merged into and linked to.
"""

from typing import Any

from django.utils import timezone

from saferhub.asb.tests.factories import CaseFactory
from saferhub.partnerships.models import Organisation
from tests.security.matrix_words import CASE_WORKERS, OPENS_CASES, Expect


def records(world: Any, owner: str) -> None:
    world.records[owner]["other_case"] = CaseFactory(
        partnership=world.a if owner == "a" else world.b,
        lead_organisation=Organisation.objects.get(name="Alpha City Council"),
        summary=f"Another case of {owner.upper()}",
    )


def _council(w: Any) -> str:
    return str(Organisation.objects.get(name="Alpha City Council").public_id)


def _other(w: Any) -> dict[str, Any]:
    return {"reference": w.records["a"]["other_case"].reference, "reason": "The same block"}


MATRIX: dict[str, Expect] = {
    "asb:cases": Expect(OPENS_CASES),
    "asb:case-new": Expect(
        OPENS_CASES,
        data=lambda w: {
            "summary": "Opened by the test",
            "lead_organisation": _council(w),
            "opened_on": timezone.localdate().isoformat(),
            "postcode": "LE9 9ZZ",
            "confirmed": "on",
        },
    ),
    "asb:case": Expect(CASE_WORKERS),
    "asb:case-edit": Expect(
        CASE_WORKERS,
        data=lambda w: {"summary": "Changed by the test", "lead_officer": "", "postcode": "LE1 4FP"},
    ),
    "asb:incident-new": Expect(
        CASE_WORKERS,
        data=lambda w: {
            "occurred_on": timezone.localdate().isoformat(),
            "occurred_time": "01:30",
            "reported_on": timezone.localdate().isoformat(),
            "reporting_organisation": _council(w),
            "reference": "MATRIX-1",
            "category": "nuisance",
            "description": "Recorded by the test.",
            "confirmed": "on",
        },
    ),
    "asb:incident": Expect(CASE_WORKERS),
    "asb:party-new": Expect(
        CASE_WORKERS,
        data=lambda w: {"role": "witness", "kind": "person", "name": "Matrix Witness", "existing": "new"},
    ),
    "asb:case-close": Expect(CASE_WORKERS, data=lambda w: {"comment": "Closed by the test"}),
    # A's case is open: reopening it is refused on the form (400) even to its lead, so no control test.
    "asb:case-reopen": Expect(CASE_WORKERS, data=lambda w: {"comment": "Reopened by the test"}, doer=None),
    "asb:case-link": Expect(CASE_WORKERS, data=_other),
    "asb:case-merge": Expect(CASE_WORKERS, data=_other),
}
