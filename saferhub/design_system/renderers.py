"""Draws every Django form with the GOV.UK Frontend macros, so `{{ form }}` is already GOV.UK."""

from django.forms.renderers import TemplatesSetting


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "design_system/forms/form.html"
    field_template_name = "design_system/forms/field.html"
