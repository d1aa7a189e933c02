from django.urls import path

from saferhub.asb.views import cases, letters, places, reports, risk, settings, sharing, steps

app_name = "asb"

base = "p/<slug:slug>/asb/"
case = base + "cases/<uuid:case_id>/"
case_party = case + "parties/<uuid:case_party_id>/"

urlpatterns = [
    # Cases, their incidents and parties
    path(base + "cases/", cases.case_list, name="cases"),
    path(base + "cases/new/", cases.case_new, name="case-new"),
    path(case, cases.case_page, name="case"),
    path(case + "edit/", cases.case_edit, name="case-edit"),
    path(case + "incidents/new/", cases.incident_new, name="incident-new"),
    path(case + "incidents/<uuid:incident_id>/", cases.incident_page, name="incident"),
    path(case + "parties/new/", cases.party_new, name="party-new"),
    path(case + "close/", cases.case_close, name="case-close"),
    path(case + "reopen/", cases.case_reopen, name="case-reopen"),
    path(case + "link/", cases.case_link, name="case-link"),
    path(case + "merge/", cases.case_merge, name="case-merge"),
    # Sharing: the organisations on a case
    path(case + "organisations/", sharing.organisations, name="organisations"),
    path(
        case + "organisations/<uuid:involvement_id>/remove/",
        sharing.organisation_remove,
        name="organisation-remove",
    ),
    # Victims' risk and vulnerability
    path(case_party + "risk/new/", risk.risk_new, name="risk-new"),
    path(case + "risk/<uuid:risk_assessment_id>/", risk.risk_page, name="risk"),
    # The incremental approach, and its letters
    path(case_party + "steps/new/", steps.step_new, name="step-new"),
    path(case_party + "conviction/", steps.conviction, name="conviction"),
    path(case + "steps/<uuid:intervention_id>/outcome/", steps.step_outcome, name="step-outcome"),
    path(case + "steps/<uuid:intervention_id>/letter/", letters.letter, name="letter"),
    path(case + "steps/<uuid:intervention_id>/letter.pdf", letters.letter_pdf, name="letter-pdf"),
    path(base + "letters/", letters.templates, name="letter-templates"),
    path(base + "letters/edit/", letters.template_edit, name="letter-template-edit"),
    # The partnership's casework settings
    path(base + "settings/", settings.settings_edit, name="settings"),
    # JAG problem places
    path(base + "places/", places.place_list, name="places"),
    path(base + "places/new/", places.place_new, name="place-new"),
    path(base + "places/<uuid:place_id>/", places.place_page, name="place"),
    path(base + "places/<uuid:place_id>/edit/", places.place_edit, name="place-edit"),
    path(base + "places/<uuid:place_id>/actions/new/", places.place_action_new, name="place-action-new"),
    # The managers' reports
    path(base + "reports/", reports.reports, name="reports"),
]
