import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from saferhub.governance.models import (
    AgreementParty,
    AgreementStatus,
    DataItem,
    LawfulBasis,
    SharingAgreement,
)
from saferhub.partnerships.tests.factories import OrganisationFactory, PartnershipFactory


class SharingAgreementFactory(factory.django.DjangoModelFactory):
    """An agreement active since a month ago, sharing every data item, reviewed in eleven months."""

    class Meta:
        model = SharingAgreement

    partnership = factory.SubFactory(PartnershipFactory)
    title = factory.Sequence(lambda n: f"ASB case sharing agreement {n}")
    purpose = "To reduce anti-social behaviour and support its victims by working cases together."
    lawful_basis = LawfulBasis.PUBLIC_TASK
    crime_and_disorder_s115 = True
    data_items = factory.LazyFunction(lambda: [item.value for item in DataItem])
    retention = "Six years from the case's closure, then securely destroyed."
    security = "Held in Saferhub and sent only through it; breaches reported to each party's DPO in 24 hours."
    status = AgreementStatus.ACTIVE
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
    review_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=330))


class AgreementPartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgreementParty

    agreement = factory.SubFactory(SharingAgreementFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    signatory_name = "Jo Senior"
    signatory_role = "Director"
    signed_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=31))


def agreement_between(partnership: Any, *organisations: Any, **values: Any) -> SharingAgreement:
    """An agreement of the partnership (active, every item, unless `values` say otherwise) joining these."""
    agreement: SharingAgreement = SharingAgreementFactory.create(partnership=partnership, **values)
    for organisation in organisations:
        AgreementPartyFactory(agreement=agreement, organisation=organisation)
    return agreement
