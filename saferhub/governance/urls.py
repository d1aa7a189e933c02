from django.urls import path

from saferhub.governance import views

app_name = "governance"

base = "p/<slug:slug>/agreements/"
agreement = base + "<uuid:agreement_id>/"

urlpatterns = [
    path(base, views.agreement_list, name="agreements"),
    path(base + "new/", views.agreement_new, name="agreement-new"),
    path(agreement, views.agreement_page, name="agreement"),
    path(agreement + "edit/", views.agreement_edit, name="agreement-edit"),
    path(agreement + "move/", views.agreement_move, name="agreement-move"),
    path(agreement + "parties/new/", views.party_add, name="party-add"),
    path(agreement + "parties/<uuid:agreement_party_id>/", views.party_edit, name="party-edit"),
    path(agreement + "parties/<uuid:agreement_party_id>/remove/", views.party_remove, name="party-remove"),
    # The register in summary, for the public site, under the Open Government Licence
    *(
        path(
            f"open-data/<slug:slug>/sharing-agreements.{extension}",
            views.register_open_data,
            {"extension": extension},
            name=f"open-data-{extension}",
        )
        for extension in ("csv", "json")
    ),
]
