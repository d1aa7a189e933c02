"""The authorisation matrix rows of the funding app's api endpoints, merged by matrix_grants.

Under /partnerships/{slug}/, funds, rounds and awards are read by whoever sees the partnership; its
applications and its projects' reports by its managers (and a round's assessors, but none of the matrix's
people assesses A's round): the lists are empty for the rest, and one record is a 404. Under /funding/, an
applicant's own records: none of the matrix's people applies for an organisation, so each list is empty
and each record a 404 to all of them. Writing a report's figures is a PUT (a POST is 405, as everywhere in
the API): its refusals are in saferhub/grants/tests/test_api.py.
"""

from tests.security.matrix_words import API_READS, API_SIGNED_IN, Expect, Row

# fmt: off
#                          anonymous  manager  theme_lead  analyst  member  county  other  nobody
API_MANAGER_ONLY   = Row(401,       200,     404,        404,     404,    404,    404,   404)
API_APPLICANT_ONLY = Row(401,       404,     404,        404,     404,    404,    404,   404)
# fmt: on

MATRIX: dict[str, Expect] = {
    "api-1.0.0:round_list": Expect(API_READS, auth="token"),
    "api-1.0.0:round_detail": Expect(API_READS, auth="token"),
    "api-1.0.0:application_list": Expect(API_READS, auth="token"),
    "api-1.0.0:application_detail": Expect(API_MANAGER_ONLY, auth="token"),
    "api-1.0.0:award_list": Expect(API_READS, auth="token"),
    "api-1.0.0:award_detail": Expect(API_MANAGER_ONLY, auth="token"),
    "api-1.0.0:project_return_list": Expect(API_READS, auth="token"),
    "api-1.0.0:project_return_detail": Expect(API_MANAGER_ONLY, auth="token"),
    "api-1.0.0:project_return_figures": Expect(API_MANAGER_ONLY, auth="token"),
    # The same URL as project_return_figures: GET reads the figures, PUT sends them.
    "api-1.0.0:project_return_figures_save": Expect(API_MANAGER_ONLY, auth="token"),
    "api-1.0.0:applicant_application_list": Expect(API_SIGNED_IN, auth="token"),
    "api-1.0.0:applicant_application_detail": Expect(API_APPLICANT_ONLY, auth="token"),
    "api-1.0.0:applicant_award_list": Expect(API_SIGNED_IN, auth="token"),
    "api-1.0.0:applicant_award_detail": Expect(API_APPLICANT_ONLY, auth="token"),
    "api-1.0.0:applicant_project_return_list": Expect(API_SIGNED_IN, auth="token"),
    "api-1.0.0:applicant_project_return_detail": Expect(API_APPLICANT_ONLY, auth="token"),
    "api-1.0.0:applicant_project_return_figures": Expect(API_APPLICANT_ONLY, auth="token"),
    # The same URL as applicant_project_return_figures: GET reads the figures, PUT sends them.
    "api-1.0.0:applicant_project_return_figures_save": Expect(API_APPLICANT_ONLY, auth="token"),
}
