"""Rendering helpers every app's views share."""

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def form_page(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    title: str,
    submit_text: str = "Save",
    cancel_url: str = "",
    caption: str = "",
    intro: str = "",
    **context: Any,
) -> HttpResponse:
    """A page that is one form, re-shown with GOV.UK error messages (status 400) when it is invalid."""
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "layouts/form_page.html",
        {
            "form": form,
            "title": title,
            "submit_text": submit_text,
            "cancel_url": cancel_url,
            "caption": caption,
            "intro": intro,
            **context,
        },
        status=status,
    )
