from django.urls import path

from saferhub.partnerships import views

app_name = "partnerships"

urlpatterns = [
    path("", views.home, name="home"),
    path("invitations/<uuid:invitation_id>/accept/", views.invitation_accept, name="invitation-accept"),
    path("invitations/<uuid:invitation_id>/decline/", views.invitation_decline, name="invitation-decline"),
    path("p/<slug:slug>/", views.partnership_overview, name="partnership"),
    path("p/<slug:slug>/settings/", views.partnership_settings, name="settings"),
    path("p/<slug:slug>/people/", views.people, name="people"),
    path("p/<slug:slug>/people/add/", views.membership_add, name="membership-add"),
    path(
        "p/<slug:slug>/people/<uuid:membership_id>/remove/", views.membership_remove, name="membership-remove"
    ),
    path(
        "p/<slug:slug>/people/invitations/<uuid:invitation_id>/withdraw/",
        views.invitation_withdraw,
        name="invitation-withdraw",
    ),
    path("p/<slug:slug>/organisations/<uuid:partner_id>/edit/", views.partner_edit, name="partner-edit"),
    path(
        "p/<slug:slug>/organisations/<uuid:partner_id>/remove/", views.partner_remove, name="partner-remove"
    ),
    path("p/<slug:slug>/groups/new/", views.group_new, name="group-new"),
    path("p/<slug:slug>/groups/<uuid:group_id>/", views.group_detail, name="group"),
    path("p/<slug:slug>/groups/<uuid:group_id>/edit/", views.group_edit, name="group-edit"),
    path("p/<slug:slug>/groups/<uuid:group_id>/remove/", views.group_remove, name="group-remove"),
    path("p/<slug:slug>/groups/<uuid:group_id>/meetings/new/", views.meeting_new, name="meeting-new"),
    path(
        "p/<slug:slug>/groups/<uuid:group_id>/meetings/<uuid:meeting_id>/edit/",
        views.meeting_edit,
        name="meeting-edit",
    ),
    path(
        "p/<slug:slug>/groups/<uuid:group_id>/meetings/<uuid:meeting_id>/remove/",
        views.meeting_remove,
        name="meeting-remove",
    ),
    path("p/<slug:slug>/groups/<uuid:group_id>/actions/new/", views.action_new, name="action-new"),
    path(
        "p/<slug:slug>/groups/<uuid:group_id>/actions/<uuid:action_id>/edit/",
        views.action_edit,
        name="action-edit",
    ),
]
