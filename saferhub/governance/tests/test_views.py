"""The register's pages as people use them: who reads and who keeps it, forms re-shown with specific errors,
and a refused step shown on the agreement's page."""

import datetime as dt

import pytest
from django.utils import timezone

from saferhub.governance.models import AgreementStatus, SharingAgreement
from saferhub.governance.tests.factories import agreement_between
from saferhub.partnerships.models import Organisation

S = AgreementStatus


def register_url(slug="alpha"):
    return f"/p/{slug}/agreements/"


def agreement_url(agreement, suffix=""):
    return f"/p/{agreement.partnership.slug}/agreements/{agreement.public_id}/{suffix}"


@pytest.fixture
def council(world):
    return Organisation.objects.get(name="Alpha City Council")


@pytest.fixture
def police(world):
    return Organisation.objects.get(name="Shire Police")


def test_the_register_lists_every_agreement_and_flags_an_overdue_review(world, sign_in, council, police):
    today = timezone.localdate()
    agreement_between(
        world.a, council, police, title="Fire referrals", review_on=today - dt.timedelta(days=2)
    )
    agreement_between(world.a, title="Draft one", status=S.DRAFT)
    page = sign_in("board_member").get(register_url()).content.decode()
    assert "Fire referrals" in page and "Draft one" in page
    assert "Alpha City Council, Shire Police" in page
    assert page.count("Review overdue") == 1
    assert "Add an agreement" not in page
    assert "Add an agreement" in sign_in("partnership_manager").get(register_url()).content.decode()


def test_a_new_agreement_with_its_dates_out_of_order_is_refused_with_what_to_fix(world, sign_in):
    client = sign_in("partnership_manager")
    response = client.post(
        register_url() + "new/",
        {
            "title": "Referrals",
            "purpose": "Support",
            "lawful_basis": "6_1_e",
            "data_items": ["incidents"],
            "retention": "Six years",
            "security": "Saferhub",
            "starts_on": "2026-05-01",
            "ends_on": "2026-04-01",
            "review_on": "2026-03-01",
            "high_risk": "on",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "The end date must be on or after the date the sharing starts" in page
    assert "The review date must be after the date the sharing starts" in page
    assert "Enter the reference of the impact assessment: the sharing is high risk" in page
    assert not SharingAgreement.objects.exists()


def test_a_manager_drafts_an_agreement_and_sees_its_page(world, sign_in):
    client = sign_in("partnership_manager")
    response = client.post(
        register_url() + "new/",
        {
            "title": "Referrals <b>now</b>",
            "purpose": "Support",
            "lawful_basis": "6_1_e",
            "data_items": ["incidents", "risk"],
            "retention": "Six years",
            "security": "Saferhub",
        },
    )
    agreement = SharingAgreement.objects.get()
    assert response.status_code == 302 and response["Location"] == agreement_url(agreement)
    page = client.get(agreement_url(agreement)).content.decode()
    assert "Referrals &lt;b&gt;now&lt;/b&gt;" in page
    assert "Send for its impact assessment" in page
    assert "Drafted by Alpha Partnership manager" in page


@pytest.mark.parametrize(
    ("who", "status"), [("analyst", 403), ("county_manager", 403), ("other_manager", 404)]
)
def test_only_the_partnerships_managers_keep_the_register(world, sign_in, who, status):
    agreement = agreement_between(world.a, status=S.DRAFT)
    client = sign_in(who)
    assert client.get(register_url() + "new/").status_code == status
    assert client.post(
        agreement_url(agreement, "move/"), {"step": "terminate", "comment": "x"}
    ).status_code == (status)
    agreement.refresh_from_db()
    assert agreement.status == S.DRAFT


def test_a_readers_agreement_page_has_no_steps(world, sign_in):
    agreement = agreement_between(world.a, status=S.DRAFT)
    page = sign_in("analyst").get(agreement_url(agreement)).content.decode()
    assert agreement.title in page
    assert "Terminate" not in page and "Add a party" not in page


def test_a_refused_step_is_shown_on_the_agreements_page(world, sign_in):
    agreement = agreement_between(world.a, status=S.DRAFT, data_items=[])
    response = sign_in("partnership_manager").post(
        agreement_url(agreement, "move/"), {"step": "send_for_review"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Add the organisations that are party to the agreement first" in page
    assert 'href="#step-send_for_review"' in page


def test_renewing_without_a_date_asks_for_one(world, sign_in):
    agreement = agreement_between(world.a, status=S.REVIEW_DUE)
    response = sign_in("partnership_manager").post(agreement_url(agreement, "move/"), {"step": "renew"})
    assert response.status_code == 400
    assert "Enter the date of its next review" in response.content.decode()


def test_an_active_agreement_is_changed_by_amending_it_with_why(world, sign_in, council):
    agreement = agreement_between(world.a, council)
    client = sign_in("partnership_manager")
    page = client.get(agreement_url(agreement, "edit/")).content.decode()
    assert "Amend the agreement" in page and "What changed, and why" in page
    data = {
        "title": "Amended title",
        "purpose": agreement.purpose,
        "lawful_basis": "6_1_e",
        "data_items": ["incidents"],
        "retention": agreement.retention,
        "security": agreement.security,
        "starts_on": agreement.starts_on.isoformat(),
        "review_on": timezone.localdate().isoformat(),
    }
    response = client.post(agreement_url(agreement, "edit/"), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "The next review date must be after today" in page
    assert "Say what changed and why" in page
    next_year = (timezone.localdate() + dt.timedelta(days=365)).isoformat()
    response = client.post(
        agreement_url(agreement, "edit/"), {**data, "review_on": next_year, "comment": "Fewer items"}
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert (agreement.title, agreement.data_items, agreement.status) == (
        "Amended title",
        ["incidents"],
        S.ACTIVE,
    )


def test_parties_of_a_draft_are_added_from_the_partnerships_organisations(world, sign_in, council, police):
    agreement = agreement_between(world.a, council, status=S.DRAFT)
    client = sign_in("partnership_manager")
    page = client.get(agreement_url(agreement, "parties/new/")).content.decode()
    assert "Shire Police" in page and "Alpha City Council" not in page.split("<form")[1]
    outsider = Organisation.objects.create(name="Elsewhere Trust", type="charity")
    response = client.post(
        agreement_url(agreement, "parties/new/"), {"organisation": outsider.pk, "role": "controller"}
    )
    assert response.status_code == 400
    assert "Select one of the partnership" in response.content.decode()
    response = client.post(
        agreement_url(agreement, "parties/new/"),
        {"organisation": police.pk, "role": "controller", "signed_on": "2020-01-01"},
    )
    assert response.status_code == 400
    assert "Enter the name of who signed for it" in response.content.decode()
    client.post(agreement_url(agreement, "parties/new/"), {"organisation": police.pk, "role": "processor"})
    assert agreement.parties.get(organisation=police).role == "processor"


def test_a_signed_agreements_parties_cannot_be_removed(world, sign_in, council):
    agreement = agreement_between(world.a, council, status=S.SIGNED)
    party = agreement.parties.get()
    response = sign_in("partnership_manager").post(
        agreement_url(agreement, f"parties/{party.public_id}/remove/")
    )
    assert response.status_code == 400
    assert "its parties change only while it is being drafted" in response.content.decode()
    assert agreement.parties.exists()


def test_the_steps_take_only_a_post_from_those_who_can_see_the_agreement(world, sign_in):
    agreement = agreement_between(world.a)
    assert sign_in("board_member").get(agreement_url(agreement, "move/")).status_code == 405
    assert sign_in("other_manager").get(agreement_url(agreement, "move/")).status_code == 404
