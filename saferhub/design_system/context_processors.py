from django.http import HttpRequest
from django.middleware.csp import get_nonce


def govuk_template(request: HttpRequest) -> dict[str, object]:
    """The GOV.UK page template reads `cspNonce` for its one inline script."""
    return {"cspNonce": get_nonce(request)}
