"""The authorisation matrix rows for the funding app's URL names, merged into test_authz_matrix.MATRIX, and
the funding records each partnership has for them (and for the history pages of its records)."""

import datetime as dt
from typing import Any

from django.utils import timezone

from saferhub.grants.forms.funds import STANDARD_CRITERIA
from saferhub.grants.models import (
    ApplicationSection,
    ApplicationStatus,
    Award,
    AwardStatus,
    Instalment,
    ProjectReturn,
    ProjectReturnRound,
    Variation,
)
from saferhub.grants.tests.factories import (
    ApplicantMemberFactory,
    ApplicationFactory,
    CriterionFactory,
    FundFactory,
    GrantRoundFactory,
)
from tests.security.grants_matrix import (
    api,
    applicant_awards,
    assessing,
    awards,
    exports,
    invitations,
    open_data,
    project_reports,
)
from tests.security.matrix_words import (
    API_READS,
    APPLICANTS_ONLY,
    MANAGER_ONLY,
    MANAGES,
    READS,
    SIGN_IN,
    SIGNED_IN,
    Expect,
    Row,
)

# Starting an application to A's open round: whoever may read it is refused (400, saying why), as none of
# them applies for an organisation.
APPLIES_FOR_NO_ORGANISATION = Row(SIGN_IN, 400, 400, 400, 400, 400, 400, 400)


def fund_form(w: Any) -> dict[str, Any]:
    return {
        "name": "Serious violence fund",
        "funder": "Office of the Police and Crime Commissioner",
        "accountable_body": "Alpha City Council",
        "financial_year": "2026",
        "total_pence": "50,000",
    }


def round_form(w: Any) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "title": "Summer diversion projects",
        "opens_on": today.isoformat(),
        "closes_on": (today + dt.timedelta(days=28)).isoformat(),
        "eligibility": "Voluntary groups in the city.",
        "max_award_pence": "5000",
        "pass_mark_percent": "65",
        **{f"weight_{key}": str(weight) for key, _, weight in STANDARD_CRITERIA},
    }


def start_form(w: Any) -> dict[str, Any]:
    return {"title": "Safer parks"}


def section_form(section: ApplicationSection) -> Any:
    """A valid form for each section of the application's task list."""

    def data(w: Any) -> dict[str, Any]:
        forms: dict[str, dict[str, Any]] = {
            ApplicationSection.ORGANISATION: {
                "registered_number": "1234567",
                "address": "1 High Street, Alpha AB1 2CD",
                "phone": "01632 960 001",
            },
            ApplicationSection.PROJECT: {
                "title": "Safer parks",
                "summary": "Youth work in the parks.",
                "amount_requested_pence": "5,000",
                "starts_on": "2026-09-01",
                "ends_on": "2027-03-31",
            },
            ApplicationSection.PRIORITIES: {"priorities": [str(w.records["a"]["priority"].public_id)]},
            ApplicationSection.OUTCOMES: {"text_1": "Fewer calls", "measure_1": "Calls", "target_1": "40"},
            ApplicationSection.BUDGET: {"item_1": "Youth workers", "amount_1": "5,000"},
            ApplicationSection.MATCH_FUNDING: {
                "source_1": "Town council",
                "amount_1": "500",
                "confirmed_1": "yes",
            },
            ApplicationSection.QUESTIONS: {"q1": "Through the schools."},
        }
        return forms[section]

    return data


MATRIX: dict[str, Expect] = {
    "grants:index": Expect(READS),
    "grants:fund-new": Expect(MANAGES, data=fund_form),
    "grants:fund": Expect(READS),
    "grants:round-new": Expect(MANAGES, data=round_form),
    # A round's applications: its managers and its assessors (none of the matrix's people assesses A's
    # round, so the grant assessor is refused with the rest: the view tests let an assessor in).
    "grants:round": Expect(MANAGER_ONLY),
    # Applying for funding: outside any partnership. Every open round is open to anyone signed in to read.
    "grants:apply-home": Expect(SIGNED_IN),
    "grants:apply-round": Expect(SIGNED_IN, data=start_form, post=APPLIES_FOR_NO_ORGANISATION, doer=None),
    "grants:application": Expect(APPLICANTS_ONLY),
    **{
        f"grants:application-{section.value}": Expect(APPLICANTS_ONLY, data=section_form(section), doer=None)
        for section in ApplicationSection
    },
    "grants:application-check": Expect(APPLICANTS_ONLY, data=lambda w: {}, doer=None),
    # The JSON API: the funds and their money, read as the pages show them.
    "api-1.0.0:fund_list": Expect(API_READS, auth="token"),
    "api-1.0.0:fund_detail": Expect(API_READS, auth="token"),
    **assessing.MATRIX,
    **awards.MATRIX,
    **applicant_awards.MATRIX,
    **project_reports.MATRIX,
    **exports.MATRIX,
    **invitations.MATRIX,
    **open_data.MATRIX,
    **api.MATRIX,
}

# URL kwarg -> the key of the record in world.records[owner] ("a" or "b") that fills it.
RECORD_KWARGS: dict[str, str] = {
    "fund_id": "fund",
    "grant_round_id": "round",
    "application_id": "application",
    "award_id": "award",
    "instalment_id": "instalment",
    "variation_id": "variation",
    "report_round_id": "report_round",
    "project_return_id": "project_return",
    "organisation_id": "applicant_organisation",
}


def records(world: Any) -> None:
    """Adds each partnership's funding records to world.records["a"] and world.records["b"]: a fund with an
    open round, an approved application of a voluntary group and the award offered to it."""
    for owner in ("a", "b"):
        records = world.records[owner]
        fund = FundFactory(partnership=records["plan"].partnership, name=f"Locality fund {owner.upper()}")
        grant_round = GrantRoundFactory(fund=fund, title="Community projects 2026/27")
        CriterionFactory(grant_round=grant_round, name="Fit with the partnership's priorities")
        applicant = ApplicantMemberFactory(organisation__name=f"Youth group {owner.upper()}")
        application = ApplicationFactory(
            grant_round=grant_round,
            organisation=applicant.organisation,
            contact=applicant.user,
            title="Safer streets after school",
            amount_requested_pence=1_000_000,
            status=ApplicationStatus.APPROVED,
        )
        award = Award.objects.create(
            application=application,
            amount_pence=1_000_000,
            respond_by=timezone.localdate(),
            status=AwardStatus.ACCEPTED,
        )
        instalment = Instalment.objects.create(award=award, position=1, amount_pence=1_000_000)
        variation = Variation.objects.create(
            award=award, description="A later end", requested_by=applicant.user
        )
        report_round = ProjectReturnRound.objects.create(
            fund=fund,
            partnership=fund.partnership,
            financial_year=2026,
            quarter=1,
            due_on=timezone.localdate() + dt.timedelta(days=14),
        )
        project_return = ProjectReturn.objects.create(reporting_round=report_round, award=award)
        records.update(
            {
                "fund": fund,
                "round": grant_round,
                "application": application,
                "applicant_organisation": applicant.organisation,
                "award": award,
                "instalment": instalment,
                "variation": variation,
                "report_round": report_round,
                "project_return": project_return,
            }
        )
