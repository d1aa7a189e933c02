"""The letters and notices of the incremental approach: the default wording and the partnership's own, the
placeholders, escaping, the tagged PDF, and the audit of every view."""

import datetime as dt
import subprocess

import pytest
from django.urls import reverse

from saferhub.asb.letters import DEFAULT_LETTERS, LETTER_STAGES, filled_in, unknown_placeholders
from saferhub.asb.models import CaseOrganisation, LetterTemplate, PartyKind, Stage
from saferhub.asb.services.steps import step_take
from saferhub.asb.tests.perpetrators import on, perpetrator
from saferhub.audit.models import AuditEvent, AuditVerb
from saferhub.design_system.tests.test_pdf import objects
from saferhub.governance.models import DataItem
from saferhub.governance.tests.factories import agreement_between
from saferhub.partnerships.models import Organisation, Role
from saferhub.partnerships.tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

EDIT = reverse("asb:letter-template-edit", args=["alpha"])


def warning_of(world, **perpetrator_values):
    percy = perpetrator(world, **perpetrator_values)
    with on(dt.date(2026, 11, 2)):
        warning = step_take(
            actor=world.people["case_officer"],
            case_party=percy,
            step=Stage.CPW,
            issued_on=dt.date(2026, 11, 2),
            comment="Loud music at night and shouting in the shared hallway",
        )
    return warning


def letter_url(intervention, name="asb:letter"):
    case = intervention.case_party.case
    return reverse(name, args=["alpha", case.public_id, intervention.public_id])


def test_only_known_placeholders_are_filled_in_and_nothing_else_is_reachable():
    assert unknown_placeholders("{perpetrator_name} {name.__class__} {due_on:%Y} {0}") == [
        "name.__class__",
        "due_on:%Y",
        "0",
    ]
    assert filled_in("Dear {perpetrator_name}, {x} {", {"perpetrator_name": "Pat"}) == "Dear Pat, {x} {"
    assert all(not unknown_placeholders(title + body) for title, body in DEFAULT_LETTERS.values())


def test_the_warning_letter_is_filled_in_with_the_cases_details(world, sign_in):
    warning = warning_of(world)
    page = sign_in("case_officer").get(letter_url(warning))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Community Protection Warning" in text
    assert "To: Percy Perp, 4 Mill Lane, Leicester LE1 1AA" in text
    assert "You must stop this conduct by 30 November 2026." in text
    assert "Issued on 2 November 2026. Reference: " + warning.case_party.case.reference in text
    # The behaviour as the step states it for the letter; never the case's summary, which may name neighbours.
    assert "Loud music at night and shouting in the shared hallway" in text
    assert "threats to neighbours" not in text
    assert "Alpha City Council, for Alpha Community Safety Partnership" in text
    assert "{" not in text.split("letter-body")[1].split("</div>")[0], "every placeholder is filled in"
    viewed = AuditEvent.objects.filter(verb=AuditVerb.VIEWED, target_id=str(warning.public_id)).get()
    assert viewed.context == {"letter": "page"}


def test_html_in_a_name_is_printed_as_typed(world, sign_in):
    warning = warning_of(world, name='<script>alert("x")</script> Smith')
    text = sign_in("case_officer").get(letter_url(warning)).content.decode()
    assert "<script>alert" not in text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Smith" in text


