from django.urls import path

from saferhub.grants.models import ApplicationSection, ProjectReturnSection
from saferhub.grants.views import (
    applicant_awards,
    applying,
    assessing,
    awards,
    exports,
    funds,
    invitations,
    open_data,
    project_reports,
)

app_name = "grants"

# The partnership's funding pages.
base = "p/<slug:slug>/funding/"
grant_round = base + "rounds/<uuid:grant_round_id>/"
review = base + "applications/<uuid:application_id>/"
award = base + "awards/<uuid:award_id>/"
report = base + "reports/<uuid:project_return_id>/"
# Applying for funding and running a funded project: the pages of the people applying, outside any
# partnership.
applying_base = "funding/"
application = applying_base + "applications/<uuid:application_id>/"
my_award = applying_base + "awards/<uuid:award_id>/"
my_report = applying_base + "reports/<uuid:project_return_id>/"


def _dashed(name: str) -> str:
    return name.replace("_", "-")


urlpatterns = [
    # Funds, rounds and their money
    path(base, funds.index, name="index"),
    path(base + "funds/new/", funds.fund_new, name="fund-new"),
    path(base + "funds/<uuid:fund_id>/", funds.fund_detail, name="fund"),
    path(base + "funds/<uuid:fund_id>/rounds/new/", funds.round_new, name="round-new"),
    path(grant_round, assessing.round_detail, name="round"),
    path(grant_round + "close/", assessing.round_close, name="round-close"),
    path(grant_round + "invite/", invitations.round_invite, name="round-invite"),
    # Assessing an application: eligibility, conflicts, scores, moderation, the decision
    path(review, assessing.review, name="review"),
    path(review + "eligibility/", assessing.eligibility, name="eligibility"),
    path(review + "conflict/", assessing.conflict, name="conflict"),
    path(review + "score/", assessing.score, name="score"),
    path(review + "moderate/", assessing.moderate, name="moderate"),
    path(review + "decide/", assessing.decide, name="decide"),
    # Awards: the offer, payments, variations, spend, claw-back and closing
    path(review + "offer/", awards.offer, name="offer"),
    path(award, awards.award_detail, name="award"),
    path(award + "extend/", awards.offer_extend, name="offer-extend"),
    path(award + "instalments/<uuid:instalment_id>/pay/", awards.instalment_pay, name="instalment-pay"),
    path(award + "variations/<uuid:variation_id>/", awards.variation_decide, name="variation-decide"),
    path(award + "spend/", awards.spend, name="spend"),
    path(award + "clawback/", awards.clawback, name="clawback"),
    path(award + "close/", awards.award_close, name="award-close"),
    # Funded projects' quarterly reports
    path(base + "funds/<uuid:fund_id>/reports/new/", project_reports.reports_open, name="reports-open"),
    path(base + "report-rounds/<uuid:report_round_id>/", project_reports.report_round, name="report-round"),
    path(report, project_reports.report_detail, name="report"),
    path(report + "decide/", project_reports.report_decide, name="report-decide"),
    # Exports, safe to open in a spreadsheet
    path(base + "funds/<uuid:fund_id>/awards.csv", exports.fund_awards_csv, name="fund-awards-csv"),
    path(grant_round + "applications.csv", exports.round_applications_csv, name="round-applications-csv"),
    # Applying for funding
    path(applying_base, applying.apply_home, name="apply-home"),
    path(applying_base + "rounds/<uuid:grant_round_id>/", applying.apply_round, name="apply-round"),
    path(applying_base + "rounds/<uuid:grant_round_id>/sign-up/", invitations.sign_up, name="sign-up"),
    path(applying_base + "invitations/<str:token>/", invitations.invitation_accept, name="invitation-accept"),
    path(
        applying_base + "organisations/<uuid:organisation_id>/people/",
        invitations.organisation_people,
        name="organisation-people",
    ),
    path(application, applying.application_detail, name="application"),
    *[
        path(
            application + f"{_dashed(section.value)}/",
            applying.application_section,
            {"section": section.value},
            name=f"application-{section.value}",
        )
        for section in ApplicationSection
    ],
    path(application + "check/", applying.application_check, name="application-check"),
    path(application + "withdraw/", applicant_awards.application_withdraw, name="application-withdraw"),
    # Running a funded project: the offer, variations, the final report and the quarterly reports
    path(my_award, applicant_awards.my_award, name="my-award"),
    path(my_award + "respond/", applicant_awards.offer_respond, name="offer-respond"),
    path(my_award + "variations/new/", applicant_awards.variation_new, name="variation-new"),
    path(my_award + "final-report/", applicant_awards.final_report, name="final-report"),
    path(my_report, project_reports.my_report, name="my-report"),
    *[
        path(
            my_report + f"{_dashed(section.value)}/",
            project_reports.my_report_section,
            {"section": section.value},
            name=f"my-report-{section.value}",
        )
        for section in ProjectReturnSection
    ],
    path(my_report + "check/", project_reports.my_report_check, name="my-report-check"),
    # Open data: what the partnership funded, for how much, for which priority, and what it achieved
    *[
        path(
            f"open-data/<slug:slug>/funded-projects.{extension}",
            open_data.funded_projects,
            {"extension": extension},
            name=f"open-data-{extension}",
        )
        for extension in ("csv", "json")
    ],
]
