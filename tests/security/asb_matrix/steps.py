"""The authorisation matrix rows of the ASB app's steps pages, merged by matrix_asb. A's perpetrator is at
a Community Protection Warning: advice is a step the law allows from there."""

import datetime as dt

from django.utils import timezone

from tests.security.matrix_words import CASE_WORKERS, Expect

MATRIX: dict[str, Expect] = {
    "asb:step-new": Expect(
        CASE_WORKERS,
        data=lambda w: {
            "step": "advice",
            "issued_on": timezone.localdate().isoformat(),
            "comment": "Spoke to him",
        },
    ),
    "asb:conviction": Expect(
        CASE_WORKERS,
        data=lambda w: {"convicted_on": (timezone.localdate() - dt.timedelta(days=10)).isoformat()},
    ),
    "asb:step-outcome": Expect(CASE_WORKERS, data=lambda w: {"outcome": "complied"}),
}
