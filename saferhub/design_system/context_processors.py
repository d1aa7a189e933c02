from django.http import HttpRequest
from django.middleware.csp import get_nonce


def govuk_template(request: HttpRequest) -> dict[str, object]:
    """The GOV.UK page template reads `cspNonce` for its one inline script.

    Django's nonce is lazy and reads as false until used, so it is turned into its string here: every page
    has that inline script, and the header must then carry the same nonce.
    """
    nonce = get_nonce(request)
    return {"cspNonce": str(nonce) if nonce is not None else ""}
