"""Funded projects' quarterly reports through their pages: the managers open a quarter, the project fills in
its report section by section and submits it, the managers return it with comments or accept it. Nobody
else learns a report exists."""

import datetime as dt
import html
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from saferhub.audit.models import AuditEvent, AuditVerb
from saferhub.grants import services
from saferhub.grants.models import (
    ApplicationStatus,
    Award,
    AwardStatus,
    BudgetLine,
    Outcome,
    ProjectReturn,
    ProjectReturnSection,
    Spend,
)
from saferhub.grants.returns import PROJECT_RETURN
from saferhub.grants.tests.factories import ApplicationFactory
from saferhub.reporting import services as reporting

SCRIPT = "<script>alert(1)</script>"


class Project:
    """A's running project (an accepted award, with an outcome and two budget lines) and a declined one."""

    def __init__(self, funding: Any) -> None:
        self.funding = funding
        self.fund = funding.grant_round.fund
        organisation = funding.applicant.applicant_memberships.get().organisation
        application = ApplicationFactory(
            grant_round=funding.grant_round,
            organisation=organisation,
            contact=funding.applicant,
            title="Safer streets after school",
            amount_requested_pence=1_000_000,
            status=ApplicationStatus.APPROVED,
        )
        self.outcome = Outcome.objects.create(
            application=application, text="Fewer young people drawn into ASB", measure="Referrals", target=40
        )
        self.workers = BudgetLine.objects.create(
            application=application, item="Youth workers", amount_pence=800_000, position=1
        )
        self.venue = BudgetLine.objects.create(
            application=application, item="Venue hire", amount_pence=200_000, position=2
        )
        self.award = Award.objects.create(
            application=application,
            amount_pence=1_000_000,
            respond_by=timezone.localdate(),
            status=AwardStatus.ACCEPTED,
        )
        other_organisation = funding.other_applicant.applicant_memberships.get().organisation
        self.declined = Award.objects.create(
            application=ApplicationFactory(
                grant_round=funding.grant_round,
                organisation=other_organisation,
                contact=funding.other_applicant,
                title="Declined project",
                status=ApplicationStatus.APPROVED,
            ),
            amount_pence=500_000,
            respond_by=timezone.localdate(),
            status=AwardStatus.DECLINED,
        )

    def open_quarter(self, manager: Any, due_on: dt.date | None = None) -> ProjectReturn:
        reporting_round, _ = services.project_returns_open(
            actor=manager,
            fund=self.fund,
            financial_year=2026,
            quarter=1,
            due_on=due_on or timezone.localdate() + dt.timedelta(days=14),
        )
        return reporting_round.returns.get(award=self.award)

    def answers(self) -> dict[ProjectReturnSection, dict[str, str]]:
        """A valid form for each section, as the project types it."""
        return {
            ProjectReturnSection.PROGRESS: {"progress": f"Twelve sessions run. {SCRIPT}"},
            ProjectReturnSection.FIGURES: {f"o_{self.outcome.public_id.hex}": "12"},
            ProjectReturnSection.SPEND: {
                f"l_{self.workers.public_id.hex}": "£7,000",
                f"l_{self.venue.public_id.hex}": "1,500.50",
            },
            ProjectReturnSection.CASE_STUDY: {"case_study": "A young person found an apprenticeship."},
            ProjectReturnSection.RISKS: {"risks": "None"},
        }


@pytest.fixture
def project(funding) -> Project:
    return Project(funding)


def my_url(name: str, report: ProjectReturn) -> str:
    return reverse(f"grants:{name}", args=[report.public_id])


def managers_url(name: str, report: ProjectReturn) -> str:
    return reverse(f"grants:{name}", args=["alpha", report.public_id])


def as_applicant(client, project: Project):
    client.force_login(project.funding.applicant)
    return client


