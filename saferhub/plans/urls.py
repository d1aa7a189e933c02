from django.urls import path

from saferhub.plans import views

app_name = "plans"

plan = "p/<slug:slug>/plans/<uuid:plan_id>/"

urlpatterns = [
    path("p/<slug:slug>/plans/", views.plan_list, name="plan-list"),
    path("p/<slug:slug>/plans/new/", views.plan_new, name="plan-new"),
    path(plan, views.plan_detail, name="plan"),
    path(plan + "print/", views.plan_print, name="plan-print"),
    path(plan + "edit/", views.plan_edit, name="plan-edit"),
    path(plan + "revise/", views.plan_revise, name="plan-revise"),
    path(plan + "make-current/", views.plan_make_current, name="plan-make-current"),
    path(plan + "priorities/new/", views.priority_new, name="priority-new"),
    path(plan + "priorities/<uuid:priority_id>/", views.priority_detail, name="priority"),
    path(plan + "priorities/<uuid:priority_id>/edit/", views.priority_edit, name="priority-edit"),
    path(plan + "themes/new/", views.theme_new, name="theme-new"),
    path(plan + "themes/<uuid:theme_id>/edit/", views.theme_edit, name="theme-edit"),
]
