"""The type of a request that sign-in has let through."""

from django.http import HttpRequest

from saferhub.accounts.models import User


class SignedInRequest(HttpRequest):
    """A request behind @login_required: its user is a person, never AnonymousUser, so services that record
    who made something (a document, an import, a score) take them as a `User`."""

    user: User
