from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from saferhub.accounts.services import api_token_authenticate


class PersonalToken(HttpBearer):
    """`Authorization: Bearer <token>`: a personal token the person created on their account page."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(secret=token)
        if user is not None:
            request.user = user
        return user
