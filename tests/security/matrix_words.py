"""The words of the authorisation matrix: outcomes, the rows of personas, and what a URL name expects.

Each app with pages adds its rows in `matrix_<app>.py` beside this file (see test_authz_matrix.py).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from saferhub.partnerships.models import Role

# --- What a person gets back ----------------------------------------------------------------------


@dataclass(frozen=True)
class To:
    """A redirect whose Location starts with `prefix`."""

    prefix: str
    status: int = 302

    def __str__(self) -> str:
        return f"{self.status} → {self.prefix}…"


Outcome = int | To

SIGN_IN = To("/sign-in/?next=")  # `login_required`: sent to sign in, and back afterwards
# 400: a form that refuses what this person may not do with it (a police.uk upload by someone who is no
# steward of its force), where the same page takes other forms from them.
REFUSALS: tuple[Outcome, ...] = (SIGN_IN, 400, 401, 403, 404)


class Row(NamedTuple):
    anonymous: Outcome
    manager: Outcome
    theme_lead: Outcome
    analyst: Outcome
    member: Outcome
    county: Outcome
    other: Outcome
    nobody: Outcome
    # A's case officer works ASB cases; everywhere else they are one more member (None: as `member`).
    case_officer: Outcome | None = None

    def by_class(self) -> dict[str, Outcome]:
        """What each class of person gets; the case officer as a member unless the row says otherwise."""
        outcomes = self._asdict()
        if outcomes["case_officer"] is None:
            outcomes["case_officer"] = outcomes["member"]
        return outcomes


PERSONA_CLASS: dict[str, str] = {
    "anonymous": "anonymous",
    **{role.value: "member" for role in Role},
    Role.PARTNERSHIP_MANAGER.value: "manager",
    Role.ADMINISTRATOR.value: "manager",
    Role.THEME_LEAD.value: "theme_lead",
    Role.ANALYST.value: "analyst",
    Role.CASE_OFFICER.value: "case_officer",
    "county_manager": "county",
    "other_manager": "other",
    "nobody": "nobody",
}
PERSONAS = list(PERSONA_CLASS)
A_PEOPLE = {"manager", "theme_lead", "analyst", "member", "case_officer"}

# --- The rows used by the matrix ------------------------------------------------------------------
# fmt: off
#                      anonymous  manager  theme_lead  analyst  member  county  other  nobody
PUBLIC           = Row(200,       200,     200,        200,     200,    200,    200,   200)
SIGNED_IN        = Row(SIGN_IN,   200,     200,        200,     200,    200,    200,   200)
READS            = Row(SIGN_IN,   200,     200,        200,     200,    200,    404,   404)
MANAGES          = Row(SIGN_IN,   200,     403,        403,     403,    403,    404,   404)
LEADS_OR_MANAGES = Row(SIGN_IN,   200,     200,        403,     403,    403,    404,   404)
ANALYSES         = Row(SIGN_IN,   200,     403,        200,     403,    403,    404,   404)
POST_ONLY        = Row(SIGN_IN,   405,     405,        405,     405,    405,    405,   405)
API_READS        = Row(401,       200,     200,        200,     200,    200,    404,   404)
API_SIGNED_IN    = Row(401,       200,     200,        200,     200,    200,    200,   200)
# A record only its priority's lead and the managers know of (a quarterly return): the rest get 404.
LEAD_OR_MANAGER_ONLY = Row(SIGN_IN, 200,   200,        404,     404,    404,    404,   404)
# A funding application or award, known only to its organisation's members: none of the matrix's people
# applies for an organisation, so to all of them it does not exist.
APPLICANTS_ONLY  = Row(SIGN_IN,   404,     404,        404,     404,    404,    404,   404)
# A record only the managers know of (another priority's return; a board pack not yet published).
MANAGER_ONLY     = Row(SIGN_IN,   200,     404,        404,     404,    404,    404,   404)
# A police.uk upload: A's analysts and managers may import, but none of them is a steward of the force (a
# member of the force-area partnership), so the form refuses it.
NOT_STEWARDS     = Row(SIGN_IN,   400,     403,        400,     403,    403,    404,   404)
# Asking for a PDF sends whoever may read its record to the document (its file, or its progress page).
_DOC = To("/p/alpha/documents/")
TO_DOCUMENT      = Row(SIGN_IN,   _DOC,    _DOC,       _DOC,    _DOC,   _DOC,   404,   404)
# An ASB case led by A's council: only those who work cases for the council (its managers and case officer)
# know of it; to everyone else, A's other people included, it does not exist.
CASE_WORKERS     = Row(SIGN_IN,   200,     404,        404,     404,    404,    404,   404, case_officer=200)
# A partnership's casework pages (its case list, a new case): its people without a case role are refused.
OPENS_CASES      = Row(SIGN_IN,   200,     403,        403,     403,    403,    404,   404, case_officer=200)
# The managers' pages of casework (settings, letters, reports): A's case officer is refused like any member.
MANAGES_CASEWORK = Row(SIGN_IN,   200,     403,        403,     403,    403,    404,   404, case_officer=403)
# Problem places: anyone in A reads them; those who work cases change them.
CHANGES_PLACES   = Row(SIGN_IN,   200,     403,        403,     403,    403,    404,   404, case_officer=200)
# fmt: on


@dataclass(frozen=True)
class Expect:
    """What every class of person gets from one URL name."""

    get: Row
    # A valid form for POST: the view changes something when POST comes from someone allowed.
    data: Callable[[Any], dict[str, Any]] | None = None
    # What POST answers, when it differs from GET (a view that only accepts POST).
    post: Row | None = None
    # Who may POST `data`, for the control test that the form really changes something (None: skip).
    doer: str | None = "partnership_manager"
    # "session" for pages; "token" for the JSON API (Authorization: Bearer).
    auth: str = "session"
    # The same URL on other records of A, with their own row: {label: ({kwarg: record key}, row)}.
    also: dict[str, tuple[dict[str, str], Row]] = field(default_factory=dict)
    # Other forms POSTed to the same URL of A, each with its own row: {label: (form, row)}. Only refusals
    # are checked (refused alike, and nothing changes).
    posts: dict[str, tuple[Callable[[Any], dict[str, Any]], Row]] = field(default_factory=dict)
