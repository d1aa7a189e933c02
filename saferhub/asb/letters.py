"""The letters and notices steps of the incremental approach send: the wording shipped by default, the
placeholders a partnership's own wording may use, and filling them in for one step.

A template is plain text. Filling it in replaces each known placeholder and nothing else (no format
mini-language, so a template can reach no attribute of anything); the page and the PDF escape the result,
so a name typed as HTML prints as typed.
"""

import re
from dataclasses import dataclass

from saferhub.asb.models import Intervention, LetterTemplate, Stage
from saferhub.design_system.filters import govuk_date

PLACEHOLDERS: dict[str, str] = {
    "perpetrator_name": "the perpetrator's name",
    "perpetrator_address": "the perpetrator's address",
    "case_reference": "the case's reference",
    "issued_on": "the day the step was taken",
    "due_on": "the deadline the step starts (blank when it starts none)",
    "partnership_name": "the partnership's name",
    "lead_organisation": "the organisation that leads the case",
    "officer_name": "the officer who took the step",
    "behaviour": "the behaviour, as the step's record states it for the letter",
}
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")

_CLOSING = "\n\nSigned: {officer_name}\n{lead_organisation}, for {partnership_name}"

DEFAULT_LETTERS: dict[str, tuple[str, str]] = {
    Stage.ADVICE: (
        "Advice about your behaviour",
        "Dear {perpetrator_name}\n\nWe have received reports of anti-social behaviour: {behaviour}. "
        "We are writing to give you advice so that it stops now.\n\n"
        "Please think about how your behaviour affects the people who live and work near you. If you would "
        "like to talk about this, contact us and quote {case_reference}." + _CLOSING,
    ),
    Stage.WARNING_LETTER: (
        "Warning about anti-social behaviour",
        "Dear {perpetrator_name}\n\nWe have received further reports of anti-social behaviour: "
        "{behaviour}.\n\nThis letter, dated {issued_on}, is a warning. If the behaviour continues we may "
        "take formal action, which can include a Community Protection Warning or a court application.\n\n"
        "Reference: {case_reference}" + _CLOSING,
    ),
    Stage.ABC: (
        "Acceptable Behaviour Contract",
        "Dear {perpetrator_name}\n\nThis confirms the Acceptable Behaviour Contract you agreed on "
        "{issued_on} about: {behaviour}.\n\nThe contract is voluntary. We will review it with you on "
        "{due_on}. If it is broken, we may take formal action.\n\nReference: {case_reference}" + _CLOSING,
    ),
    Stage.CPW: (
        "Community Protection Warning",
        "To: {perpetrator_name}, {perpetrator_address}\n\nAnti-social Behaviour, Crime and Policing Act "
        "2014, section 43.\n\nYour conduct has had a detrimental effect, of a persistent or continuing "
        "nature, on the quality of life of those in the locality, and is unreasonable: {behaviour}.\n\n"
        "You must stop this conduct by {due_on}. If you do not, a Community Protection Notice may be "
        "issued to you.\n\nIssued on {issued_on}. Reference: {case_reference}" + _CLOSING,
    ),
    Stage.CPN: (
        "Community Protection Notice",
        "To: {perpetrator_name}, {perpetrator_address}\n\nAnti-social Behaviour, Crime and Policing Act "
        "2014, section 43.\n\nYou were given a written warning and have not stopped the conduct: "
        "{behaviour}. You are required to stop it from {issued_on}.\n\nFailing to comply with this notice "
        "is an offence, or may be dealt with by a fixed penalty notice.\n\nYou may appeal to the "
        "magistrates' court until {due_on} (section 46).\n\nReference: {case_reference}" + _CLOSING,
    ),
    Stage.FPN: (
        "Fixed penalty notice",
        "To: {perpetrator_name}, {perpetrator_address}\n\nAnti-social Behaviour, Crime and Policing Act "
        "2014, section 52.\n\nYou have failed to comply with a Community Protection Notice. You may "
        "discharge liability to conviction for that offence by paying the fixed penalty by {due_on}.\n\n"
        "Issued on {issued_on}. Reference: {case_reference}" + _CLOSING,
    ),
    Stage.CLOSURE_NOTICE: (
        "Closure notice",
        "To the owner, occupiers and anyone with an interest in: {perpetrator_name}, {perpetrator_address}"
        "\n\nAnti-social Behaviour, Crime and Policing Act 2014, section 76.\n\nThis notice, issued on "
        "{issued_on}, prohibits access to the premises because of nuisance or disorder: {behaviour}.\n\n"
        "An application for a closure order will be heard by the magistrates' court by {due_on}.\n\n"
        "Reference: {case_reference}" + _CLOSING,
    ),
}
LETTER_STAGES: tuple[str, ...] = tuple(DEFAULT_LETTERS)


def unknown_placeholders(text: str) -> list[str]:
    """The placeholders in `text` a letter cannot fill in, each once, in the order they appear."""
    found = [name for name in _PLACEHOLDER.findall(text) if name not in PLACEHOLDERS]
    return list(dict.fromkeys(found))


def allowed_placeholders() -> str:
    return ", ".join("{" + name + "}" for name in PLACEHOLDERS)


@dataclass(frozen=True)
class Letter:
    """One step's letter, filled in: plain text, escaped wherever it is shown."""

    title: str
    body: str
    intervention: Intervention


def template_wording(partnership_templates: dict[str, LetterTemplate], stage: str) -> tuple[str, str]:
    """The partnership's title and body for the stage's letter, or the shipped default."""
    own = partnership_templates.get(stage)
    return (own.title, own.body) if own is not None else DEFAULT_LETTERS[stage]


def filled_in(text: str, values: dict[str, str]) -> str:
    """`text` with each known placeholder replaced by its value; anything else between braces left as is."""
    return _PLACEHOLDER.sub(lambda match: values.get(match[1], match[0]), text)


def letter_values(intervention: Intervention) -> dict[str, str]:
    """What each placeholder stands for in this step's letter."""
    case_party = intervention.case_party
    case = case_party.case
    officer = intervention.actor or case.lead_officer
    return {
        "perpetrator_name": case_party.party.name,
        "perpetrator_address": case_party.party.address,
        "case_reference": case.reference,
        "issued_on": govuk_date(intervention.issued_on),
        "due_on": govuk_date(intervention.due_on) if intervention.due_on else "",
        "partnership_name": case.partnership.name,
        "lead_organisation": case.lead_organisation.name,
        # The officer's name, never their email address: a letter goes to the perpetrator.
        "officer_name": getattr(officer, "full_name", "") or case.lead_organisation.name,
        # What the officer wrote for this step, not the case's summary, which may name those who reported it.
        "behaviour": intervention.comment.strip() or "the behaviour reported to us",
    }


def letter_of(intervention: Intervention, template: LetterTemplate | None) -> Letter:
    """The step's letter in the partnership's wording (`template`), or the default wording."""
    title, body = (template.title, template.body) if template else DEFAULT_LETTERS[intervention.kind]
    values = letter_values(intervention)
    return Letter(title=filled_in(title, values), body=filled_in(body, values), intervention=intervention)
