"""The authorisation matrix rows of the ASB app's JSON API, merged by matrix_asb.

As the pages: the case list and the incidents are for those who work cases in A (its managers and its case
officer, for the council); A's other people are refused (403), and B's do not see A at all (404). A's case,
led by the council, exists only for those who work cases for the council. Sending a report is a JSON POST to
the incidents' URL (a form POST is not JSON): its refusals and what it stores are in
saferhub/asb/tests/test_api.py.
"""

from tests.security.matrix_words import Expect, Row

# fmt: off
#                          anonymous  manager  theme_lead  analyst  member  county  other  nobody
API_OPENS_CASES  = Row(401,       200,     403,        403,     403,    403,    404,   404, case_officer=200)
API_CASE_WORKERS = Row(401,       200,     404,        404,     404,    404,    404,   404, case_officer=200)
# fmt: on

MATRIX: dict[str, Expect] = {
    "api-1.0.0:asb_case_list": Expect(API_OPENS_CASES, auth="token"),
    "api-1.0.0:asb_case_detail": Expect(API_CASE_WORKERS, auth="token"),
    "api-1.0.0:asb_incident_list": Expect(API_OPENS_CASES, auth="token"),
    # The same URL as asb_incident_list: GET lists the incidents, POST sends a report.
    "api-1.0.0:asb_incident_record": Expect(API_OPENS_CASES, auth="token"),
}