def test_the_letter_is_a_tagged_pdf_download_and_its_view_is_audited(world, sign_in):
    warning = warning_of(world)
    response = sign_in("case_officer").get(letter_url(warning, "asb:letter-pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="asb-')
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    assert b"/StructTreeRoot" in objects(pdf)
    info = subprocess.run(
        ["/usr/bin/pdfinfo", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "Tagged:          yes" in info
    assert "Title:           Community Protection Warning: " in info
    text = subprocess.run(["/usr/bin/pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    assert "Percy Perp" in text.decode()
    viewed = AuditEvent.objects.filter(verb=AuditVerb.VIEWED, target_id=str(warning.public_id)).get()
    assert viewed.context == {"letter": "pdf"}


def test_a_step_that_sends_no_letter_has_none(world, sign_in):
    child = perpetrator(world, kind=PartyKind.PERSON)
    with on(dt.date(2026, 11, 2)):
        injunction = step_take(
            actor=world.people["case_officer"],
            case_party=child,
            step=Stage.INJUNCTION,
            issued_on=dt.date(2026, 11, 2),
        )
    client = sign_in("case_officer")
    assert client.get(letter_url(injunction)).status_code == 404
    assert client.get(letter_url(injunction, "asb:letter-pdf")).status_code == 404


def test_a_manager_sees_each_letter_with_its_wording(world, sign_in):
    LetterTemplate.objects.create(partnership=world.a, stage=Stage.CPW, title="Our warning", body="Stop.")
    page = sign_in("partnership_manager").get(reverse("asb:letter-templates", args=["alpha"]))
    assert page.status_code == 200
    text = page.content.decode()
    assert len(LETTER_STAGES) == text.count("data-stage=")
    assert "Our warning" in text and "The partnership's" in text
    assert "Advice about your behaviour" in text and "Default" in text


def test_the_case_officer_may_not_change_the_letters(world, sign_in):
    assert sign_in("case_officer").get(EDIT + "?stage=cpw").status_code == 403


def test_a_manager_changes_the_wording_which_the_next_letter_uses(world, sign_in):
    client = sign_in("partnership_manager")
    form = client.get(EDIT + "?stage=cpw")
    assert form.status_code == 200
    assert "Community Protection Warning" in form.content.decode(), "the default wording to start from"

    response = client.post(
        EDIT,
        {
            "stage": "cpw",
            "title": "Warning for {perpetrator_name}",
            "body": "Dear {perpetrator_name}\r\n\r\nStop by {due_on}.\r\n{officer_name}, {lead_organisation}",
        },
    )
    assert response.status_code == 302
    template = LetterTemplate.objects.get(partnership=world.a, stage=Stage.CPW)
    assert (
        template.body == "Dear {perpetrator_name}\n\nStop by {due_on}.\n{officer_name}, {lead_organisation}"
    )
    created = AuditEvent.objects.filter(verb=AuditVerb.CREATED, target_id=str(template.public_id))
    assert created.count() == 1

    warning = warning_of(world)
    text = sign_in("case_officer").get(letter_url(warning)).content.decode()
    assert "Warning for Percy Perp" in text
    assert "Stop by 30 November 2026." in text
    assert "Alpha Case officer, Alpha City Council" in text


def test_an_unknown_placeholder_is_refused_with_the_ones_allowed(world, sign_in):
    response = sign_in("partnership_manager").post(
        EDIT, {"stage": "cpw", "title": "Warning", "body": "Dear {name}, stop by {deadline}."}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert (
        "{name}, {deadline} are not placeholders a letter can fill in: use only {perpetrator_name}," in text
    )
    assert not LetterTemplate.objects.exists()


def test_a_step_without_a_letter_has_no_wording_to_change(world, sign_in):
    client = sign_in("partnership_manager")
    assert client.get(EDIT + "?stage=injunction")["Location"] == reverse(
        "asb:letter-templates", args=["alpha"]
    )
    response = client.post(EDIT, {"stage": "injunction", "title": "Injunction", "body": "Text"})
    assert response.status_code == 400
    assert "Choose a letter from the list of letters" in response.content.decode()


def test_changing_the_wording_again_is_audited_and_saving_it_unchanged_is_not(world, sign_in):
    client = sign_in("partnership_manager")
    first = {"stage": "advice", "title": "Advice", "body": "Dear {perpetrator_name}"}
    client.post(EDIT, first)
    template = LetterTemplate.objects.get(partnership=world.a, stage=Stage.ADVICE)
    updates = AuditEvent.objects.filter(verb=AuditVerb.UPDATED, target_id=str(template.public_id))

    client.post(EDIT, first)
    assert updates.count() == 0
    client.post(EDIT, {**first, "body": "Dear {perpetrator_name}, please stop."})
    assert updates.get().context == {"fields": ["body"]}
    template.refresh_from_db()
    assert template.body == "Dear {perpetrator_name}, please stop."


def test_a_partner_whose_agreement_does_not_share_enforcement_cannot_read_the_letter(world, client):
    warning = warning_of(world)
    police = Organisation.objects.get(name="Shire Police")
    council = Organisation.objects.get(name="Alpha City Council")
    agreement_between(world.a, council, police, data_items=[DataItem.INCIDENTS, DataItem.PERPETRATORS])
    CaseOrganisation.objects.create(case=warning.case_party.case, organisation=police)
    constable = UserFactory(email="pc@police.example", full_name="PC Shire")
    MembershipFactory(user=constable, partnership=world.a, organisation=police, role=Role.CASE_OFFICER)
    client.force_login(constable)
    assert client.get(letter_url(warning)).status_code == 404
    assert client.get(letter_url(warning, "asb:letter-pdf")).status_code == 404
    assert not AuditEvent.objects.filter(verb=AuditVerb.VIEWED, target_id=str(warning.public_id)).exists()
