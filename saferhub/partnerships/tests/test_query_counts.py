"""The partnership page reads a fixed number of queries however many member organisations, groups and
partnerships within it there are: counted, not timed."""

from saferhub.partnerships.tests.factories import (
    GroupFactory,
    OrganisationFactory,
    PartnerOrganisationFactory,
    PartnershipFactory,
)


def test_the_partnership_page_reads_a_fixed_number_of_queries(client, world, django_assert_max_num_queries):
    for number in range(8):
        PartnerOrganisationFactory(
            partnership=world.county,
            organisation=OrganisationFactory(name=f"Partner {number}"),
            status="other",
        )
        GroupFactory(partnership=world.county, name=f"Group {number}")
    for number in range(4):
        PartnershipFactory(slug=f"district-{number}", name=f"District {number}", parent=world.county)
    client.force_login(world.people["county_manager"])
    client.get("/p/county/")  # once first: caches (content types, the session) fill on the first request
    # Guards against N+1: a query per organisation, group or partnership within (or per permission check
    # on a row) would pass this at once. The session, the person, their memberships (which also answer
    # the two-factor check and their roles), the partnerships beneath, the partnership, its areas' names,
    # its member organisations, its groups and the partnerships within it.
    with django_assert_max_num_queries(9):
        response = client.get("/p/county/")
    assert response.status_code == 200
    assert "Partner 7" in response.text and "Group 7" in response.text and "District 3" in response.text
