import factory

from saferhub.crimedata.models import ColumnMapping, ImportRun, Indicator, IndicatorSet, IndicatorSetMember
from saferhub.partnerships.tests.factories import PartnershipFactory


class IndicatorFactory(factory.django.DjangoModelFactory):
    """A partnership's own indicator of all recorded street crime; `partnership=None` makes a shared one."""

    class Meta:
        model = Indicator

    partnership = factory.SubFactory(PartnershipFactory)
    slug = factory.Sequence(lambda n: f"all-crime-{n}")
    name = factory.Sequence(lambda n: f"All recorded crime {n}")
    sources = factory.LazyFunction(lambda: ["police.uk-street"])


class IndicatorSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorSet

    partnership = factory.SubFactory(PartnershipFactory)
    slug = factory.Sequence(lambda n: f"headline-{n}")
    name = factory.Sequence(lambda n: f"Headline figures {n}")


class IndicatorSetMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorSetMember

    indicator_set = factory.SubFactory(IndicatorSetFactory)
    indicator = factory.SubFactory(
        IndicatorFactory, partnership=factory.SelfAttribute("..indicator_set.partnership")
    )
    position = factory.LazyAttribute(lambda member: member.indicator_set.members.count() + 1)


class ImportRunFactory(factory.django.DjangoModelFactory):
    """A police.uk import just queued, as an upload starts one; tests set how far it got."""

    class Meta:
        model = ImportRun

    partnership = factory.SubFactory(PartnershipFactory)
    kind = "police.uk"


class ColumnMappingFactory(factory.django.DjangoModelFactory):
    """A saved mapping of a recorded-crime extract, its source in the partnership's namespace."""

    class Meta:
        model = ColumnMapping

    partnership = factory.SubFactory(PartnershipFactory)
    slug = factory.Sequence(lambda n: f"crime-extract-{n}")
    name = factory.Sequence(lambda n: f"Recorded crime extract {n}")
    source = factory.LazyAttribute(lambda mapping: f"{mapping.partnership.slug}.{mapping.slug}")
    text = factory.LazyAttribute(
        lambda mapping: (
            f'slug = "{mapping.slug}"\n'
            f'name = "{mapping.name}"\n'
            f'source = "{mapping.source}"\n'
            'force = "leicestershire"\n'
            "\n"
            "[columns]\n"
            'date = "Recorded Date"\n'
            'category = "Offence Group"\n'
        )
    )
