"""The JSON API at /api/v1/: the same records and permissions as the pages, for partners' systems.

Each app keeps its endpoints in a router of its own `api.py` and declares it (`AppFeatures.api_router`);
this module holds what they share: the API itself, its authentication and its answer to a bad parameter.
"""

from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string
from ninja import NinjaAPI
from ninja.errors import ValidationError
from ninja.operation import Operation

from saferhub.api.auth import PersonalToken
from saferhub.core.api_schemas import PATTERN_WORDS
from saferhub.core.registry import api_routers


class SaferhubApi(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        """Client generators name their methods by operation id, so the ids stay those first published,
        when the endpoints were in `saferhub/api/`: performance's in `performance.py`, the rest in `views.py`.
        """
        published_in = (
            "performance" if operation.view_func.__module__ == "saferhub.performance.api" else "views"
        )
        return f"saferhub_api_{published_in}_{operation.view_func.__name__}"


api = SaferhubApi(
    title="Saferhub API",
    version="1.0.0",
    description="Read a partnership's structure, plans, crime data, measures, returns and board packs, and "
    "send a manual measure's figures. Authenticate with a personal token "
    "from your account page: `Authorization: Bearer <token>`. You see what your memberships let you see.",
    auth=PersonalToken(),
    urls_namespace="api-1.0.0",
)
for router in api_routers():
    api.add_router("", import_string(router))


@api.exception_handler(ValidationError)
def _invalid_request(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """A parameter the schema refuses, in words (the same body as every other refusal)."""
    problems = []
    for problem in error.errors:
        name = str(problem.get("loc", ["request"])[-1])
        pattern = (problem.get("ctx") or {}).get("pattern")
        if pattern in PATTERN_WORDS:
            problems.append(f"'{name}' must be {PATTERN_WORDS[pattern]}")
        else:
            problems.append(f"'{name}': {problem.get('msg', 'not valid')}")
    return api.create_response(request, {"detail": "; ".join(problems) or "Not valid"}, status=422)
