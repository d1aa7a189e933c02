from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer

from saferhub.accounts.services import api_token_authenticate, totp_device_confirmed_for
from saferhub.partnerships.selectors import two_factor_required_for


class PersonalToken(HttpBearer):
    """`Authorization: Bearer <token>`: a personal token the person created on their account page."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(secret=token)
        if user is None:
            return None
        # A token cannot get round a partnership's two-factor requirement: its holder must have set it up.
        if two_factor_required_for(user) and totp_device_confirmed_for(user) is None:
            return None
        request.user = user
        return user