def test_a_manager_opens_a_quarter_with_a_report_for_each_running_project_only(project, sign_in):
    due = timezone.localdate() + dt.timedelta(days=30)
    response = sign_in("partnership_manager").post(
        reverse("grants:reports-open", args=["alpha", project.fund.public_id]),
        {
            "quarter": "2",
            "financial_year": "2026",
            "due_on": due.isoformat(),
            "remind_days_before": "10",
            "remind_days_after": "2",
        },
        follow=True,
    )
    [report] = ProjectReturn.objects.all()
    assert report.award == project.award  # none for the declined offer
    assert (report.reporting_round.remind_days_before, report.reporting_round.remind_days_after) == (10, 2)
    page = response.content.decode()
    assert "2026/27 Q2: 1 project reports opened" in page
    assert "Safer streets after school" in page and "Declined project" not in page
    assert "reminded 10 days before" in page


def test_a_due_date_in_the_past_is_refused_on_its_field_and_nothing_opens(project, sign_in):
    response = sign_in("partnership_manager").post(
        reverse("grants:reports-open", args=["alpha", project.fund.public_id]),
        {
            "quarter": "1",
            "financial_year": "2026",
            "due_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
            "remind_days_before": "7",
            "remind_days_after": "3",
        },
    )
    assert response.status_code == 400
    assert "Enter a due date today or later" in response.content.decode()
    assert not ProjectReturn.objects.exists()


def test_the_project_reports_is_returned_resubmits_and_the_manager_accepts(
    project, client, manager, world, django_capture_on_commit_callbacks
):
    report = project.open_quarter(manager)
    applicant = as_applicant(client, project)
    answers = project.answers()

    applicant.post(my_url("my-report-progress", report), answers[ProjectReturnSection.PROGRESS])
    refused = applicant.post(my_url("my-report-check", report))
    assert refused.status_code == 400
    assert (
        "Complete every section before you submit: The measures' figures, Spend against the budget, "
        "A case study, Risks and help needed"
    ) in html.unescape(refused.content.decode())
    report.refresh_from_db()
    assert report.status == "draft"

    for section, form in answers.items():
        saved = applicant.post(my_url(f"my-report-{section.value}", report), form)
        assert saved.status_code == 302, saved.content.decode()
    task_list = applicant.get(my_url("my-report", report)).content.decode()
    assert task_list.count("Completed") == len(ProjectReturnSection)
    assert applicant.post(my_url("my-report-check", report)).status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted"
    assert report.spend == {str(project.workers.public_id): 700_000, str(project.venue.public_id): 150_050}

    managers = client
    managers.force_login(manager)
    page = managers.get(managers_url("report", report)).content.decode()
    assert "£8,000.00" in page and "£7,000.00" in page and "£1,000.00" in page  # workers: budget, spent, left
    assert "£2,000.00" in page and "£1,500.50" in page and "£499.50" in page  # venue
    assert "Referrals" in page and "40" in page and "12" in page
    decide = managers_url("report-decide", report)
    no_comment = managers.post(decide, {"decision": "return", "comment": "  "})
    assert no_comment.status_code == 400
    assert "Enter what the project should change" in no_comment.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        managers.post(decide, {"decision": "return", "comment": "Say how the venue money was spent."})
    report.refresh_from_db()
    assert report.status == "returned"
    [email] = mail.outbox
    assert my_url("my-report", report) in email.body

    applicant = as_applicant(client, project)
    returned = applicant.get(my_url("my-report", report)).content.decode()
    assert "Say how the venue money was spent." in returned and "Check and submit" in returned
    applicant.post(
        my_url("my-report-spend", report),
        {**answers[ProjectReturnSection.SPEND], f"l_{project.venue.public_id.hex}": "1,200"},
    )
    assert applicant.post(my_url("my-report-check", report)).status_code == 302

    managers.force_login(manager)
    managers.post(decide, {"decision": "accept", "comment": ""})
    report.refresh_from_db()
    assert report.status == "accepted"
    assert Spend.objects.get(budget_line=project.venue).amount_pence == 120_000
    applicant = as_applicant(client, project)
    sent = applicant.get(my_url("my-report", report)).content.decode()
    assert "can no longer be changed" in sent and "Accepted" in sent
    assert applicant.get(my_url("my-report-risks", report)).status_code == 302  # back to it, not a form


