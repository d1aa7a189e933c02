"""Rendering helpers every app's views share."""

from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def posted(request: HttpRequest) -> Any:
    """The form's data on a POST, even an empty one (which `request.POST or None` would take for no
    submission, and show the blank form without its errors); None otherwise."""
    return request.POST if request.method == "POST" else None


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
