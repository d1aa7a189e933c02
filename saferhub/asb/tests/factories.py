import datetime as dt

import factory
from django.utils import timezone

from saferhub.asb.matching import name_keys
from saferhub.asb.models import (
    Case,
    CaseOrganisation,
    CaseParty,
    Incident,
    IncidentCategory,
    Party,
    PartyKind,
    PartyRole,
    ProblemPlace,
)
from saferhub.partnerships.tests.factories import OrganisationFactory, PartnershipFactory


class CaseFactory(factory.django.DjangoModelFactory):
    """An open case opened a week ago, in Leicester's city centre (the point lies in LSOA E01013648 when
    the geography is loaded)."""

    class Meta:
        model = Case

    partnership = factory.SubFactory(PartnershipFactory)
    reference = factory.Sequence(lambda n: f"ASB-2026-{n + 1:05d}")
    summary = "Noise and intimidation from a neighbouring flat"
    lead_organisation = factory.SubFactory(OrganisationFactory)
    opened_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=7))
    address = "Flat 3, 12 High Street, Leicester"
    postcode = "LE1 4FP"


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Party

    partnership = factory.SubFactory(PartnershipFactory)
    kind = PartyKind.PERSON
    name = factory.Sequence(lambda n: f"Pat Example{n}")
    date_of_birth = dt.date(1990, 5, 17)
    family_key = factory.LazyAttribute(lambda party: name_keys(party.name)[0])
    given_key = factory.LazyAttribute(lambda party: name_keys(party.name)[1])


class CasePartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseParty

    case = factory.SubFactory(CaseFactory)
    party = factory.SubFactory(PartyFactory, partnership=factory.SelfAttribute("..case.partnership"))
    role = PartyRole.VICTIM


class IncidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Incident

    partnership = factory.SelfAttribute("case.partnership")
    case = factory.SubFactory(CaseFactory)
    occurred_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=3))
    reported_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=2))
    reporting_organisation = factory.SelfAttribute("case.lead_organisation")
    reference = factory.Sequence(lambda n: f"INC{n:06d}")
    category = IncidentCategory.NUISANCE
    description = "Loud music and shouting from 11pm to 3am."


class CaseOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseOrganisation

    case = factory.SubFactory(CaseFactory)
    organisation = factory.SubFactory(OrganisationFactory)


class ProblemPlaceFactory(factory.django.DjangoModelFactory):
    """Leicester's clock tower, with 250 metres around it."""

    class Meta:
        model = ProblemPlace

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Clock Tower {n}")
    kind = "hotspot"
    latitude = 52.6354
    longitude = -1.1334
