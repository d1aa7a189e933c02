"""The authorisation matrix rows of the ASB app's settings pages, merged by matrix_asb."""

from typing import Any

from tests.security.matrix_words import MANAGES_CASEWORK, Expect


def settings_form(w: Any) -> dict[str, Any]:
    """Every number changed from its default, and the default matrix."""
    return {
        "risk_assessment_within_days": "7",
        "risk_review_every_days": "30",
        "abc_review_days": "180",
        "cpw_compliance_days": "21",
        "cpn_appeal_days": "21",
        "fpn_payment_days": "14",
        "closure_hearing_hours": "48",
        "closure_order_months": "3",
        "closure_order_max_months": "6",
        "new_incident_days": "7",
        "use_default_matrix": "on",
        "questions": "",
        "medium": "6",
        "high": "14",
    }


MATRIX: dict[str, Expect] = {"asb:settings": Expect(MANAGES_CASEWORK, data=settings_form)}
