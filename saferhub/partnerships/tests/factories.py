import factory

from saferhub.accounts.models import User
from saferhub.partnerships.models import (
    Group,
    GroupKind,
    Membership,
    Organisation,
    OrganisationType,
    PartnerOrganisation,
    Partnership,
    PartnershipKind,
    PartnerStatus,
    Role,
)

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    slug = factory.Sequence(lambda n: f"partnership-{n}")
    name = factory.Sequence(lambda n: f"Partnership {n}")
    kind = PartnershipKind.UNITARY_CSP


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    type = OrganisationType.COUNCIL


class PartnerOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PartnerOrganisation

    partnership = factory.SubFactory(PartnershipFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    status = PartnerStatus.RESPONSIBLE_AUTHORITY


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    partnership = factory.SubFactory(PartnershipFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.PARTNERSHIP_MANAGER


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Group {n}")
    kind = GroupKind.BOARD