def test_spend_that_is_not_money_is_refused_on_its_field_and_nothing_is_saved(project, client, manager):
    report = project.open_quarter(manager)
    response = as_applicant(client, project).post(
        my_url("my-report-spend", report),
        {f"l_{project.workers.public_id.hex}": "lots", f"l_{project.venue.public_id.hex}": ""},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert (
        "Enter an amount in pounds" in page
        and "Enter what was spent on ‘Venue hire’ this quarter, or 0" in page
    )
    report.refresh_from_db()
    assert report.spend == {} and report.sections_completed == []


def test_a_report_not_submitted_by_its_due_date_shows_as_overdue(project, manager, sign_in):
    report = project.open_quarter(manager, due_on=timezone.localdate() + dt.timedelta(days=3))
    client = sign_in("partnership_manager")
    round_url = reverse("grants:report-round", args=["alpha", report.reporting_round.public_id])
    assert 'data-testid="overdue"' not in client.get(round_url).content.decode()
    with time_machine.travel(timezone.now() + dt.timedelta(days=5)):
        client = sign_in("partnership_manager")  # signed in again: a session lasts less than the wait
        assert 'data-testid="overdue"' in client.get(round_url).content.decode()
        assert 'data-testid="overdue"' in client.get(managers_url("report", report)).content.decode()


def test_another_organisations_member_is_told_no_project_page_exists(project, client, manager):
    report = project.open_quarter(manager)
    client.force_login(project.funding.other_applicant)
    names = ["my-report", "my-report-check", *[f"my-report-{s.value}" for s in ProjectReturnSection]]
    for name in names:
        assert client.get(my_url(name, report)).status_code == 404, name
        assert client.post(my_url(name, report), {"progress": "Hijacked"}).status_code == 404, name
    report.refresh_from_db()
    assert (report.progress, report.status) == ("", "draft")


def test_another_partnerships_manager_is_told_no_report_exists(project, manager, sign_in):
    report = project.open_quarter(manager)
    client = sign_in("other_manager")
    urls = [
        managers_url("report", report),
        managers_url("report-decide", report),
        reverse("grants:report-round", args=["alpha", report.reporting_round.public_id]),
        reverse("grants:reports-open", args=["alpha", project.fund.public_id]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    # Nor does one of A's managers find A's report under B's address.
    assert (
        sign_in("partnership_manager")
        .get(reverse("grants:report", args=["beta", report.public_id]))
        .status_code
        == 404
    )


def test_a_managers_view_of_a_report_is_audited(project, manager, sign_in):
    report = project.open_quarter(manager)
    sign_in("partnership_manager").get(managers_url("report", report))
    assert AuditEvent.objects.filter(
        verb=AuditVerb.VIEWED, actor=manager, target_id=str(report.public_id)
    ).exists()


def test_what_the_project_types_is_shown_escaped(project, client, manager):
    report = project.open_quarter(manager)
    applicant = as_applicant(client, project)
    for section, form in project.answers().items():
        applicant.post(my_url(f"my-report-{section.value}", report), form)
    for page in (applicant.get(my_url("my-report-check", report)),):
        text = page.content.decode()
        assert SCRIPT not in text and "&lt;script&gt;" in text
    reporting.return_submit(actor=project.funding.applicant, record=report)
    client.force_login(manager)
    text = client.get(managers_url("report", report)).content.decode()
    assert SCRIPT not in text and "&lt;script&gt;" in text


def test_a_reminder_email_links_to_the_projects_report(project, manager, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = project.open_quarter(manager, due_on=timezone.localdate() + dt.timedelta(days=5))
        assert reporting.reminders_send(kind=PROJECT_RETURN, today=timezone.localdate()) == 1
    [email] = mail.outbox
    assert email.to == [project.funding.applicant.email] and "project report is due soon" in email.subject
    assert email.body.strip().endswith(my_url("my-report", report))


def test_figures_are_numbers_and_saved_as_the_project_typed_them(project, client, manager):
    report = project.open_quarter(manager)
    applicant = as_applicant(client, project)
    key = f"o_{project.outcome.public_id.hex}"
    refused = applicant.post(my_url("my-report-figures", report), {key: "twelve"})
    assert refused.status_code == 400
    assert "Enter the figure for ‘Referrals’ as a number, like 12 or 12.5" in refused.content.decode()
    applicant.post(my_url("my-report-figures", report), {key: "1,200.50"})
    report.refresh_from_db()
    assert Decimal(report.figures[str(project.outcome.public_id)]) == Decimal("1200.5")
